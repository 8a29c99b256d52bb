"""Settings of one run: flag > environment > ``.env`` > default (README, « Configuration »)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from oracxpred import defaults, messages
from oracxpred.errors import ConfigError

ENV_NAMES: dict[str, str] = {
    "feed_url": "ORACXPRED_FEED_URL",
    "results_url": "ORACXPRED_RESULTS_URL",
    "csv_path": "ORACXPRED_CSV_PATH",
    "database_url": "DATABASE_URL",
    "interval_min": "ORACXPRED_INTERVAL",
    "log_file": "ORACXPRED_LOG_FILE",
    "timeout_s": "ORACXPRED_TIMEOUT",
    "retries": "ORACXPRED_RETRIES",
    "max_body_bytes": "ORACXPRED_MAX_BODY_BYTES",
    "unresolved_after_s": "ORACXPRED_UNRESOLVED_AFTER",
    "metrics_port": "ORACXPRED_METRICS_PORT",
    # Mirrors and alerts (issue 16)
    "feed_urls": "ORACXPRED_FEED_URLS",
    "alert_urls": "ORACXPRED_ALERT_URLS",
    "alert_after_min": "ORACXPRED_ALERT_AFTER",
    "alert_cooldown_min": "ORACXPRED_ALERT_COOLDOWN",
    "alert_summary": "ORACXPRED_ALERT_SUMMARY",
    "alert_disk_mb": "ORACXPRED_ALERT_DISK_MB",
    "audit_every_min": "ORACXPRED_AUDIT_EVERY",  # history (issue 15)
    "archive_dir": "ORACXPRED_ARCHIVE_DIR",
    "archive_keep_days": "ORACXPRED_ARCHIVE_KEEP_DAYS",
    "timezone": "ORACXPRED_TIMEZONE",
    "webhook_urls": "ORACXPRED_WEBHOOK_URLS",  # push (issue 17)
    "webhook_secret": "ORACXPRED_WEBHOOK_SECRET",
}
"""Environment variable of each setting."""

WEB_ENV_NAMES: dict[str, str] = {
    "health_max_age_s": "ORACXPRED_HEALTH_MAX_AGE",
    "internal_collector": "ORACXPRED_INTERNAL_COLLECTOR",
}
"""Environment variable of each web-only setting."""

_TRUE = {"1", "true", "yes", "oui", "on"}
_FALSE = {"", "0", "false", "no", "non", "off"}

SQL_SCHEMES = (
    "postgresql",
    "postgres",
    "postgresql+psycopg",
    "sqlite",
    "mysql+pymysql",
    "mariadb+pymysql",
)


@dataclass(frozen=True)
class Settings:
    feed_url: str = defaults.DEFAULT_FEED_URL
    results_url: str | None = None  # None: the results path on the feed's host
    csv_path: Path = Path(defaults.DEFAULT_CSV_PATH)
    database_url: str | None = None
    interval_min: float = defaults.DEFAULT_INTERVAL_MIN
    log_file: Path | None = None
    verbose: bool = False
    timeout_s: float = defaults.DEFAULT_TIMEOUT_S
    retries: int = defaults.DEFAULT_RETRIES
    backoff_s: float = defaults.DEFAULT_BACKOFF_S
    max_body_bytes: int = defaults.DEFAULT_MAX_BODY_BYTES
    unresolved_after_s: float = defaults.DEFAULT_UNRESOLVED_AFTER_S
    metrics_port: int | None = None
    # Mirrors and alerts (issue 16)
    feed_urls: tuple[str, ...] = ()  # several hosts of one feed; empty: feed_url alone
    alert_urls: tuple[str, ...] = ()  # apprise URLs
    alert_after_min: float = defaults.DEFAULT_ALERT_AFTER_MIN
    alert_cooldown_min: float = defaults.DEFAULT_ALERT_COOLDOWN_MIN
    alert_summary: str | None = None  # "HH:MM" UTC of the daily summary
    alert_disk_mb: float = defaults.DEFAULT_ALERT_DISK_MB

    @property
    def mirrors(self) -> tuple[str, ...]:
        """Every configured host of the feed, in the order given."""
        return self.feed_urls or (self.feed_url,)

    audit_every_min: float = defaults.DEFAULT_AUDIT_EVERY_MIN  # history (issue 15); 0: off
    archive: bool = True  # --no-archive turns the recording of responses off
    archive_dir: Path | None = None  # None: beside the CSV file, or data/archive for SQL
    archive_keep_days: int = defaults.DEFAULT_ARCHIVE_KEEP_DAYS
    timezone: str = "UTC"  # display zone of the web app; storage is always UTC
    webhook_urls: tuple[str, ...] = ()  # push (issue 17, push/webhooks.py)
    webhook_secret: str | None = field(default=None, repr=False)  # HMAC key, never logged

    @property
    def spool_path(self) -> Path:
        """Outage spool: beside the CSV path, so ``--csv-path`` isolates a run."""
        return self.csv_path.with_name(self.csv_path.stem + ".spool.csv")

    @property
    def archive_path(self) -> Path:
        """Where the responses are recorded (docs/archive.md)."""
        if self.archive_dir is not None:
            return self.archive_dir
        if self.database_url:
            return Path("data") / "archive"
        return self.csv_path.parent / "archive"

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def parse_interval(raw: object) -> float:
    """Minutes > 0; decimals allowed."""
    try:
        value = float(str(raw).replace(",", ".").strip())
    except ValueError:
        raise ConfigError(messages.CONFIG_INTERVAL_NOT_NUMBER.format(raw=raw)) from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(messages.CONFIG_INTERVAL_NOT_POSITIVE.format(raw=raw))
    return value


def validate_http_url(raw: str, what: str) -> str:
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(messages.CONFIG_NOT_HTTP_URL.format(what=what, raw=raw))
    return raw.strip()


def validate_database_url(raw: str) -> str:
    url = raw.strip()
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in SQL_SCHEMES:
        from oracxpred.logs import mask_url

        raise ConfigError(messages.CONFIG_DATABASE_URL.format(url=mask_url(url)))
    return url


def _positive(raw: object, what: str, kind: type[float] | type[int], zero_ok: bool = False) -> Any:
    try:
        value = kind(str(raw).strip())
    except ValueError:
        raise ConfigError(messages.CONFIG_NOT_NUMBER.format(what=what, raw=raw)) from None
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_ok):
        raise ConfigError(messages.CONFIG_NOT_POSITIVE.format(what=what, raw=raw))
    return value


def read_dotenv(path: Path) -> dict[str, str]:
    """Values of a ``.env`` file; a missing file is an empty one."""
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def load_settings(
    cli_values: Mapping[str, Any],
    environ: Mapping[str, str],
    dotenv: Mapping[str, str] | None = None,
) -> Settings:
    """Merge the sources; ``cli_values`` holds only the flags the user gave (None = absent)."""
    dotenv = dotenv or {}
    raw: dict[str, Any] = {}
    for name, env_name in ENV_NAMES.items():
        if cli_values.get(name) is not None:
            raw[name] = cli_values[name]
        elif environ.get(env_name, "").strip():
            raw[name] = environ[env_name]
        elif dotenv.get(env_name, "").strip():
            raw[name] = dotenv[env_name]
    values: dict[str, Any] = {"verbose": bool(cli_values.get("verbose"))}
    if cli_values.get("no_archive"):
        values["archive"] = False
    if "archive_dir" in raw:
        values["archive_dir"] = Path(str(raw["archive_dir"])).expanduser()
    if "archive_keep_days" in raw:
        values["archive_keep_days"] = parse_keep_days(raw["archive_keep_days"])
    if "feed_url" in raw:
        values["feed_url"] = validate_http_url(str(raw["feed_url"]), messages.LABEL_FEED_URL)
    if "results_url" in raw:
        values["results_url"] = validate_http_url(
            str(raw["results_url"]), messages.LABEL_RESULTS_URL
        )
    if "csv_path" in raw:
        values["csv_path"] = Path(str(raw["csv_path"])).expanduser()
    if "database_url" in raw:
        values["database_url"] = validate_database_url(str(raw["database_url"]))
    if "interval_min" in raw:
        values["interval_min"] = parse_interval(raw["interval_min"])
    if "log_file" in raw:
        values["log_file"] = Path(str(raw["log_file"])).expanduser()
    if "timeout_s" in raw:
        values["timeout_s"] = _positive(raw["timeout_s"], messages.LABEL_TIMEOUT, float)
    if "retries" in raw:
        values["retries"] = _positive(raw["retries"], messages.LABEL_RETRIES, int, zero_ok=True)
    if "max_body_bytes" in raw:
        values["max_body_bytes"] = _positive(raw["max_body_bytes"], messages.LABEL_MAX_BODY, int)
    if "unresolved_after_s" in raw:
        values["unresolved_after_s"] = _positive(
            raw["unresolved_after_s"], messages.LABEL_UNRESOLVED_AFTER, float
        )
    if "metrics_port" in raw:
        port = _positive(raw["metrics_port"], messages.LABEL_METRICS_PORT, int)
        if port > 65535:
            raise ConfigError(messages.CONFIG_METRICS_PORT.format(raw=port))
        values["metrics_port"] = port
    values.update(_ops_values(raw))
    values.update(_history_values(raw))
    if "timezone" in raw:
        values["timezone"] = validate_timezone(str(raw["timezone"]))
    if "webhook_urls" in raw:  # checked by the collector (push/webhooks.py: check_settings)
        values["webhook_urls"] = tuple(dict.fromkeys(split_list(raw["webhook_urls"])))
    if "webhook_secret" in raw:
        values["webhook_secret"] = str(raw["webhook_secret"])
    return Settings(**values)


@dataclass(frozen=True)
class WebSettings:
    """What only the web application reads, beside the collector's ``Settings``."""

    health_max_age_s: float | None = None  # None: ``default_health_max_age_s``
    internal_collector: bool = False


def default_health_max_age_s(settings: Settings) -> float:
    """Three collector intervals plus two minutes: one slow or missed cycle is not an alert."""
    return 3 * settings.interval_min * 60 + 120


def parse_flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(messages.CONFIG_NOT_FLAG.format(name=name, raw=raw))


def parse_seconds(name: str, raw: str) -> float:
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise ConfigError(messages.CONFIG_NOT_SECONDS.format(name=name, raw=raw))
    return value


def load_web_settings(
    given: Mapping[str, Any],
    environ: Mapping[str, str],
    dotenv: Mapping[str, str] | None = None,
) -> WebSettings:
    """Same precedence as ``load_settings``: ``given`` (None = absent) > environment > ``.env``.

    An empty environment value falls through to ``.env``; a blank one means "not set".
    """
    dotenv = dotenv or {}

    def raw(name: str) -> str:
        env_name = WEB_ENV_NAMES[name]
        return environ.get(env_name) or dotenv.get(env_name) or ""

    max_age = given.get("health_max_age_s")
    if max_age is None:
        text = raw("health_max_age_s")
        if text.strip():
            max_age = parse_seconds(WEB_ENV_NAMES["health_max_age_s"], text)
    internal = given.get("internal_collector")
    if internal is None:
        internal = parse_flag(WEB_ENV_NAMES["internal_collector"], raw("internal_collector"))
    return WebSettings(
        health_max_age_s=None if max_age is None else float(max_age),
        internal_collector=bool(internal),
    )


# -- Mirrors and alerts (issue 16) -------------------------------------------------------------


def split_list(raw: object) -> list[str]:
    """A repeated flag (tuple) or a comma-separated variable, without empty items."""
    items = raw if isinstance(raw, list | tuple) else str(raw).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def _ops_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "feed_urls" in raw:
        urls = tuple(
            validate_http_url(u, messages.LABEL_FEED_URL) for u in split_list(raw["feed_urls"])
        )
        if urls:
            values["feed_urls"], values["feed_url"] = urls, urls[0]
    if "alert_urls" in raw:
        values["alert_urls"] = tuple(split_list(raw["alert_urls"]))
    if "alert_after_min" in raw:
        values["alert_after_min"] = _positive(
            raw["alert_after_min"], messages.LABEL_ALERT_AFTER, float
        )
    if "alert_cooldown_min" in raw:
        values["alert_cooldown_min"] = _positive(
            raw["alert_cooldown_min"], messages.LABEL_ALERT_COOLDOWN, float
        )
    if "alert_disk_mb" in raw:
        values["alert_disk_mb"] = _positive(raw["alert_disk_mb"], messages.LABEL_ALERT_DISK, float)
    if "alert_summary" in raw:
        text = str(raw["alert_summary"]).strip()
        hour, _, minute = text.partition(":")
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            raise ConfigError(messages.CONFIG_SUMMARY_TIME.format(raw=text))
        values["alert_summary"] = f"{int(hour):02d}:{int(minute):02d}"
    return values


# -- History (issue 15) ------------------------------------------------------------------------


def _history_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    if "audit_every_min" not in raw:
        return {}
    text = str(raw["audit_every_min"]).replace(",", ".").strip()
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value < 0:
        raise ConfigError(messages.CONFIG_AUDIT_EVERY.format(raw=raw["audit_every_min"]))
    return {"audit_every_min": value}


def parse_keep_days(raw: object) -> int:
    """Whole days ≥ 0; 0 keeps the archive for ever."""
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigError(messages.CONFIG_KEEP_DAYS.format(raw=raw))
    return value


def validate_timezone(raw: str) -> str:
    """An IANA zone name ``zoneinfo`` knows (``UTC``, ``Africa/Abidjan``, ``Europe/Paris``)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = raw.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(messages.CONFIG_TIMEZONE.format(raw=raw)) from None
    return name

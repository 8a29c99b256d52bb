"""Settings of one run: flag > environment > ``.env`` > default (SERVICE.md §2)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from oracxpred import defaults
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
    "timezone": "ORACXPRED_TIMEZONE",
}
"""Environment variable of each setting."""

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
    timezone: str = "UTC"  # display zone of the web app; storage is always UTC
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def spool_path(self) -> Path:
        """Outage spool: beside the CSV path, so ``--csv-path`` isolates a run."""
        return self.csv_path.with_name(self.csv_path.stem + ".spool.csv")

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def parse_interval(raw: object) -> float:
    """Minutes > 0; decimals allowed."""
    try:
        value = float(str(raw).replace(",", ".").strip())
    except ValueError:
        raise ConfigError(
            f"Intervalle invalide « {raw} » : un nombre de minutes est attendu (ex. 1 ou 0.25)."
        ) from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(f"Intervalle invalide « {raw} » : il doit être strictement positif.")
    return value


def validate_http_url(raw: str, what: str) -> str:
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"{what} invalide « {raw} » : une adresse http:// ou https:// est attendue."
        )
    return raw.strip()


def validate_database_url(raw: str) -> str:
    url = raw.strip()
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in SQL_SCHEMES:
        from oracxpred.logs import mask_url

        raise ConfigError(
            f"DATABASE_URL invalide « {mask_url(url)} » : schémas acceptés "
            "postgresql://, postgres://, postgresql+psycopg://, sqlite:///chemin, "
            "mysql+pymysql://."
        )
    return url


def _positive(raw: object, what: str, kind: type[float] | type[int]) -> Any:
    try:
        value = kind(str(raw).strip())
    except ValueError:
        raise ConfigError(f"{what} invalide « {raw} » : nombre attendu.") from None
    if value <= 0 and not (kind is int and what == "Nombre de tentatives" and value == 0):
        raise ConfigError(f"{what} invalide « {raw} » : doit être positif.")
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
    if "feed_url" in raw:
        values["feed_url"] = validate_http_url(str(raw["feed_url"]), "Adresse du flux")
    if "results_url" in raw:
        values["results_url"] = validate_http_url(
            str(raw["results_url"]), "Adresse du service de résultats"
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
        values["timeout_s"] = _positive(raw["timeout_s"], "Délai d'attente", float)
    if "retries" in raw:
        values["retries"] = _positive(raw["retries"], "Nombre de tentatives", int)
    if "max_body_bytes" in raw:
        values["max_body_bytes"] = _positive(
            raw["max_body_bytes"], "Taille maximale de réponse", int
        )
    if "unresolved_after_s" in raw:
        values["unresolved_after_s"] = _positive(
            raw["unresolved_after_s"], "Délai avant « non résolu »", float
        )
    if "metrics_port" in raw:
        port = _positive(raw["metrics_port"], "Port des métriques", int)
        if port > 65535:
            raise ConfigError(f"Port des métriques invalide « {port} ».")
        values["metrics_port"] = port
    if "timezone" in raw:
        values["timezone"] = validate_timezone(str(raw["timezone"]))
    return Settings(**values)


def validate_timezone(raw: str) -> str:
    """An IANA zone name ``zoneinfo`` knows (``UTC``, ``Africa/Abidjan``, ``Europe/Paris``)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = raw.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"Fuseau horaire inconnu « {raw} » (ORACXPRED_TIMEZONE) : un nom IANA est attendu, "
            "par exemple UTC, Africa/Abidjan ou Europe/Paris."
        ) from None
    return name

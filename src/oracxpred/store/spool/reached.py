"""Has this database URL ever answered? A marker beside the spool tells an outage from a typo.

``<spool>.reached-<hash>.json`` (hash of the masked URL: a changed password keeps it, another
host, port or database does not) is written once the database answered, and records when the
current outage began. Without it, and without a tracking mirror (a database reached before
markers existed), a database that cannot be reached is a configuration error: the one-shot
run still spools its matches, then says so naming host and port and exits 1.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from oracxpred import messages
from oracxpred.logs import get_logger, mask_secrets

log = get_logger("store.spool")

LONG_OUTAGE_S = 30 * 60
"""An outage longer than this is logged at ERROR each cycle and shown by ``/health``."""

DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306}


def host_port(url: str) -> tuple[str, int | None] | None:
    """Host and port of a server URL; None for a file database (SQLite)."""
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - any unreadable URL: nothing to name
        return None
    if parsed.get_backend_name() == "sqlite":
        return None
    port = parsed.port or DEFAULT_PORTS.get(parsed.get_backend_name())
    return parsed.host or "localhost", port


class ReachedMarker:
    def __init__(self, spool_path: Path, url: str, mirror: Path | None = None) -> None:
        digest = hashlib.sha256(mask_secrets(url).encode("utf-8")).hexdigest()[:16]
        self.path = spool_path.with_name(f"{spool_path.name}.reached-{digest}.json")
        self.url = url
        self._mirror = mirror
        self._known = False

    def reached(self) -> bool:
        """True when this URL answered once (or a tracking mirror shows it did)."""
        if self._known or self.path.exists():
            return True
        return self._mirror is not None and self._mirror.exists()

    def mark_reached(self) -> None:
        """The database answered: remember it; the outage, if any, is over."""
        if self._known and self._read().get("outage_since") is None:
            return
        self._write({"reached_at": _now().isoformat(), "outage_since": None})
        self._known = True

    def outage_since(self, now: datetime | None = None) -> datetime:
        """When the current outage began (recorded at its first call)."""
        data = self._read()
        since = data.get("outage_since")
        if isinstance(since, str):
            with contextlib.suppress(ValueError):
                return datetime.fromisoformat(since)
        moment = now or _now()
        if self.reached():
            self._write({**data, "outage_since": moment.isoformat()})
        return moment

    def recorded_outage(self) -> datetime | None:
        """The outage start on record, without starting one (the web app reads it)."""
        since = self._read().get("outage_since")
        try:
            return datetime.fromisoformat(since) if isinstance(since, str) else None
        except ValueError:
            return None

    def _read(self) -> dict[str, object]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict[str, object]) -> None:
        """Best effort: a marker that cannot be written never fails a cycle."""
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            log.debug(messages.REACHED_MARKER_UNWRITTEN.format(path=self.path, error=exc))
            with contextlib.suppress(OSError):
                tmp.unlink()


def _now() -> datetime:
    return datetime.now(UTC)

"""Single active collector (SERVICE.md §5): the lease, and who holds it.

Only the holder collects; standbys retry at each interval. One interface, three mechanisms:

* PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on a dedicated connection;
* MariaDB/MySQL: ``GET_LOCK(name, 0)`` on a dedicated connection;
* CSV and SQLite: an OS file lock beside the data file (``<stem>.collector.lock``), holder
  details in ``<stem>.collector.json``.

All three are released by the server or the OS when the holder dies, ``kill -9`` included, so a
standby takes over at its next try. The SQL holders also keep a ``collector_lease`` row (holder
``host:pid:token``, since, valid until) for standbys, ``--test-db`` and the web health page.

While the database is unreachable, an SQL lease falls back to the file lock beside the CSV
path (the spool's folder): the collector keeps spooling and a second local process stays
standby. Two hosts degraded at once may both spool; the unique key on ``event_id`` makes the
replays harmless.
"""

from __future__ import annotations

import abc
import json
import os
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Self

from filelock import FileLock, Timeout

from oracxpred import defaults
from oracxpred.config import Settings
from oracxpred.errors import LeaseUnavailable
from oracxpred.logs import get_logger
from oracxpred.oserrors import os_reason

log = get_logger("collector.lease")

HOST = socket.gethostname()


def _now() -> datetime:
    return datetime.now(UTC)


def validity_s(interval_s: float) -> float:
    """How long holder details stay credible without renewal (renewed at every interval)."""
    return max(defaults.DEFAULT_LEASE_TTL_S, 3 * interval_s)


@dataclass(frozen=True, slots=True)
class Holder:
    """Who collects: enough for an operator to find the process."""

    host: str
    pid: int
    since: datetime
    valid_until: datetime | None = None
    mechanism: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "pid": self.pid,
            "since": self.since.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "mechanism": self.mechanism,
        }

    def describe(self) -> str:
        since = self.since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        return f"hôte {self.host}, pid {self.pid}, depuis {since} UTC"


class Lease(abc.ABC):
    """The right to collect. ``ensure`` is called before every cycle; it never blocks beyond
    the configured timeouts and never raises for a busy lease (it returns False)."""

    mechanism: str

    @abc.abstractmethod
    def ensure(self) -> bool:
        """Take or renew the lease; True when this process holds it afterwards."""

    @abc.abstractmethod
    def holder(self) -> Holder | None:
        """The current holder (this process included), or None when nobody holds it."""

    @abc.abstractmethod
    def release(self) -> None:
        """Give the lease up (idempotent); holder details are removed."""

    @property
    @abc.abstractmethod
    def held(self) -> bool:
        """Whether this process holds the lease (as of the last ``ensure``)."""

    def close(self) -> None:
        self.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FileLease(Lease):
    """An OS lock (``flock``/``LockFileEx``) beside ``data_path``: one collector per host."""

    mechanism = "fichier"

    def __init__(self, data_path: Path, interval_s: float) -> None:
        self.lock_path = data_path.with_name(data_path.stem + ".collector.lock")
        self.info_path = data_path.with_name(data_path.stem + ".collector.json")
        # thread_local=False: the background collector takes the lease in a scheduler thread
        # and gives it back from the web app's thread.
        self._lock = FileLock(self.lock_path, thread_local=False)
        self._validity = timedelta(seconds=validity_s(interval_s))
        self._since: datetime | None = None
        self._guard = threading.RLock()
        self._info_warned = False

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def ensure(self) -> bool:
        with self._guard:
            if not self._lock.is_locked:
                try:
                    self.lock_path.parent.mkdir(parents=True, exist_ok=True)
                    self._lock.acquire(timeout=0)
                except Timeout:
                    return False
                except OSError as exc:
                    raise LeaseUnavailable(
                        f"verrou de collecte {self.lock_path} inutilisable : {os_reason(exc)}"
                    ) from None
                self._since = _now()
            self._write_info()
            return True

    def _mine(self) -> Holder:
        assert self._since is not None
        now = _now()
        return Holder(HOST, os.getpid(), self._since, now + self._validity, self.mechanism)

    def _write_info(self) -> None:
        holder = self._mine()
        tmp = self.info_path.with_name(f"{self.info_path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(holder.as_dict()), encoding="utf-8")
            os.replace(tmp, self.info_path)
        except OSError as exc:
            if not self._info_warned:
                log.warning(
                    "Détails du verrou non écrits (%s) : %s", self.info_path, os_reason(exc)
                )
                self._info_warned = True

    def holder(self) -> Holder | None:
        if self.held:
            return self._mine()
        try:
            raw = json.loads(self.info_path.read_text(encoding="utf-8"))
            found = Holder(
                host=str(raw["host"]),
                pid=int(raw["pid"]),
                since=datetime.fromisoformat(raw["since"]),
                valid_until=datetime.fromisoformat(raw["valid_until"]),
                mechanism=self.mechanism,
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return found if _alive(found) else None

    def release(self) -> None:
        with self._guard:
            if not self._lock.is_locked:
                return
            try:
                raw = json.loads(self.info_path.read_text(encoding="utf-8"))
                if raw.get("pid") == os.getpid() and raw.get("host") == HOST:
                    self.info_path.unlink()
            except (OSError, ValueError):
                pass
            self._lock.release(force=True)
            self._since = None


def _alive(holder: Holder) -> bool:
    """A holder found in a file: its process on this host, else its renewal deadline."""
    if holder.host == HOST and os.name == "posix":
        try:
            os.kill(holder.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return holder.valid_until is None or holder.valid_until > _now()


def lease_for(settings: Settings) -> Lease:
    """The lease guarding the configured store (PostgreSQL, MariaDB, SQLite or CSV)."""
    interval_s = settings.interval_min * 60
    local = FileLease(settings.csv_path, interval_s)
    if not settings.database_url:
        return local
    from oracxpred.collector.lease.sql import sql_lease

    return sql_lease(settings, local) or local


def describe_holder(settings: Settings) -> dict[str, Any] | None:
    """Who collects into the configured store (host, pid, since…), or None: for the web
    app's health page and ``--test-db``. Never raises for an unreachable database."""
    lease = lease_for(settings)
    try:
        found = lease.holder()
    finally:
        lease.close()
    return found.as_dict() if found else None

"""The file lease: an OS lock beside the data file, holder details in a JSON file beside it.

Used for CSV and SQLite stores, and by SQL leases while their database is unreachable.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timedelta
from pathlib import Path

from filelock import FileLock, Timeout

from oracxpred import messages
from oracxpred.collector.lease.base import HOST, Holder, Lease, utc_now, validity_s
from oracxpred.errors import LeaseUnavailable
from oracxpred.logs import get_logger
from oracxpred.oserrors import os_reason

log = get_logger("collector.lease")


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
                        messages.LEASE_LOCK_UNUSABLE.format(
                            lock_path=self.lock_path, reason=os_reason(exc)
                        )
                    ) from None
                self._since = utc_now()
            self._write_info()
            return True

    def _mine(self) -> Holder:
        assert self._since is not None
        now = utc_now()
        return Holder(HOST, os.getpid(), self._since, now + self._validity, self.mechanism)

    def _write_info(self) -> None:
        holder = self._mine()
        tmp = self.info_path.with_name(f"{self.info_path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(holder.as_dict()), encoding="utf-8")
            os.replace(tmp, self.info_path)
        except OSError as exc:
            if not self._info_warned:
                log.warning(messages.LEASE_INFO_NOT_WRITTEN, self.info_path, os_reason(exc))
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
    return holder.valid_until is None or holder.valid_until > utc_now()

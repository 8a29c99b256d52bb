"""The CSV store's side files: tracker state (``<stem>.tracking.json``, replaced atomically) and
heartbeats (``<stem>.heartbeat.jsonl``, appended and pruned).

Both live beside the CSV, so ``--csv-path`` in an empty folder isolates a whole run. A damaged
state file is set aside and the collector starts from nothing rather than crashing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from oracxpred import messages
from oracxpred.core.cells import format_utc, parse_utc
from oracxpred.core.state_codec import dumps_state, loads_state
from oracxpred.errors import StoreCorrupted, StoreUnavailable
from oracxpred.oserrors import os_reason
from oracxpred.store.base import Heartbeat
from oracxpred.store.csv.file import append_bytes, fsync_dir, not_writable, unique_sibling

log = logging.getLogger("oracxpred.store.csv.store")

HEARTBEATS_MAX_LINES = 1000
"""Beyond this many lines the heartbeat file is pruned..."""
HEARTBEATS_KEPT = 200
"""...down to this many (the contract asks for at least 100)."""


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: temp file in the same folder, fsync, ``os.replace``."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise not_writable(path, exc) from exc
    fsync_dir(path.parent)


class TrackingFile:
    """The tracker's state as one JSON object.

    Its stamp (``save``, ``stamp``) is the file's whole content: comparing a 0.5 MB file with
    the bytes written last costs far less than decoding and checking it again, and unlike a
    size, time or inode check it cannot be fooled by another process's write."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def stamp(self) -> bytes | None:
        """The file's content; None when it is absent or unreadable (``load`` says why)."""
        try:
            return self.path.read_bytes()
        except OSError:
            return None

    def load(self) -> dict[str, Any] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreUnavailable(
                messages.FILE_UNREADABLE.format(path=self.path, reason=os_reason(exc))
            ) from exc
        try:
            state = loads_state(raw)
            if not isinstance(state, dict):
                raise ValueError(f"objet JSON attendu, trouvé {type(state).__name__}")
        except (ValueError, RecursionError) as exc:
            self._set_aside(exc)
            return None
        return state

    def _set_aside(self, exc: Exception) -> None:
        copy = unique_sibling(self.path, "corrupt")
        try:
            os.replace(self.path, copy)
        except OSError as err:
            log.warning(
                messages.CSV_TRACKING_UNREADABLE_NOT_KEPT,
                self.path,
                exc,
                os_reason(err),
            )
            return
        log.warning(
            messages.CSV_TRACKING_UNREADABLE_KEPT,
            self.path,
            exc,
            copy,
        )

    def save(self, state: dict[str, Any]) -> bytes:
        """Replace the file atomically; returns its new content (the stamp)."""
        try:
            data = dumps_state(state)
        except (TypeError, ValueError) as exc:
            raise StoreCorrupted(messages.CSV_TRACKING_NOT_JSON.format(exc=exc)) from exc
        atomic_write(self.path, data)
        return data


class HeartbeatLog:
    """One JSON line per cycle; appends and pruning happen under the store's file lock."""

    def __init__(self, path: Path, locked: Callable[[], AbstractContextManager[object]]) -> None:
        self.path = path
        self._locked = locked

    def append(self, beat: Heartbeat) -> None:
        line = json.dumps(_to_json(beat), ensure_ascii=False) + "\n"
        data = line.encode("utf-8", errors="replace")
        with self._locked():
            if not self._ends_with_newline():
                data = b"\n" + data  # a crash cut the previous line: start a fresh one
            append_bytes(self.path, data)
            content = self._read()
            if content.count(b"\n") > HEARTBEATS_MAX_LINES:
                kept = content.splitlines(keepends=True)[-HEARTBEATS_KEPT:]
                atomic_write(self.path, b"".join(kept))

    def recent(self, limit: int) -> list[Heartbeat]:
        if limit <= 0:
            return []
        beats: list[Heartbeat] = []
        for raw in reversed(self._read().splitlines()):
            beat = _from_json(raw)
            if beat is not None:
                beats.append(beat)
        # Newest first by start time; among equal times the one appended last comes first.
        beats.sort(key=lambda b: b.started_at, reverse=True)
        return beats[:limit]

    def _read(self) -> bytes:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return b""
        except OSError as exc:
            raise StoreUnavailable(
                messages.FILE_UNREADABLE.format(path=self.path, reason=os_reason(exc))
            ) from exc

    def _ends_with_newline(self) -> bool:
        try:
            with self.path.open("rb") as f:
                if f.seek(0, os.SEEK_END) == 0:
                    return True
                f.seek(-1, os.SEEK_END)
                return f.read(1) == b"\n"
        except FileNotFoundError:
            return True
        except OSError as exc:
            raise not_writable(self.path, exc) from exc


def _to_json(beat: Heartbeat) -> dict[str, Any]:
    return {
        "started_at": format_utc(beat.started_at),
        "finished_at": format_utc(beat.finished_at) if beat.finished_at else None,
        "ok": beat.ok,
        "host": beat.host,
        "pid": beat.pid,
        "saved": beat.saved,
        "pending": beat.pending,
        "duplicates": beat.duplicates,
        "rejected": beat.rejected,
        "error": beat.error,
        "feed_host": beat.feed_host,
        "events": beat.events,
        "interval_s": beat.interval_s,
    }


def _from_json(raw: bytes) -> Heartbeat | None:
    """A heartbeat line, or None for a line cut by a crash or edited by hand."""
    try:
        item = json.loads(raw.decode("utf-8"))
        finished = item.get("finished_at")
        return Heartbeat(
            started_at=parse_utc(item["started_at"]),
            finished_at=parse_utc(finished) if finished else None,
            ok=bool(item["ok"]),
            host=str(item.get("host", "")),
            pid=int(item.get("pid", 0)),
            saved=int(item.get("saved", 0)),
            pending=int(item.get("pending", 0)),
            duplicates=int(item.get("duplicates", 0)),
            rejected=int(item.get("rejected", 0)),
            error=str(item.get("error", "")),
            feed_host=str(item.get("feed_host", "")),
            events=int(item.get("events", 0)),
            interval_s=_interval(item.get("interval_s")),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _interval(value: object) -> float | None:
    """A heartbeat's interval; None for heartbeats written before it was recorded."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(value)
    seconds = float(value)
    return seconds if seconds > 0 and seconds == seconds else None

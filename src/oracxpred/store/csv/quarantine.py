"""``<stem>.rejected.jsonl``: the CSV backend's quarantine (format: ``store/quarantine.py``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from oracxpred.errors import StoreUnavailable
from oracxpred.oserrors import os_reason
from oracxpred.store import quarantine
from oracxpred.store.base import QuarantinedEvent
from oracxpred.store.csv.file import append_bytes, not_writable
from oracxpred.store.csv.state import atomic_write


class QuarantineFile:
    """Appends and pruning happen under the store's file lock."""

    def __init__(self, path: Path, locked: Callable[[], AbstractContextManager[object]]) -> None:
        self.path = path
        self._locked = locked

    def append(self, events: Sequence[QuarantinedEvent]) -> None:
        if not events:
            return
        data = b"".join(quarantine.to_line(event) for event in events)
        with self._locked():
            size = self._size()
            if size and not self._ends_with_newline():
                data = b"\n" + data  # a crash cut the previous line: start a fresh one
            append_bytes(self.path, data)
            if size + len(data) > quarantine.FILE_MAX_BYTES:
                self._prune()

    def recent(self, limit: int) -> list[QuarantinedEvent]:
        events: list[QuarantinedEvent] = []
        for line in reversed(self._read().splitlines()):
            if len(events) >= limit:
                break
            event = quarantine.from_line(line)
            if event is not None:
                events.append(event)
        return events

    def _prune(self) -> None:
        content = self._read()
        tail = content[-quarantine.FILE_KEPT_BYTES :]
        start = tail.find(b"\n") + 1 if len(content) > len(tail) else 0
        atomic_write(self.path, tail[start:])

    def _read(self) -> bytes:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return b""
        except OSError as exc:
            raise StoreUnavailable(f"Lecture impossible de {self.path} : {os_reason(exc)}") from exc

    def _size(self) -> int:
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0
        except OSError as exc:
            raise not_writable(self.path, exc) from exc

    def _ends_with_newline(self) -> bool:
        try:
            with self.path.open("rb") as f:
                f.seek(-1, os.SEEK_END)
                return f.read(1) == b"\n"
        except OSError as exc:
            raise not_writable(self.path, exc) from exc

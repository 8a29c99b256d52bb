"""``odds.csv`` beside ``matches.csv``: the change-only odds timeline of the CSV backend.

Same machinery as the matches file (``file.py``): the store's lock, one fsynced append per
batch (cut back on failure), a torn last line moved aside before the next append.

Idempotent without reading the file on every start: a row is new when its poll is after the
last one stored for its event. Live polls always come after every stored row, so knowing the
file's latest ``observed_at`` is enough; it is kept in a small side file ``odds.csv.max``
("size latest", rewritten atomically after each append; stale or missing, it is rebuilt from
the bytes it does not cover). Only a batch with an older poll (an archive replayed into a
store that already holds a timeline) makes the process read every row's event and poll once,
then keep them up to date in memory.
"""

from __future__ import annotations

import contextlib
import csv
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path

from oracxpred import messages
from oracxpred.core.records import OddsRow
from oracxpred.store.csv.file import append_bytes, fsync_dir, not_writable, quarantine_tail
from oracxpred.store.odds_rows import ODDS_COLUMNS, cells_row, row_line

log = logging.getLogger(__name__)

TAIL_BYTES = 1 << 20
"""How much of the end of the file is read to find a torn last line."""

_HEADER = (",".join(ODDS_COLUMNS) + "\n").encode()


class OddsFile:
    def __init__(self, path: Path, locked: Callable[[], AbstractContextManager[object]]) -> None:
        self.path = path
        self.max_path = path.with_name(path.name + ".max")
        self._locked = locked
        self._size = -1  # file size that ``_latest`` and ``_last`` describe
        self._latest = -1  # latest observed_at in the file
        self._last: dict[int, int] | None = None  # every event's last poll, once read

    def append(self, rows: Sequence[OddsRow]) -> int:
        if not rows:
            return 0
        with self._locked():
            self._repair()
            size = self._file_size()
            self._know(size)
            if self._last is None and min(r.observed_at for r in rows) <= self._latest:
                self._last = self._read_all(size)
            last = self._last
            if last is None:
                fresh = list(rows)
            else:
                fresh = [r for r in rows if r.observed_at > last.get(r.event_id, -1)]
            if not fresh:
                return 0
            body = "".join(map(row_line, fresh)).encode()
            created = size <= 0
            _, self._size = append_bytes(self.path, (_HEADER if created else b"") + body)
            if created:
                fsync_dir(self.path.parent)
            for r in fresh:
                self._latest = max(self._latest, r.observed_at)
                if last is not None:
                    last[r.event_id] = max(last.get(r.event_id, -1), r.observed_at)
            self._write_max()
            return len(fresh)

    def rows(self, event_id: int | None = None) -> Iterator[OddsRow]:
        try:
            f = self.path.open(newline="", encoding="utf-8")
        except FileNotFoundError:
            return
        except OSError as exc:
            raise not_writable(self.path, exc) from exc
        with f:
            reader = csv.reader(f)
            next(reader, None)  # header
            for cells in reader:
                if event_id is None or cells[:1] == [str(event_id)]:
                    yield cells_row(cells)

    def _file_size(self) -> int:
        try:
            return os.stat(self.path).st_size
        except FileNotFoundError:
            return 0
        except OSError as exc:
            raise not_writable(self.path, exc) from exc

    def _repair(self) -> None:
        """A last line without its newline (a crash mid-append) is moved aside."""
        size = self._file_size()
        if size == 0:
            return
        with self.path.open("rb") as f:
            f.seek(max(0, size - TAIL_BYTES))
            tail = f.read()
        if tail.endswith(b"\n"):
            return
        start = size - len(tail) + tail.rfind(b"\n") + 1
        torn = quarantine_tail(self.path, start)
        log.warning(messages.CSV_TORN_LINE_REPAIRED, self.path, torn)
        self._size, self._last = -1, None

    def _know(self, size: int) -> None:
        """Bring ``_latest`` (and ``_last`` once read) up to the file's ``size`` bytes."""
        if size == self._size:
            return
        if 0 <= self._size < size:  # another process appended: read its rows only
            start = self._size
        else:
            self._last = None
            start, self._latest = self._read_max(size)
        for event_id, observed in self._polls(start):
            self._latest = max(self._latest, observed)
            if self._last is not None:
                self._last[event_id] = max(self._last.get(event_id, -1), observed)
        self._size = size

    def _read_all(self, size: int) -> dict[int, int]:
        last: dict[int, int] = {}
        for event_id, observed in self._polls(0):
            last[event_id] = max(last.get(event_id, -1), observed)
        self._size = size
        return last

    def _polls(self, start: int) -> Iterator[tuple[int, int]]:
        """``(event_id, observed_at)`` of every row from byte ``start`` (a line start)."""
        try:
            f = self.path.open("rb")
        except FileNotFoundError:
            return
        except OSError as exc:
            raise not_writable(self.path, exc) from exc
        with f:
            f.seek(start)
            for line in f:
                event, _, rest = line.partition(b",")
                observed = rest.partition(b",")[0]
                try:
                    moment = datetime.fromisoformat(observed.decode("ascii"))
                    yield int(event), int(moment.timestamp())
                except (ValueError, UnicodeDecodeError):
                    continue  # the header, or a line we did not write

    def _read_max(self, size: int) -> tuple[int, int]:
        """What the side file covers (bytes, latest poll); nothing when it does not fit."""
        try:
            covered, latest = (int(x) for x in self.max_path.read_text().split())
        except (OSError, ValueError):
            return 0, -1
        return (covered, latest) if 0 <= covered <= size else (0, -1)

    def _write_max(self) -> None:
        """Best effort: a side file that is lost or stale is rebuilt from the CSV."""
        tmp = self.max_path.with_name(f"{self.max_path.name}.tmp-{os.getpid()}")
        try:
            tmp.write_text(f"{self._size} {self._latest}\n")
            os.replace(tmp, self.max_path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)

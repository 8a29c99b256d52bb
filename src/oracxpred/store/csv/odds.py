"""``odds.csv`` beside ``matches.csv``: the change-only odds timeline of the CSV backend.

Same machinery as the matches file (``file.py``): the store's lock, one fsynced append per
batch (cut back on failure), a torn last line moved aside before the next append. Rows of one
event are appended in poll order, so a row whose poll is not after the last one stored for its
event is a replay and is skipped: idempotent without reading the whole file (only its tail,
once per process, to learn those last polls).
"""

from __future__ import annotations

import csv
import io
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from oracxpred import messages
from oracxpred.core.records import OddsRow
from oracxpred.store.csv.file import append_bytes, fsync_dir, not_writable, quarantine_tail
from oracxpred.store.odds_rows import ODDS_COLUMNS, cells_row, row_cells

log = logging.getLogger(__name__)

TAIL_BYTES = 1 << 20
"""How much of the end of the file is read to learn each event's last poll stored."""

_HEADER = (",".join(ODDS_COLUMNS) + "\n").encode()


class OddsFile:
    def __init__(self, path: Path, locked: Callable[[], AbstractContextManager[object]]) -> None:
        self.path = path
        self._locked = locked
        self._last: dict[int, int] | None = None  # event id -> last observed_at stored
        self._size = -1  # file size when ``_last`` was learnt

    def append(self, rows: Sequence[OddsRow]) -> int:
        if not rows:
            return 0
        with self._locked():
            self._repair()
            size = self._file_size()
            if self._last is None or size != self._size:
                self._last = self._learn()
            last = self._last
            fresh = [r for r in rows if r.observed_at > last.get(r.event_id, -1)]
            if not fresh:
                return 0
            text = io.StringIO(newline="")
            writer = csv.writer(text, lineterminator="\n")
            writer.writerows(row_cells(r) for r in fresh)
            body = text.getvalue().encode()
            created = size <= 0
            _, self._size = append_bytes(self.path, (_HEADER if created else b"") + body)
            if created:
                fsync_dir(self.path.parent)
            for r in fresh:
                last[r.event_id] = max(last.get(r.event_id, -1), r.observed_at)
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
        self._last = None

    def _learn(self) -> dict[int, int]:
        size = self._file_size()
        last: dict[int, int] = {}
        if size == 0:
            return last
        with self.path.open("rb") as f:
            f.seek(max(0, size - TAIL_BYTES))
            lines = f.read().decode("utf-8", errors="replace").splitlines()
        if size > TAIL_BYTES:
            lines = lines[1:]  # the first one may be cut
        for cells in csv.reader(lines):
            try:
                row = cells_row(cells)
            except (ValueError, KeyError):
                continue  # the header, or a line we did not write
            last[row.event_id] = max(last.get(row.event_id, -1), row.observed_at)
        self._size = size
        return last

"""In-memory index of the CSV store's file: stored event ids, header layout and read offset.

Built once by streaming the file (only ``event_id`` and ``timestamp_utc`` are decoded), then
kept current by reading only the bytes appended after the last complete record, so a save costs
O(batch) however large the file. The file is the truth: another process may append at any
time, and ``refresh`` notices by size and identity (device, inode).
"""

from __future__ import annotations

import os
from array import array
from bisect import bisect_right
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from oracxpred import messages
from oracxpred.core.cells import RowError, parse_int, parse_utc
from oracxpred.core.records import MATCH_COLUMNS
from oracxpred.errors import StoreNotWritable, StoreUnavailable
from oracxpred.oserrors import os_reason
from oracxpred.store.csv.file import Layout, Record, iter_records, read_layout
from oracxpred.store.cursor import SEQ

MAX_EXAMPLES = 5


class CsvIndex:
    """What the store knows about its file without reading it again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows_scanned = 0  # records decoded since creation: proves tails are read alone
        self._reset()

    def invalidate(self) -> None:
        """Forget everything: the next ``refresh`` reads the whole file again."""
        self._reset()

    def _reset(self) -> None:
        self.layout: Layout | None = None
        # A dict, not a set: a dict holding only ints (and None) is never tracked by the
        # garbage collector, so its full collections do not walk a million ids (≈ 10 ms each).
        self.ids: dict[int, None] = {}
        # The cursor, one entry per stored match in file order: its seq (the ``seq`` cell, or
        # the next one when the cell is empty: original-format files have none), where its
        # record starts and on which line. Arrays: 24 bytes a match, untracked by the GC.
        self.seqs = array("q")
        self.starts = array("q")
        self.lines = array("q")
        self.last_seq = 0
        self.duplicate_rows = 0
        self.duplicate_examples: list[int] = []
        self.unreadable_rows = 0
        self.last_collection: datetime | None = None
        self.offset = 0  # end of the last complete record indexed
        self.next_line = 1
        self.torn_start: int | None = None  # start of an incomplete last record, if any
        self.torn_line = 0
        self._identity: tuple[int, int] | None = None

    @property
    def exists(self) -> bool:
        return self._identity is not None

    def refresh(self) -> None:
        """Index whatever was appended since the last call (everything, the first time)."""
        try:
            st = os.stat(self.path)
        except (FileNotFoundError, NotADirectoryError):
            self._reset()  # absent (saving will say why it cannot create it)
            return
        except OSError as exc:
            raise _unreadable(self.path, exc) from exc
        identity = (st.st_dev, st.st_ino)
        if identity != self._identity or st.st_size < self.offset:
            self._reset()  # replaced or cut by someone else: start over
        self._identity = identity
        if st.st_size == self.offset and self.layout is not None:
            self.torn_start = None
            return
        if self.path.is_dir():
            raise StoreNotWritable(messages.CSV_IS_A_DIRECTORY.format(path=self.path))
        try:
            with self.path.open("rb") as f:
                if self.layout is None:
                    self.layout = read_layout(self.path, f)
                    if self.layout is None:
                        self.torn_start = 0 if st.st_size else None
                        return
                    self.offset, self.next_line = self.layout.data_start, self.layout.data_line
                self._scan(f)
        except OSError as exc:
            raise _unreadable(self.path, exc) from exc

    def _scan(self, f: BinaryIO) -> None:
        assert self.layout is not None
        self.torn_start = None
        width = len(self.layout.columns)
        for record in iter_records(f, self.offset, self.next_line, width):
            if not record.complete:
                self.torn_start, self.torn_line = record.start, record.line
                return
            self._index(record)
            self.offset, self.next_line = record.end, record.next_line

    def _index(self, record: Record) -> None:
        assert self.layout is not None
        cells = record.fields
        if cells == []:
            return  # blank line
        self.rows_scanned += 1
        id_at = self.layout.index("event_id")
        if cells is None or len(cells) <= id_at or (event_id := parse_int(cells[id_at])) is None:
            self.unreadable_rows += 1
            return
        if event_id in self.ids:
            self.duplicate_rows += 1
            if len(self.duplicate_examples) < MAX_EXAMPLES:
                self.duplicate_examples.append(event_id)
            return
        self.ids[event_id] = None
        self._numbered(record.start, record.line, _seq_cell(self.layout, cells))
        try:
            self._seen_collection(parse_utc(cells[self.layout.index("timestamp_utc")]))
        except RowError:
            pass  # reported by iter_matches when the row is read in full

    def _numbered(self, start: int, line: int, cell: int | None) -> int:
        """The seq of a newly indexed match: its cell when it goes forward, else the next."""
        seq = cell if cell is not None and cell > self.last_seq else self.last_seq + 1
        self.seqs.append(seq)
        self.starts.append(start)
        self.lines.append(line)
        self.last_seq = seq
        return seq

    def after(self, seq: int, limit: int) -> list[tuple[int, int, int]]:
        """``(seq, start, line)`` of up to ``limit`` matches with a seq above ``seq``."""
        first = bisect_right(self.seqs, seq)
        last = first + limit
        return list(
            zip(self.seqs[first:last], self.starts[first:last], self.lines[first:last], strict=True)
        )

    def _seen_collection(self, moment: datetime) -> None:
        if self.last_collection is None or moment > self.last_collection:
            self.last_collection = moment

    def repaired(self) -> None:
        """The torn tail was cut off: the file now ends where the index does."""
        self.torn_start = None
        if self.layout is None:
            self.offset, self.next_line = 0, 1

    def appended(
        self,
        layout: Layout,
        rows: list[tuple[int, int, int, int]],
        stamps: list[datetime],
        size: int,
        lines: int,
    ) -> None:
        """Record our own append (``lines`` physical lines, header included) unread; ``rows``:
        ``(event_id, seq, start, line)`` of each match written."""
        st = os.stat(self.path)
        self._identity = (st.st_dev, st.st_ino)
        self.layout = layout
        for event_id, seq, start, line in rows:
            self.ids[event_id] = None
            self._numbered(start, line, seq)
        for moment in stamps:
            self._seen_collection(moment)
        self.offset, self.next_line = size, self.next_line + lines

    @property
    def schema_version(self) -> str:
        return self.layout.schema_version if self.layout else "csv-v1"

    @property
    def column_count(self) -> int:
        return len(self.layout.columns) if self.layout else len(MATCH_COLUMNS)


def _seq_cell(layout: Layout, cells: list[str]) -> int | None:
    if SEQ not in layout.columns:
        return None
    at = layout.index(SEQ)
    return parse_int(cells[at]) if at < len(cells) else None


def _unreadable(path: Path, exc: OSError) -> StoreUnavailable:
    return StoreUnavailable(messages.FILE_UNREADABLE.format(path=path, reason=os_reason(exc)))

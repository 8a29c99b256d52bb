"""CsvStore: the embedded default store, one CSV file plus side files beside it.

Quirks beyond the ``Store`` contract (``docs/storage.md``, "Particularités par base"):

* A file of the original OracXPred app (its 12 columns first) is adopted as is: rows are
  appended in that file's own column layout and nothing is ever rewritten; duplicate event ids
  already in it are counted in ``describe`` and kept.
* Writes hold ``<csv>.lock`` (filelock: processes and threads), go out in one ``write`` on an
  append-mode descriptor, then ``fsync``. A failed write is cut back; a torn last record left by
  a crash is moved to ``<csv>.torn-<ts>`` at start and before each write.
* Text cells a spreadsheet would run as a formula are written with a leading ``'`` and read
  back unchanged (``core/cells.py``).
* Lone surrogates (not encodable in UTF-8) are written as ``?``.
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from filelock import FileLock, Timeout

from oracxpred import messages
from oracxpred.core.cells import RowError, format_utc, match_to_row, parse_utc, row_to_match
from oracxpred.core.records import FinishedMatch, OddsRow
from oracxpred.errors import StoreNotWritable, StoreUnavailable
from oracxpred.oserrors import os_reason
from oracxpred.store.base import (
    CursorItem,
    CursorPage,
    Heartbeat,
    QuarantinedEvent,
    SaveReport,
    Store,
    StoreInfo,
)
from oracxpred.store.csv.cursor_upgrade import add_cursor_columns, needs_cursor_columns
from oracxpred.store.csv.file import (
    append_bytes,
    fsync_dir,
    header_bytes,
    iter_records,
    new_layout,
    not_writable,
    quarantine_tail,
    read_layout,
)
from oracxpred.store.csv.index import CsvIndex
from oracxpred.store.csv.odds import OddsFile
from oracxpred.store.csv.quarantine import QuarantineFile
from oracxpred.store.csv.state import HeartbeatLog, TrackingFile
from oracxpred.store.cursor import INGESTED_AT, SEQ
from oracxpred.store.cursor import page as cursor_page

log = logging.getLogger(__name__)

DEFAULT_LOCK_TIMEOUT_S = 30.0
"""A batch append takes milliseconds; waiting longer means a stuck process holds the lock."""


class CsvStore(Store):
    """Finished matches in a CSV file; tracker state and heartbeats in files beside it."""

    backend = "csv"
    emptiable = True

    def __init__(self, path: Path | str, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT_S) -> None:
        self._path = Path(path).absolute()
        stem = self.path.with_name(self.path.stem)
        self.lock_path = Path(f"{self.path}.lock")
        self.tracking_path = Path(f"{stem}.tracking.json")
        self.heartbeat_path = Path(f"{stem}.heartbeat.jsonl")
        self.rejected_path = Path(f"{stem}.rejected.jsonl")
        # ``odds.csv`` beside ``matches.csv``; ``<stem>.odds.csv`` beside any other name.
        odds_name = "odds.csv" if self.path.name == "matches.csv" else f"{stem.name}.odds.csv"
        self.odds_path = self.path.with_name(odds_name)
        self._lock_timeout = lock_timeout
        self._lock = FileLock(self.lock_path, timeout=lock_timeout)
        self._mutex = threading.RLock()
        self._index = CsvIndex(self.path)
        self._repaired: list[Path] = []
        self._warned: set[int] = set()
        self._tracking = TrackingFile(self.tracking_path)
        self._beats = HeartbeatLog(self.heartbeat_path, self._locked)
        self._quarantine = QuarantineFile(self.rejected_path, self._locked)
        self._odds = OddsFile(self.odds_path, self._locked)
        with self._mutex:
            if self.path.is_file():
                try:
                    with self._locked():
                        self._sync(repair=True)
                except (StoreNotWritable, StoreUnavailable):
                    self._sync(repair=False)  # read-only or busy: repair at the first write

    @property
    def path(self) -> Path:
        return self._path

    @property
    def target(self) -> str:
        return str(self.path)

    @property
    def rows_scanned(self) -> int:
        """CSV records decoded from disk so far (our own appends are never read back)."""
        return self._index.rows_scanned

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise not_writable(self.path.parent, exc) from exc
        try:
            self._lock.acquire()
        except Timeout as exc:
            raise StoreUnavailable(
                messages.CSV_LOCKED.format(
                    path=self.path, lock_timeout=self._lock_timeout, lock_path=self.lock_path
                )
            ) from exc
        except OSError as exc:
            raise not_writable(self.lock_path, exc) from exc
        try:
            yield
        finally:
            self._lock.release()

    def _sync(self, repair: bool) -> None:
        """Catch up with the file; under the lock, also cut a torn last record off."""
        index = self._index
        index.refresh()
        if repair and index.torn_start is not None:
            torn = quarantine_tail(self.path, index.torn_start)
            index.repaired()
            self._repaired.append(torn)
            log.warning(
                messages.CSV_TORN_LINE_REPAIRED,
                self.path,
                torn,
            )
        if repair and needs_cursor_columns(index.layout):
            assert index.layout is not None
            numbered = add_cursor_columns(self.path, index.layout)
            index.invalidate()
            index.refresh()
            log.info(messages.CSV_CURSOR_UPGRADED, self.path, numbered)

    def save_odds(self, rows: Sequence[OddsRow]) -> int:
        with self._mutex:
            return self._odds.append(rows)

    def iter_odds(self, event_id: int | None = None) -> Iterator[OddsRow]:
        return self._odds.rows(event_id)

    def save_matches(self, matches: Sequence[FinishedMatch]) -> SaveReport:
        batch = list(matches)
        if not batch:
            return SaveReport()
        with self._mutex, self._locked():
            self._sync(repair=True)
            fresh: list[FinishedMatch] = []
            duplicates: list[int] = []
            taken = self._index.ids
            batch_ids: set[int] = set()
            for match in batch:
                if match.event_id in taken or match.event_id in batch_ids:
                    duplicates.append(match.event_id)
                else:
                    batch_ids.add(match.event_id)
                    fresh.append(match)
            if fresh:
                self._append(fresh)
        return SaveReport(tuple(m.event_id for m in fresh), tuple(duplicates))

    def _append(self, fresh: list[FinishedMatch]) -> None:
        index = self._index
        layout = index.layout or new_layout()
        prefix = b""
        if index.layout is None:  # new or emptied file: our header first
            prefix = header_bytes(layout)
            layout = replace(layout, data_start=len(prefix), data_line=2)
        elif layout.missing_newline:  # adopted header without its line end
            prefix = layout.terminator.encode()
            layout = replace(layout, data_start=layout.data_start + len(prefix))
            layout = replace(layout, missing_newline=False)
        # Each row encoded alone: the cursor index needs where each one starts.
        now = format_utc(datetime.now(UTC))
        header_lines = prefix.count(b"\n") if index.layout is None else 0
        start, line = index.offset + len(prefix), index.next_line + header_lines
        placed: list[tuple[int, int, int, int]] = []
        chunks = [prefix]
        for n, match in enumerate(fresh, index.last_seq + 1):
            row = match_to_row(match)
            row[SEQ], row[INGESTED_AT] = str(n), now
            text = io.StringIO(newline="")
            csv.writer(text, lineterminator=layout.terminator).writerow(
                [row.get(column, "") for column in layout.columns]
            )
            encoded = text.getvalue().encode("utf-8", errors="replace")
            placed.append((match.event_id, n, start, line))
            chunks.append(encoded)
            start, line = start + len(encoded), line + encoded.count(b"\n")
        body = b"".join(chunks[1:])
        lines = line - index.next_line
        created = not self.path.exists()
        before, after = append_bytes(self.path, prefix + body)
        if created:
            fsync_dir(self.path.parent)
        if before != index.offset:  # cannot happen under the lock; stay correct anyway
            index.invalidate()
            index.refresh()
            return
        index.appended(layout, placed, [m.collected_at for m in fresh], after, lines)

    def stored_ids(self, event_ids: Iterable[int]) -> set[int]:
        with self._mutex:
            self._sync(repair=False)
            return {event_id for event_id in event_ids if event_id in self._index.ids}

    def count_matches(self) -> int:
        with self._mutex:
            self._sync(repair=False)
            return len(self._index.ids)

    def last_seq(self) -> int:
        with self._mutex:
            self._sync(repair=False)
            return self._index.last_seq

    def matches_after(self, seq: int, limit: int) -> CursorPage:
        """The index knows where each match starts: a page reads only its own records."""
        with self._mutex:
            self._sync(repair=False)
            wanted = self._index.after(seq, limit)
        if not wanted:
            return cursor_page([], seq)
        items: list[CursorItem] = []
        try:
            with self.path.open("rb") as f:
                layout = read_layout(self.path, f)
                if layout is None:
                    return cursor_page([], seq)
                width = len(layout.columns)
                numbers = {start: number for number, start, _ in wanted}
                last_start = wanted[-1][1]
                # One pass from the first wanted record to the last (repeats and blank lines
                # between them are skipped): O(page), whatever the file's size.
                for record in iter_records(f, wanted[0][1], wanted[0][2], width):
                    number = numbers.get(record.start)
                    if number is not None and record.complete and record.fields:
                        try:
                            cells = dict(zip(layout.columns, record.fields, strict=False))
                            match = row_to_match(cells)
                        except RowError as exc:
                            self._warn_once(record.line, exc.reason)
                        else:
                            ingested = _ingested(cells.get(INGESTED_AT), match.collected_at)
                            items.append(CursorItem(number, ingested, match))
                    if record.start >= last_start:
                        break
        except OSError as exc:
            raise StoreUnavailable(
                messages.FILE_UNREADABLE.format(path=self.path, reason=os_reason(exc))
            ) from exc
        # A page ends at the last seq it looked at, even when that row was unreadable.
        return CursorPage(tuple(items), wanted[-1][0])

    def iter_matches(self) -> Iterator[FinishedMatch]:
        try:
            with self.path.open("rb") as f:
                yield from self._read_matches(f)
        except (FileNotFoundError, NotADirectoryError):
            return
        except OSError as exc:
            raise StoreUnavailable(
                messages.FILE_UNREADABLE.format(path=self.path, reason=os_reason(exc))
            ) from exc

    def _read_matches(self, f: BinaryIO) -> Iterator[FinishedMatch]:
        """Rows in file order; the first row of an event id wins, bad rows are warned once."""
        layout = read_layout(self.path, f)
        if layout is None:
            return
        seen: set[int] = set()
        width = len(layout.columns)
        for record in iter_records(f, layout.data_start, layout.data_line, width):
            if not record.complete:
                return  # a write in progress, or a torn tail repaired at the next write
            if record.fields == []:
                continue
            try:
                if record.fields is None:
                    raise RowError(f"CSV illisible ({record.error})")
                match = row_to_match(dict(zip(layout.columns, record.fields, strict=False)))
            except RowError as exc:
                self._warn_once(record.line, exc.reason)
                continue
            if match.event_id not in seen:
                seen.add(match.event_id)
                yield match

    def _warn_once(self, line: int, reason: str) -> None:
        with self._mutex:
            if line in self._warned:
                return
            self._warned.add(line)
        log.warning(messages.CSV_ROW_SKIPPED, line, self.path, reason)

    def load_tracking(self) -> dict[str, Any] | None:
        return self._tracking.load()

    def save_tracking(self, state: dict[str, Any]) -> bytes:
        return self._tracking.save(state)

    def tracking_stamp(self) -> bytes | None:
        return self._tracking.stamp()

    def record_heartbeat(self, heartbeat: Heartbeat) -> None:
        self._beats.append(heartbeat)

    def checkpoint_path(self, name: str) -> Path:
        """``<stem>.<name>.json`` beside the CSV file."""
        return self.path.with_name(f"{self.path.stem}.{name}.json")

    def load_checkpoint(self, name: str) -> dict[str, Any] | None:
        from oracxpred.store.csv.checkpoint import load_json

        return load_json(self.checkpoint_path(name))

    def save_checkpoint(self, name: str, data: dict[str, Any]) -> None:
        from oracxpred.store.csv.checkpoint import save_json

        save_json(self.checkpoint_path(name), data)

    def quarantine_events(self, events: Sequence[QuarantinedEvent]) -> None:
        self._quarantine.append(events)

    def recent_rejections(self, limit: int = 20) -> list[QuarantinedEvent]:
        return self._quarantine.recent(limit)

    def recent_heartbeats(self, limit: int = 20) -> list[Heartbeat]:
        return self._beats.recent(limit)

    def describe(self) -> StoreInfo:
        with self._mutex:
            self._sync(repair=False)
            index = self._index
            try:
                beats = self._beats.recent(1)
            except StoreUnavailable:
                beats = []  # describe() reports, it does not fail: `writable` tells the story
            return StoreInfo(
                backend=self.backend,
                target=self.target,
                writable=self._writable(),
                row_count=len(index.ids),
                schema_version="original" if index.schema_version == "original" else "csv-v1",
                last_collection=beats[0].started_at if beats else index.last_collection,
                details=tuple(self._details()),
            )

    def _details(self) -> Iterator[str]:
        index = self._index
        if not index.exists:
            yield messages.CSV_ABSENT.format(path=self.path)
        elif index.schema_version == "original":
            yield messages.CSV_ORIGINAL_FORMAT.format(columns=index.column_count)
        else:
            yield messages.CSV_V1_FORMAT.format(columns=index.column_count)
        if index.duplicate_rows:
            examples = ", ".join(str(i) for i in index.duplicate_examples)
            yield messages.CSV_DUPLICATES.format(count=index.duplicate_rows, examples=examples)
        if index.unreadable_rows:
            yield messages.CSV_UNREADABLE_IDS.format(count=index.unreadable_rows)
        for torn in self._repaired:
            yield messages.CSV_TORN_REPAIRED.format(path=torn)
        if index.torn_start is not None:
            yield messages.CSV_TORN_PENDING.format(line=index.torn_line)

    def _writable(self) -> bool:
        """Really try: a temp file in the (nearest existing) folder, and the CSV in append mode."""
        folder = self.path.parent
        while not folder.exists() and folder.parent != folder:
            folder = folder.parent
        if not folder.is_dir() or self.path.is_dir():
            return False
        try:
            with tempfile.TemporaryFile(dir=folder):
                pass
            if self.path.exists():
                with self.path.open("ab"):
                    pass
        except OSError:
            return False
        return True

    def close(self) -> None:
        """Nothing to release: no file stays open between calls."""

    def emptied(self) -> CsvStore:
        """Delete the data file and its side files; a fresh store on the same path."""
        self.close()
        side = [self.heartbeat_path, self.rejected_path, self.tracking_path]
        side += [self.odds_path, self._odds.max_path]
        for path in (*side, self.path):
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                raise StoreNotWritable(
                    messages.SPOOL_NOT_EMPTIED.format(path=path, reason=os_reason(exc))
                ) from None
        return CsvStore(self.path, lock_timeout=self._lock_timeout)


def _ingested(cell: str | None, collected_at: datetime) -> datetime:
    """The row's ingestion time; its collection time when it has none (older rows)."""
    if not cell or not cell.strip():
        return collected_at
    try:
        return parse_utc(cell)
    except RowError:  # a hand-edited cell must not hide the match from the cursor
        return collected_at

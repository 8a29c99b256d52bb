"""The PostgreSQL import pipeline: a reading thread turns the file into COPY-ready chunks while
the calling thread writes the previous chunk (``SqlStore.copy_session``).

The server parses and indexes one chunk while Python reads the next, so an import costs about
the larger of the two rather than their sum. Plain lines of the two known headers go to COPY
as they are (``copy_format.LineConverter``); any other record takes the reference path
(``row_to_match``, then ``copy_format.copy_line``), so both accept, refuse and store alike.
Every report counter is updated by the calling thread, chunk after chunk, in file order.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from tqdm import tqdm

from oracxpred.store.base import Store
from oracxpred.store.sql.bulk import CopyResult, CopyRows
from oracxpred.store.sql.store import SqlStore
from oracxpred.store.transfer.copy_format import LineConverter, copy_line, sql_value_error
from oracxpred.store.transfer.records import records, reference
from oracxpred.store.transfer.report import ImportReport

T = TypeVar("T")

QUEUED = 2
"""Chunks read ahead of the writer: enough to keep it busy, bounded memory."""


@dataclass
class _Chunk:
    rows: CopyRows = field(default_factory=CopyRows)
    read: int = 0
    rejections: list[tuple[int, str]] = field(default_factory=list)


def import_by_copy(
    path: Path,
    header: list[str],
    store: Store,
    report: ImportReport,
    bar: tqdm[Any],
    chunk: int,
    now: datetime,
) -> None:
    """Only for a store whose ``copies_lines`` is true (an ``SqlStore`` on PostgreSQL)."""
    if not isinstance(store, SqlStore) or not store.copies_lines:
        raise TypeError("import_by_copy needs an SqlStore on PostgreSQL")
    reader = Reader(chunks(path, header, chunk, now))
    reader.start()
    try:
        with store.copy_session() as write:
            _write_all(reader, write, report, bar)
    finally:
        reader.stop()


def _write_all(
    reader: Iterable[_Chunk],
    write: Callable[[CopyRows, bool], CopyResult],
    report: ImportReport,
    bar: tqdm[Any],
) -> None:
    look_up = False  # optimistic until a chunk meets stored rows (a re-import)
    for part in reader:
        result = write(part.rows, look_up)
        look_up = result.met_stored
        report.read += part.read
        report.saved += result.written
        report.duplicates += result.duplicates
        for line, reason in sorted(part.rejections + result.refused):
            report.reject(line, reason)
        bar.update(part.read)


def chunks(
    path: Path, header: list[str], size: int, now: datetime
) -> Generator[_Chunk, None, None]:
    """The file as chunks of ``size`` rows read: those to store, and those refused on the way
    (a file of bad rows then holds at most ``size`` reasons in memory, not all of them)."""
    converter = LineConverter(header, now)
    current = _Chunk()
    for start, cells, fast in records(path, converter.convert if converter.enabled else None):
        rows = current.rows
        if fast is not None:
            rows.event_ids.append(fast[0])
            rows.lines.append(fast[1])
            rows.line_numbers.append(start)
        elif not cells:
            continue  # a blank line
        else:
            match = reference(cells, header, now)
            reason = match if isinstance(match, str) else sql_value_error(match)
            if reason is not None:
                current.rejections.append((start, reason))
            elif not isinstance(match, str):
                rows.event_ids.append(match.event_id)
                rows.lines.append(copy_line(match))
                rows.line_numbers.append(start)
        current.read += 1
        if current.read >= size:
            rows.prepare()
            yield current
            current = _Chunk()
    if current.read:
        current.rows.prepare()
        yield current


class Reader(threading.Thread, Generic[T]):
    """Runs ``source`` (``chunks``) ahead of the writer, at most ``QUEUED`` items ahead;
    iterating the reader yields them, or raises the source's error in the writer's thread."""

    def __init__(self, source: Generator[T, None, None]) -> None:
        super().__init__(name="oracxpred-import-lecture", daemon=True)
        self._source = source
        self._queue: queue.Queue[T | BaseException | None] = queue.Queue(QUEUED)
        self._stopping = threading.Event()
        self._ended = False

    def run(self) -> None:
        try:
            for part in self._source:
                if self._stopping.is_set():
                    break
                self._queue.put(part)
        except BaseException as exc:  # noqa: BLE001 - handed to the writer, raised there
            self._queue.put(exc)
            return
        finally:
            self._source.close()
        self._queue.put(None)

    def __iter__(self) -> Iterator[T]:
        while not self._ended:
            item = self._queue.get()
            if item is None or isinstance(item, BaseException):
                self._ended = True
                if item is not None:
                    raise item
                return
            yield item

    def stop(self) -> None:
        """Make the thread end (the writer failed or is done) and wait for it."""
        self._stopping.set()
        while not self._ended:  # unblock a put, up to the thread's last item
            item = self._queue.get()
            self._ended = item is None or isinstance(item, BaseException)
        self.join()

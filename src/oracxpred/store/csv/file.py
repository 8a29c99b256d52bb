"""Byte-level handling of the CSV store's file: records with their offsets, the header layout,
appends that roll back on failure, torn-tail quarantine and OS errors in French.

Offsets matter because the store never rescans what it has read: it remembers where the last
complete record ends and later reads only what other processes appended after it.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from oracxpred import messages
from oracxpred.core.records import MATCH_COLUMNS, ORIGINAL_COLUMNS
from oracxpred.errors import StoreCorrupted, StoreNotWritable
from oracxpred.oserrors import os_reason
from oracxpred.store.cursor import CURSOR_COLUMNS

BOM = b"\xef\xbb\xbf"
NEW_FILE_TERMINATOR = "\r\n"  # the csv module's default (excel dialect), as the original app
OUR_COLUMNS = MATCH_COLUMNS + CURSOR_COLUMNS
OUR_HEADER = ",".join(OUR_COLUMNS).encode()


def not_writable(path: Path, exc: OSError) -> StoreNotWritable:
    """French error for a failed write; the OS reason is translated when known."""
    return StoreNotWritable(messages.CSV_NOT_WRITABLE.format(path=path, reason=os_reason(exc)))


def decode(raw: bytes) -> str:
    # A line of a legacy Windows file may be cp1252; one bad byte must not lose the row.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


@dataclass(frozen=True, slots=True)
class Layout:
    """The file's header as found (adopted as is) or as we create it."""

    columns: tuple[str, ...]
    data_start: int  # byte offset of the first data record
    data_line: int  # physical line number of the first data record
    terminator: str  # line terminator of the header, reused for appended rows
    missing_newline: bool = False  # header without its line end: add it before our rows

    @property
    def schema_version(self) -> str:
        return "csv-v1" if self.columns[: len(MATCH_COLUMNS)] == MATCH_COLUMNS else "original"

    def index(self, column: str) -> int:
        return self.columns.index(column)


def new_layout() -> Layout:
    return Layout(OUR_COLUMNS, 0, 1, NEW_FILE_TERMINATOR)


def header_bytes(layout: Layout) -> bytes:
    return (",".join(layout.columns) + layout.terminator).encode()


@dataclass(slots=True)
class Record:
    """One CSV record: its cells (None when the csv module refused it) and where it lies."""

    fields: list[str] | None
    error: str
    start: int
    end: int
    line: int  # physical line number where it starts (1 = first line of the file)
    next_line: int  # physical line number right after it
    complete: bool = True


class _Lines:
    """Feeds csv.reader one decoded physical line at a time while counting bytes and lines."""

    def __init__(self, f: BinaryIO, offset: int, line: int) -> None:
        self.f, self.end, self.next_line, self.last = f, offset, line, b""

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = self.f.readline()
        if not raw:
            raise StopIteration
        # An adopted file may start with a UTF-8 BOM (Excel); never part of the first column.
        text = decode(raw[len(BOM) :] if self.end == 0 and raw.startswith(BOM) else raw)
        self.end += len(raw)
        self.next_line += 1
        self.last = raw
        return text


def iter_records(f: BinaryIO, offset: int, line: int, width: int = 0) -> Iterator[Record]:
    """Records from ``offset`` to EOF; only the last one may be ``complete=False`` (torn):
    no line end, cut inside a quoted field, or fewer than ``width`` cells.

    The csv module decides where a record ends, so quoted newlines are never mistaken for the
    end of a row.
    """
    f.seek(offset)
    lines = _Lines(f, offset, line)
    reader = csv.reader(lines)
    pending: Record | None = None
    start, start_line = offset, line
    while True:
        try:
            fields: list[str] | None = next(reader)
            error = ""
        except StopIteration:
            break
        except csv.Error as exc:  # reader state is reset on the next call
            fields, error = None, str(exc)
        if pending is not None:
            yield pending
        pending = Record(fields, error, start, lines.end, start_line, lines.next_line)
        start, start_line = lines.end, lines.next_line
    if pending is not None:
        cells = pending.fields
        short = cells is not None and 0 < len(cells) < width
        ended = lines.last.endswith(b"\n") and not short
        pending.complete = ended and not _inside_quotes(f, pending)
        yield pending


def _inside_quotes(f: BinaryIO, record: Record) -> bool:
    """True when the record stops inside a quoted field (cut right after a quoted newline)."""
    f.seek(record.start)
    text = decode(f.read(record.end - record.start))
    try:
        # A record closed properly leaves the sentinel line as a record of its own; an open
        # quote swallows it.
        rows = list(csv.reader(io.StringIO(text + "sentinel\n", newline="")))
    except csv.Error:
        return False
    return rows[-1] != ["sentinel"]


def read_layout(path: Path, f: BinaryIO) -> Layout | None:
    """The header of an existing file, or None when the file holds no complete header yet.

    Raises StoreCorrupted, leaving the file untouched, when the header is not the original
    app's 12 columns followed by anything.
    """
    head = next(iter_records(f, 0, 1), None)
    if head is None:
        return None
    f.seek(0)
    raw = f.read(head.end)
    body = raw.removeprefix(BOM).rstrip(b"\r\n")
    columns = tuple(name.strip() for name in head.fields or ())
    ended = raw.endswith(b"\n")
    if not ended and OUR_HEADER.startswith(body):
        return None  # our own header cut short by a crash: the caller repairs it
    if columns[: len(ORIGINAL_COLUMNS)] != ORIGINAL_COLUMNS or (ended and not head.complete):
        shown = decode(body[:160])
        raise StoreCorrupted(
            messages.CSV_UNKNOWN_HEADER.format(
                path=path, names=",".join(ORIGINAL_COLUMNS), shown=shown
            )
        )
    terminator = "\r\n" if raw.endswith(b"\r\n") or not ended else "\n"
    return Layout(columns, head.end, head.next_line, terminator, missing_newline=not ended)


def unique_sibling(path: Path, tag: str, now: datetime | None = None) -> Path:
    """``<name>.<tag>-<UTC timestamp>`` beside ``path``, never an existing file."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.{tag}-{stamp}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.{tag}-{stamp}-{n}")
    return candidate


def quarantine_tail(path: Path, start: int) -> Path:
    """Copy the bytes after ``start`` to ``<csv>.torn-<ts>``, then cut the CSV back to ``start``.

    The copy is synced before the cut, so a crash in between loses nothing.
    """
    torn = unique_sibling(path, "torn")
    try:
        with path.open("rb") as src:
            src.seek(start)
            tail = src.read()
        with torn.open("xb") as out:
            out.write(tail)
            out.flush()
            os.fsync(out.fileno())
        fsync_dir(path.parent)
        os.truncate(path, start)
        with path.open("rb+") as f:
            os.fsync(f.fileno())
    except OSError as exc:
        raise not_writable(path, exc) from exc
    return torn


def append_bytes(path: Path, data: bytes) -> tuple[int, int]:
    """Append ``data`` in one write, fsync, and return the sizes before and after.

    On any failure (disk full midway, I/O error) the file is cut back to its previous size (or
    removed if this call created it) and StoreNotWritable is raised: no partial batch remains.
    """
    created = not path.exists()  # then the caller syncs the folder too (fsync_dir)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        raise not_writable(path, exc) from exc
    try:
        before = os.fstat(fd).st_size
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except OSError as exc:
            _roll_back(path, fd, before, created)
            raise not_writable(path, exc) from exc
        return before, before + len(data)
    finally:
        os.close(fd)


def _roll_back(path: Path, fd: int, size: int, created: bool) -> None:
    try:
        if created:
            path.unlink()
        else:
            os.ftruncate(fd, size)
            os.fsync(fd)
    except OSError:
        pass  # the original error is what the user must see; the torn check repairs later


def fsync_dir(folder: Path) -> None:
    """Make a created or renamed entry durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

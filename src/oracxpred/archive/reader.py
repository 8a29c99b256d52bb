"""Reading the archive: lines of one file, records in time order, stats and verification.

A torn line (a record cut by a crash) is skipped with a note: that is the expected trace of a
SIGKILL. A ``.zst`` that does not decode to its end, or holds a bad line, is a problem: the
compaction only ever writes whole, valid lines.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import zstandard

from oracxpred.archive.files import CHUNK, hour_files
from oracxpred.archive.record import (
    RAW_SUFFIX,
    ZST_SUFFIX,
    Record,
    decode,
    format_time,
    hour_key,
    key_of,
)


class ArchiveDamaged(Exception):
    """A file that cannot be read to its end."""


@dataclass(slots=True)
class Note:
    path: Path
    line: int
    what: str
    fatal: bool


def _zst_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as source:
        dobj = zstandard.ZstdDecompressor().decompressobj()
        started = False
        while chunk := source.read(CHUNK):
            started = True
            while chunk:
                out = dobj.decompress(chunk)
                if out:
                    yield out
                chunk = b""
                if dobj.eof and dobj.unused_data:
                    chunk = dobj.unused_data
                    dobj = zstandard.ZstdDecompressor().decompressobj()
        if started and not dobj.eof:
            raise ArchiveDamaged("flux zstd tronqué")


def _raw_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK):
            yield chunk


def file_lines(path: Path) -> Iterator[bytes]:
    """Lines of one archive file, the last one without its newline when torn."""
    try:
        chunks = _zst_chunks(path) if path.name.endswith(ZST_SUFFIX) else _raw_chunks(path)
        pending = b""
        for chunk in chunks:
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                yield line + b"\n"
        if pending:
            yield pending
    except zstandard.ZstdError as exc:
        raise ArchiveDamaged(f"flux zstd illisible ({exc})") from None


def file_records(path: Path, notes: list[Note]) -> Iterator[tuple[Record, int]]:
    """(record, raw line size) of one file; bad lines go to ``notes``."""
    compacted = path.name.endswith(ZST_SUFFIX)
    for number, line in enumerate(file_lines(path), 1):
        if not line.strip():
            continue
        try:
            if not line.endswith(b"\n"):
                raise ValueError("ligne sans fin")
            yield decode(line), len(line)
        except ValueError:
            what = "ligne invalide dans un fichier compacté" if compacted else "tronqué"
            notes.append(Note(path, number, what, fatal=compacted))


@dataclass(slots=True)
class Hour:
    key: str
    paths: list[Path] = field(default_factory=list)

    @property
    def stored_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.paths if p.exists())


def hours(root: Path) -> list[Hour]:
    """Hours of an archive folder, in order (a ``.zst`` before a late raw file of its hour).

    ``root`` may also be one file (an export)."""
    if root.is_file():
        return [Hour(key_of_file(root), [root])]
    found: dict[str, Hour] = {}
    for key, path in hour_files(root):
        found.setdefault(key, Hour(key)).paths.append(path)
    for hour in found.values():
        hour.paths.sort(key=lambda p: not p.name.endswith(ZST_SUFFIX))
    return [found[k] for k in sorted(found)]


def key_of_file(path: Path) -> str:
    return key_of(path.name) or "0000/00/00/00"


def _in_range(key: str, start: datetime | None, end: datetime | None) -> bool:
    if start is not None and key < hour_key(start.timestamp()):
        return False
    return not (end is not None and key > hour_key(end.timestamp()))


def root_records(
    root: Path, notes: list[Note], start: datetime | None = None, end: datetime | None = None
) -> Iterator[Record]:
    """Records of one folder in time order (each hour is sorted: two processes may have
    appended slightly out of order)."""
    low = format_time(start.timestamp()) if start else ""
    high = format_time(end.timestamp()) if end else "~"
    for hour in hours(root):
        if not _in_range(hour.key, start, end) and not root.is_file():
            continue
        batch: list[Record] = []
        for path in hour.paths:
            try:
                batch.extend(r for r, _ in file_records(path, notes) if low <= r.t < high)
            except (ArchiveDamaged, OSError) as exc:
                notes.append(Note(path, 0, str(exc), fatal=True))
        batch.sort(key=lambda r: r.t)
        yield from batch


def merged(
    roots: Iterable[Path],
    notes: list[Note],
    start: datetime | None = None,
    end: datetime | None = None,
) -> Iterator[Record]:
    """Several archives (several servers over time) as one time-ordered sequence."""
    return heapq.merge(*(root_records(r, notes, start, end) for r in roots), key=lambda r: r.t)


@dataclass(slots=True)
class Stats:
    hours: int = 0
    records: int = 0
    feed: int = 0
    results: int = 0
    failed: int = 0
    raw_bytes: int = 0
    stored_bytes: int = 0
    first: str | None = None
    last: str | None = None
    torn: int = 0
    problems: list[Note] = field(default_factory=list)
    pending_hours: int = 0  # raw files not compacted yet

    @property
    def ratio(self) -> float:
        return self.raw_bytes / self.stored_bytes if self.stored_bytes else 0.0


def stats(
    roots: Iterable[Path], start: datetime | None = None, end: datetime | None = None
) -> Stats:
    """Reads every selected file once; also what ``verify`` checks."""
    out = Stats()
    low = format_time(start.timestamp()) if start else ""
    high = format_time(end.timestamp()) if end else "~"
    for root in roots:
        for hour in hours(root):
            if not _in_range(hour.key, start, end) and not root.is_file():
                continue
            out.hours += 1
            out.pending_hours += any(p.name.endswith(RAW_SUFFIX) for p in hour.paths)
            for path in hour.paths:
                notes: list[Note] = []
                try:
                    out.stored_bytes += path.stat().st_size
                    for record, size in file_records(path, notes):
                        if not low <= record.t < high:
                            continue
                        _count(out, record, size)
                except (ArchiveDamaged, OSError) as exc:
                    notes.append(Note(path, 0, str(exc), fatal=True))
                out.torn += sum(1 for n in notes if not n.fatal)
                out.problems.extend(notes)
    return out


def _count(out: Stats, record: Record, size: int) -> None:
    out.records += 1
    out.raw_bytes += size
    if record.kind == "feed":
        out.feed += 1
    else:
        out.results += 1
    if record.error:
        out.failed += 1
    if out.first is None or record.t < out.first:
        out.first = record.t
    if out.last is None or record.t > out.last:
        out.last = record.t

"""The archive's files: locked appends, hour compaction, retention (docs/archive.md).

Appends: an exclusive ``flock``, one ``write`` of the whole line, ``fdatasync``, on a file kept
open between records. A SIGKILL can
only tear the line being written; the next writer starts a fresh line after it, and readers
skip it with a note. Compaction folds a finished hour's raw file into one long-window zstd
stream (temporary file, fsync, rename, then the raw file removed), line by line, so memory
stays bounded whatever the hour's size.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import zstandard

from oracxpred.archive import messages
from oracxpred.archive.record import RAW_SUFFIX, ZST_SUFFIX, decode, hour_key, key_of
from oracxpred.logs import get_logger

log = get_logger("archive")

LEVEL = 12
"""About 10× faster than 19 for a few percent of ratio: an hour compacts in a fraction of a
second inside the first cycle of the next hour (bench/archive.py)."""
WINDOW_LOG = 27
"""128 MiB: a whole hour of polls fits in the window; ``zstd -d`` accepts it without ``--long``."""
CHUNK = 1 << 20
FRAME_HEADER_MAX = 18


def compressor() -> zstandard.ZstdCompressor:
    params = zstandard.ZstdCompressionParameters.from_level(LEVEL, window_log=WINDOW_LOG, threads=0)
    return zstandard.ZstdCompressor(compression_params=params)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _open_locked(path: Path, flags: int) -> int:
    """An fd on ``path`` under an exclusive flock, reopened if compaction unlinked it meanwhile."""
    while True:
        fd = os.open(path, flags, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_nlink > 0:
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
        if not flags & os.O_CREAT:
            raise FileNotFoundError(path)


class Appender:
    """``append_line`` for one writer, keeping the current hour's file open between records.

    Same guarantees (exclusive ``flock`` around one ``write``, ``fdatasync`` before the lock is
    released); only the ``open``/``close`` per record is saved. The fd is dropped when the path
    changes (a new hour), after any error, and when compaction or pruning unlinked the file
    (``st_nlink`` 0 under the lock: the record goes to a fresh file)."""

    def __init__(self) -> None:
        self._path: Path | None = None
        self._fd: int | None = None
        self._pid = os.getpid()

    def append(self, path: Path, line: bytes) -> None:
        try:
            self._append(path, line)
        except BaseException:
            self.close()
            raise

    def _append(self, path: Path, line: bytes) -> None:
        if self._pid != os.getpid():  # a forked child shares the parent's lock: its own fd
            self._fd, self._path, self._pid = None, None, os.getpid()
        while True:
            fd = self._fd if self._path == path else None
            created = False
            if fd is None:
                self.close()
                created = not path.exists()
                if created:
                    path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
                self._path, self._fd = path, fd
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                size_nlink = os.fstat(fd)
                if size_nlink.st_nlink == 0:
                    self.close()  # compacted or pruned meanwhile: write to a fresh file
                    continue
                size = size_nlink.st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    line = b"\n" + line  # after a torn record: start a clean line
                written = os.write(fd, line)
                if written != len(line):
                    raise OSError(errno.ENOSPC, "écriture partielle")
                os.fdatasync(fd)  # data and size: what a reader needs after a power cut
            finally:
                if self._fd == fd:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            if created:
                _fsync_dir(path.parent)
            return

    def close(self) -> None:
        fd, self._fd, self._path = self._fd, None, None
        if fd is not None:
            with suppress(OSError):
                os.close(fd)

    def __del__(self) -> None:
        self.close()


def append_line(path: Path, line: bytes) -> None:
    """One record, durably, never interleaved with another process's record."""
    appender = Appender()
    try:
        appender.append(path, line)
    finally:
        appender.close()


@dataclass(slots=True)
class Compaction:
    key: str
    records: int
    torn: int
    raw_bytes: int
    zst_bytes: int


def content_size(path: Path) -> int | None:
    """The decompressed size a ``.zst`` announces in its header (compaction writes it), so
    that stats and the Santé page know the ratio without decompressing anything."""
    with open(path, "rb") as source:
        head = source.read(FRAME_HEADER_MAX)
    try:
        size = zstandard.frame_content_size(head)
    except zstandard.ZstdError:
        return None
    return size if size >= 0 else None


def _raw_lines(fd: int) -> Iterator[tuple[int, bytes, bool]]:
    os.lseek(fd, 0, os.SEEK_SET)
    with os.fdopen(os.dup(fd), "rb") as source:
        source.seek(0)
        for number, line in enumerate(source, 1):
            yield number, line, _valid(line)


def _zst_lines(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as source:
        reader = zstandard.ZstdDecompressor().stream_reader(source)
        pending = b""
        while chunk := reader.read(CHUNK):
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                yield line + b"\n"
        if pending:
            yield pending


def _digest(line: bytes) -> bytes:
    return hashlib.blake2b(line, digest_size=16).digest()


def compact(root: Path, key: str) -> Compaction | None:
    """Fold ``key``'s raw file (and an earlier ``.zst`` of the same hour, if a late writer
    added to it) into one ``.zst``; None when another process did it first.

    Streamed: one line (one response) in memory at a time, whatever the hour's size. A raw
    line already in the ``.zst`` is skipped: a crash between the rename and the removal of the
    raw file leaves both, and the next compaction must not count that hour twice."""
    raw = root / f"{key}{RAW_SUFFIX}"
    zst = root / f"{key}{ZST_SUFFIX}"
    tmp = zst.with_name(f"{zst.name}.tmp-{os.getpid()}")
    try:
        fd = _open_locked(raw, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        done = Compaction(key, 0, 0, 0, 0)
        known: set[bytes] = set()
        size = 0
        if zst.exists():
            for line in _zst_lines(zst):
                known.add(_digest(line))
                size += len(line)
        size += sum(
            len(line) for _, line, ok in _raw_lines(fd) if ok and _digest(line) not in known
        )
        try:
            with open(tmp, "wb") as out:
                with compressor().stream_writer(out, size=size, closefd=False) as sink:
                    if zst.exists():
                        for line in _zst_lines(zst):
                            sink.write(line)
                            done.records += 1
                            done.raw_bytes += len(line)
                    for number, line, ok in _raw_lines(fd):
                        if ok and _digest(line) not in known:
                            sink.write(line)
                            done.records += 1
                            done.raw_bytes += len(line)
                        elif not ok and line.strip():
                            done.torn += 1
                            log.info(messages.TORN.format(path=raw, line=number))
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, zst)
        except BaseException:
            with suppress(OSError):
                tmp.unlink()
            raise
        _fsync_dir(zst.parent)
        raw.unlink()
        _fsync_dir(zst.parent)
        done.zst_bytes = zst.stat().st_size
    finally:
        os.close(fd)
    log.debug(
        messages.COMPACTED.format(
            key=key, records=done.records, ratio=done.raw_bytes / max(1, done.zst_bytes)
        )
    )
    return done


def _valid(line: bytes) -> bool:
    if not line.endswith(b"\n"):
        return False
    try:
        decode(line)
    except ValueError:
        return False
    return True


def hour_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(hour key, path) of every archive file under ``root``, in no particular order."""
    if not root.is_dir():
        return
    for path in root.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*.jsonl*"):
        key = key_of(path.relative_to(root).as_posix())
        if key is not None:
            yield key, path


def compact_before(root: Path, current: str) -> list[Compaction]:
    keys = sorted({k for k, p in hour_files(root) if p.name.endswith(RAW_SUFFIX) and k < current})
    return [done for key in keys if (done := compact(root, key)) is not None]


def prune(root: Path, keep_days: int, now: float) -> int:
    """Remove hour files older than ``keep_days`` (0 keeps everything) and emptied folders."""
    if keep_days <= 0:
        return 0
    limit = hour_key(now - timedelta(days=keep_days).total_seconds())
    removed = 0
    for key, path in list(hour_files(root)):
        if key < limit:
            path.unlink(missing_ok=True)
            removed += 1
            for parent in (path.parent, path.parent.parent, path.parent.parent.parent):
                try:
                    parent.rmdir()
                except OSError:
                    break
    if removed:
        log.info(messages.PRUNED.format(count=removed, days=keep_days))
    return removed


STALE_TMP_S = 3600.0
"""A compaction's temporary file this old belongs to a process that died during it."""


def drop_stale_temporaries(root: Path, now: float) -> int:
    removed = 0
    for path in root.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*.tmp-*"):
        with suppress(OSError):
            if now - path.stat().st_mtime > STALE_TMP_S:
                path.unlink()
                removed += 1
    return removed

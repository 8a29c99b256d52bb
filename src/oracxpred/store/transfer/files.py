"""Import a CSV file into any store, export any store to a CSV file.

Both go through ``core/cells.py`` (the one text form of a match), so an import reads files of the
original app as well as ours, and an export is byte-compatible with the CSV store. An import
never aborts on a bad row: the row is reported with its line number and skipped. It is
idempotent (the store's unique ``event_id`` does the work) and fast: on PostgreSQL, plain
lines skip ``row_to_match`` and go to COPY as they are (``transfer/copy.py``); elsewhere rows go
to the store in chunks of ``CHUNK``.
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from oracxpred import messages
from oracxpred.core.cells import format_utc, match_to_row
from oracxpred.core.records import MATCH_COLUMNS, FinishedMatch
from oracxpred.errors import StoreNotWritable
from oracxpred.oserrors import os_reason
from oracxpred.store.base import Store
from oracxpred.store.cursor import CURSOR_COLUMNS
from oracxpred.store.cursor import MAX_LIMIT as CURSOR_PAGE
from oracxpred.store.transfer import excel as excel_form
from oracxpred.store.transfer.copy_format import sql_value_error
from oracxpred.store.transfer.records import count_lines, read_header, records, reference
from oracxpred.store.transfer.report import REJECTIONS_KEPT, ImportReport

__all__ = ["REJECTIONS_KEPT", "ImportReport", "export_csv", "import_csv", "write_atomically"]

CHUNK = 50_000
"""Rows per store call: large enough for COPY to pay off, small enough to bound memory."""

FILE_MODE = 0o644
"""Mode of an export before the umask: the CSV store's own (``store/csv/file.py``)."""


def _write(store: Store, batch: Sequence[FinishedMatch], report: ImportReport) -> None:
    result = store.save_matches(batch)
    report.saved += len(result.saved)
    report.duplicates += len(result.duplicates)


def import_csv(
    path: Path | str, store: Store, progress: bool = True, *, chunk: int = CHUNK
) -> ImportReport:
    """Store every valid row of ``path``; bad rows are reported with their line, never fatal."""
    path = Path(path)
    report = ImportReport(path)
    now = datetime.now(UTC)  # the latest date a row may hold is one day after it
    started = time.monotonic()
    header = read_header(path)
    total = max(0, count_lines(path) - 1)
    with tqdm(
        total=total, unit=" lignes", desc="Import", file=sys.stderr, disable=not progress
    ) as bar:
        if store.copies_lines:
            # Imported here: the COPY pipeline loads SQLAlchemy and psycopg, CSV imports never.
            from oracxpred.store.transfer.copy import import_by_copy

            import_by_copy(path, header, store, report, bar, chunk, now)
        else:
            _import_rows(path, header, store, report, bar, chunk, now)
    report.elapsed_s = time.monotonic() - started
    return report


def _import_rows(
    path: Path,
    header: list[str],
    store: Store,
    report: ImportReport,
    bar: tqdm[Any],
    chunk: int,
    now: datetime,
) -> None:
    """The reference path: ``row_to_match`` on each row, ``chunk`` rows per store call."""
    batch: list[FinishedMatch] = []
    bounded = store.backend != "csv"  # SQL columns have fixed-size integers
    for start, cells, _ in records(path):
        if not cells:
            continue
        report.read += 1
        match = reference(cells, header, now)
        if not isinstance(match, str) and bounded:
            match = sql_value_error(match) or match
        if isinstance(match, str):
            report.reject(start, match)
            continue
        batch.append(match)
        if len(batch) >= chunk:
            _write(store, batch, report)
            bar.update(report.read - bar.n)
            batch = []
    if batch:
        _write(store, batch, report)
    bar.update(report.read - bar.n)


def write_export(
    store: Store,
    f: TextIO,
    *,
    excel: bool = False,
    progress: bool = False,
    after_seq: int | None = None,
) -> int:
    """Our header then every stored match (storage order) to an open text file; the count.

    ``after_seq``: only the matches stored after that seq, in ``seq`` order, with two more
    columns, ``seq`` and ``ingested_at_utc`` (the incremental cursor, ``store/cursor.py``)."""
    writer = excel_form.writer(f, excel)
    cursor = after_seq is not None
    writer.writerow(MATCH_COLUMNS + CURSOR_COLUMNS if cursor else MATCH_COLUMNS)
    count = 0
    with tqdm(unit=" lignes", desc="Export", file=sys.stderr, disable=not progress) as bar:
        for match, extra in _exported(store, after_seq):
            writer.writerow(excel_form.cells(match_to_row(match), excel) + extra)
            count += 1
            if count % 10_000 == 0:
                bar.update(10_000)
        bar.update(count % 10_000)
    return count


def _exported(store: Store, after_seq: int | None) -> Iterator[tuple[FinishedMatch, list[str]]]:
    if after_seq is None:
        yield from ((match, []) for match in store.iter_matches())
        return
    while True:
        page = store.matches_after(after_seq, CURSOR_PAGE)
        if not page.items:
            return
        for item in page.items:
            yield item.match, [str(item.seq), format_utc(item.ingested_at)]
        after_seq = page.next_seq


def export_csv(
    store: Store,
    path: Path | str,
    progress: bool = False,
    *,
    excel: bool = False,
    parents: bool = True,
    after_seq: int | None = None,
) -> int:
    """Write every stored match to ``path`` (our header, storage order); returns the count.

    Written to a temporary file beside ``path`` then renamed: a failed export never leaves a
    half file where a complete one was expected. The file gets the CSV store's mode (0644
    minus the umask), not ``mkstemp``'s 0600: an export is made to be read by others.
    """
    return write_atomically(
        Path(path),
        lambda f: write_export(store, f, excel=excel, progress=progress, after_seq=after_seq),
        parents=parents,
    )


def write_atomically(path: Path, write: Callable[[TextIO], int], *, parents: bool) -> int:
    """Run ``write`` on a temporary file beside ``path`` (our file mode), fsync, rename it over
    ``path``; any failure removes the temporary file. Returns what ``write`` returns. An OS
    error is a ``StoreNotWritable`` with the French export message."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        if parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except OSError as exc:
        raise StoreNotWritable(
            messages.EXPORT_FAILED.format(path=path, reason=os_reason(exc))
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            count = write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreNotWritable(
            messages.EXPORT_FAILED.format(path=path, reason=os_reason(exc))
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count

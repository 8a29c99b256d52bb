"""Import a CSV file into any store, export any store to a CSV file.

Both go through ``core.rows`` (the one text form of a match), so an import reads files of the
original app as well as ours, and an export is byte-compatible with the CSV store. An import
never aborts on a bad row: the row is reported with its line number and skipped. It is
idempotent (the store's unique ``event_id`` does the work) and fast: on PostgreSQL, plain
lines skip ``row_to_match`` and go to COPY as they are (``transfer_copy``); elsewhere rows go
to the store in chunks of ``CHUNK``.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from oracxpred.core.cells import match_to_row
from oracxpred.core.records import MATCH_COLUMNS, FinishedMatch
from oracxpred.errors import StoreNotWritable
from oracxpred.oserrors import os_reason
from oracxpred.store.base import Store
from oracxpred.store.transfer.copy_format import sql_value_error
from oracxpred.store.transfer.records import count_lines, read_header, records, reference

CHUNK = 50_000
"""Rows per store call: large enough for COPY to pay off, small enough to bound memory."""

REJECTIONS_KEPT = 1000
"""Bad rows listed in the report (all are counted)."""


@dataclass
class ImportReport:
    path: Path
    read: int = 0
    saved: int = 0
    duplicates: int = 0
    rejected: int = 0
    rejections: list[tuple[int, str]] = field(default_factory=list)  # (line, French reason)
    elapsed_s: float = 0.0

    @property
    def rows_per_s(self) -> float:
        return self.read / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def reject(self, line: int, reason: str) -> None:
        """Count a bad row; the first ``REJECTIONS_KEPT`` are listed."""
        self.rejected += 1
        if len(self.rejections) < REJECTIONS_KEPT:
            self.rejections.append((line, reason))

    def summary(self) -> str:
        return (
            f"Import de {self.path} : {self.read} ligne(s) lue(s), {self.saved} enregistrée(s), "
            f"{self.duplicates} déjà présente(s), {self.rejected} rejetée(s)"
        )


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
        if getattr(store, "copies_lines", False):
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


def export_csv(store: Store, path: Path | str, progress: bool = False) -> int:
    """Write every stored match to ``path`` (our header, storage order); returns the count.

    Written to a temporary file beside ``path`` then renamed: a failed export never leaves a
    half file where a complete one was expected.
    """
    path = Path(path)
    count = 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise StoreNotWritable(f"Export impossible vers {path} : {os_reason(exc)}.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(MATCH_COLUMNS)
            with tqdm(unit=" lignes", desc="Export", file=sys.stderr, disable=not progress) as bar:
                for match in store.iter_matches():
                    row = match_to_row(match)
                    writer.writerow([row[name] for name in MATCH_COLUMNS])
                    count += 1
                    if count % 10_000 == 0:
                        bar.update(10_000)
                bar.update(count % 10_000)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise StoreNotWritable(f"Export impossible vers {path} : {os_reason(exc)}.") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count

"""Import a CSV file into any store, export any store to a CSV file.

Both go through ``core.rows`` (the one text form of a match), so an import reads files of the
original app as well as ours, and an export is byte-compatible with the CSV store. An import
never aborts on a bad row: the row is reported with its line number and skipped. It is
idempotent (the store's unique ``event_id`` does the work) and fast: rows go to the store in
chunks of ``CHUNK`` through ``bulk_insert`` when the store has one (PostgreSQL COPY).
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from oracxpred.core.records import MATCH_COLUMNS, ORIGINAL_COLUMNS, FinishedMatch
from oracxpred.core.rows import RowError, match_to_row, row_to_match
from oracxpred.errors import StoreCorrupted, StoreNotWritable
from oracxpred.store.base import Store

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

    def summary(self) -> str:
        return (
            f"Import de {self.path} : {self.read} ligne(s) lue(s), {self.saved} enregistrée(s), "
            f"{self.duplicates} déjà présente(s), {self.rejected} rejetée(s)"
        )


def _count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))


def _write(store: Store, batch: Sequence[FinishedMatch], report: ImportReport) -> None:
    bulk = getattr(store, "bulk_insert", None)
    if bulk is not None:
        written, already = bulk(batch)
    else:
        result = store.save_matches(batch)
        written, already = len(result.saved), len(result.duplicates)
    report.saved += written
    report.duplicates += already


def _reject(report: ImportReport, line: int, reason: str) -> None:
    report.rejected += 1
    if len(report.rejections) < REJECTIONS_KEPT:
        report.rejections.append((line, reason))


def _header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
            header = [name.strip() for name in next(csv.reader(f), [])]
    except (OSError, csv.Error) as exc:
        raise StoreCorrupted(f"Fichier à importer illisible {path} : {exc}.") from None
    missing = [name for name in ORIGINAL_COLUMNS if name not in header]
    if missing:
        raise StoreCorrupted(
            f"{path} n'est pas un fichier de matchs : colonne(s) absente(s) {', '.join(missing)}."
        )
    return header


def import_csv(
    path: Path | str, store: Store, progress: bool = True, *, chunk: int = CHUNK
) -> ImportReport:
    """Store every valid row of ``path``; bad rows are reported with their line, never fatal."""
    path = Path(path)
    report = ImportReport(path)
    started = time.monotonic()
    header = _header(path)
    total = max(0, _count_lines(path) - 1)
    with tqdm(
        total=total, unit=" lignes", desc="Import", file=sys.stderr, disable=not progress
    ) as bar:
        _import_rows(path, header, store, report, bar, chunk)
    report.elapsed_s = time.monotonic() - started
    return report


def _import_rows(
    path: Path, header: list[str], store: Store, report: ImportReport, bar: tqdm[Any], chunk: int
) -> None:
    """``row_to_match`` on each row, ``chunk`` rows per store call."""
    width, batch = len(header), []
    # surrogateescape: a row with invalid UTF-8 is rejected alone, the import goes on.
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        line = reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not cells:
                continue
            report.read += 1
            if len(cells) != width:
                _reject(report, start, f"{len(cells)} cellule(s) au lieu de {width}")
                continue
            try:
                "".join(cells).encode("utf-8")
            except UnicodeEncodeError:
                _reject(report, start, "encodage invalide (UTF-8 attendu)")
                continue
            try:
                batch.append(row_to_match(dict(zip(header, cells, strict=True))))
            except RowError as exc:
                _reject(report, start, exc.reason)
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
        raise StoreNotWritable(f"Export impossible vers {path} : {exc.strerror}.") from None
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
        raise StoreNotWritable(f"Export impossible vers {path} : {exc.strerror}.") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count

"""CSV → PostgreSQL import speed through ``store/transfer.py`` (``import_csv``), in rows/s.

Usage: ``python bench/import.py [--quick]`` (1,000,000 rows; 100,000 with ``--quick``). Two
files of synthetic matches: our CSV format (25 columns) and the original app's (12 columns,
``2025-12-06 10:30:45`` timestamps). Each is imported into a fresh database, then imported
again (every row already stored: the idempotent path). Wall time, measured around
``import_csv`` only (the file is written beforehand, the database created beforehand).

RESULT: ``rows_per_s`` = first import of our format (target ≥ 100,000 rows/s);
``reimport_rows_per_s`` and ``original_rows_per_s``: the same file again, the original format.
The load average before and after is printed: the machine may be shared.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    pg_version,
    print_machine,
    print_table,
    result_line,
    synthetic_row,
    write_synthetic_csv,
)
from oracxpred.store.factory import open_sql
from oracxpred.store.transfer.files import import_csv
from tests.support.databases import pg_database


def write_original_csv(path: Path, rows: int) -> None:
    """The original app's 12 columns, its ``YYYY-MM-DD HH:MM:SS`` timestamps."""
    from oracxpred.core.records import ORIGINAL_COLUMNS

    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(ORIGINAL_COLUMNS)
        block = []
        for n in range(1, rows + 1):
            row = synthetic_row(n)[:12]
            row[0] = row[0].replace("T", " ").removesuffix("Z")
            block.append(row)
            if len(block) == 50_000:
                writer.writerows(block)
                block = []
        writer.writerows(block)


def timed_import(path: Path, url: str) -> tuple[float, int, int, int]:
    store = open_sql(url)
    try:
        started = time.perf_counter()
        report = import_csv(path, store, progress=False)
        elapsed = time.perf_counter() - started
        count = store.count_matches()
    finally:
        store.close()
    if report.rejected:
        raise SystemExit(f"{report.rejected} ligne(s) rejetée(s) : {report.rejections[:3]}")
    return elapsed, report.read, report.saved, count


def _load() -> str:
    """1, 5 and 15-minute load averages (other work on a shared machine slows PostgreSQL)."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 000 lignes au lieu d'un million")
    args = parser.parse_args()
    if pg_version() is None:
        print("PostgreSQL absent sur 127.0.0.1:5432 : banc impossible")
        return 1
    rows = 100_000 if args.quick else 1_000_000
    print_machine()
    print(f"Charge moyenne au début : {_load()}")
    table = []
    speeds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="oracxpred-import-") as tmp:
        ours = Path(tmp) / "ours.csv"
        files = {"csv-v1 (25 col.)": ours, "origine (12 col.)": None}
        t0 = time.perf_counter()
        write_synthetic_csv(ours, rows)
        original = Path(tmp) / "original.csv"
        write_original_csv(original, rows)
        files["origine (12 col.)"] = original
        print(f"Fichiers de {rows:,} lignes écrits en {time.perf_counter() - t0:.1f} s")
        for label, path in files.items():
            assert path is not None
            size = path.stat().st_size
            with pg_database("oracxpred_import") as url:
                for attempt in ("premier import", "ré-import (tout déjà présent)"):
                    elapsed, read, saved, count = timed_import(path, url)
                    speed = read / elapsed
                    speeds[f"{label}/{attempt}"] = speed
                    table.append(
                        [label, attempt, read, saved, count, elapsed, speed, size / elapsed / 1e6]
                    )
    print(f"Charge moyenne à la fin : {_load()}")
    print()
    headers = ["fichier", "passe", "lues", "écrites", "en base", "durée s", "lignes/s", "Mo/s"]
    print_table(headers, table)
    print(
        result_line(
            rows_per_s=round(speeds["csv-v1 (25 col.)/premier import"]),
            rows=rows,
            reimport_rows_per_s=round(speeds["csv-v1 (25 col.)/ré-import (tout déjà présent)"]),
            original_rows_per_s=round(speeds["origine (12 col.)/premier import"]),
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

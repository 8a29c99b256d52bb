"""What every benchmark shares: the machine's description, tables, RESULT lines, medians
and fast synthetic match rows (throwaway databases come from ``tests.support.databases``).

Synthetic rows are written without ``FinishedMatch`` objects (a million of them would cost
more than the benchmark itself); their event ids are small (1..M) and their leagues are named
``Ligue synthétique N``, so they never collide with the simulator's ids (≥ 726,000,000) nor
with its team pairs.
"""

from __future__ import annotations

import contextlib
import csv
import os
import platform
import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
SYNTHETIC_BASE_EPOCH = 1_700_000_000
"""2023-11-14: synthetic rows are older than anything the simulator plays."""


def machine() -> dict[str, str]:
    """nproc, memory, CPU model, Python and PostgreSQL versions: printed with every result."""
    info = {
        "nproc": str(os.cpu_count()),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory"] = f"{int(line.split()[1]) // 1024} MiB"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    info["postgresql"] = pg_version() or "absent"
    return info


def pg_version() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return str(row[0]) if row else None
    except Exception:  # noqa: BLE001 - any failure means "no PostgreSQL to report"
        return None


def print_machine() -> None:
    info = machine()
    print("Machine : " + ", ".join(f"{k}={v}" for k, v in info.items()))


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A plain text table, columns right-aligned except the first."""
    text_rows = [[_cell(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in text_rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    pairs = enumerate(zip(headers, widths, strict=True))
    line = "  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in pairs)
    print(line)
    print("-" * len(line))
    for row in text_rows:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    sys.stdout.flush()


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def result_line(**values: Any) -> str:
    """``RESULT k=v ...``: the one line a benchmark ends with (floats with 3 decimals)."""
    parts = [f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in values.items()]
    return "RESULT " + " ".join(parts)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def synthetic_row(n: int) -> list[str]:
    """Row ``n`` (1-based) in ``MATCH_COLUMNS`` order, canonical like the CSV store's own."""
    start = SYNTHETIC_BASE_EPOCH + 600 * n
    stamp = _iso(start + 700)
    s1, s2 = n % 7, (n // 7) % 6
    outcome = "1" if s1 > s2 else "2" if s2 > s1 else "N"
    league = n % 40
    return [
        stamp,
        str(n),
        f"Ligue synthétique {league}",
        f"Équipe {n % 97}",
        f"Équipe {(n % 89) + 100}",
        "2.1",
        "3.4",
        "3.05",
        str(s1),
        str(s2),
        "Jeu terminé",
        outcome,
        _iso(start),
        str(5_000_000 + league),
        "85",
        str(n % 97),
        str((n % 89) + 100),
        _iso(start - 120),
        "2.05",
        "3.45",
        "3.1",
        _iso(start - 4600),
        "",
        "",
        "feed",
    ]


def _iso(ts: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def write_synthetic_csv(path: Path, rows: int) -> None:
    """A CSV store file of ``rows`` synthetic matches (our header, ids 1..rows)."""
    from oracxpred.core.records import MATCH_COLUMNS

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(MATCH_COLUMNS)
        block: list[list[str]] = []
        for n in range(1, rows + 1):
            block.append(synthetic_row(n))
            if len(block) == 50_000:
                writer.writerows(block)
                block = []
        writer.writerows(block)


def copy_synthetic_rows(url: str, rows: int) -> None:
    """Fill the (migrated) ``matches`` table of ``url`` with ``rows`` synthetic matches by COPY."""
    import psycopg

    from oracxpred.core.records import MATCH_COLUMNS

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    names = ", ".join(MATCH_COLUMNS)
    with psycopg.connect(plain) as conn, conn.cursor() as cur:
        with cur.copy(f"COPY matches ({names}) FROM STDIN") as copy:
            for n in range(1, rows + 1):
                copy.write_row([cell if cell != "" else None for cell in synthetic_row(n)])
        cur.execute("ANALYZE matches")

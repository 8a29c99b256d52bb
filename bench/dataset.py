"""Dataset throughput and memory: 1M synthetic finished matches and their odds → Parquet.

Usage: ``python bench/dataset.py [--quick] [--rows N] [--store sqlite|csv|postgresql]``
(``--quick``: 100 000 matches; default store: SQLite). The matches come from a generator (20
leagues of 20 teams, one kick-off a league every 4 minutes, feed, results and backfill
finishes, 1X2 opening and closing odds, 2-way every fifth league) straight into
``oracxpred.dataset.build.write_dataset``, as the store's ``iter_matches`` would give them.
Their odds history is real store data: 24 total-goals rows per match (five lines at the first
pre-match poll, the main line moving twice before kick-off, ten rows in play), in poll order
across matches as the collector appends them, saved by a child process through
``Store.save_odds`` and read back by ``write_dataset`` through ``Store.iter_odds``. The figure
is the dataset's work with the timeline read from the store; peak memory is this process's
``ru_maxrss`` (the loading child's memory is not counted).

RESULT: ``rows``, ``rows_per_s``, ``peak_mb``.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import print_machine, result_line

if TYPE_CHECKING:
    from oracxpred.core.records import FinishedMatch, OddsRow
    from oracxpred.store.base import Store

LEAGUES = 20
TEAMS = 20
SLOT_MIN = 4
"""Minutes between two kick-offs of a league."""
T0 = datetime(2026, 1, 1, tzinfo=UTC)
POLLS = (-30, -12, -3, 2, 5, 8)
"""Minutes from kick-off of the polls that change a match's total-goals rows."""
BATCH = 20_000
"""Odds rows per ``save_odds`` call (cut at a poll boundary)."""


def synthetic(count: int) -> Iterator[FinishedMatch]:
    from oracxpred.core.records import FinishedMatch, FinishSource, Odds1X2, Outcome, Score

    rng = random.Random(17)
    sources = (FinishSource.FEED, FinishSource.FEED, FinishSource.RESULTS, FinishSource.BACKFILL)
    for i in range(count):
        league = i % LEAGUES
        start = T0 + timedelta(minutes=SLOT_MIN * (i // LEAGUES))
        home = rng.randrange(TEAMS)
        away = (home + 1 + rng.randrange(TEAMS - 1)) % TEAMS
        s1, s2 = rng.randrange(6), rng.randrange(6)
        draw = None if league % 5 == 0 else round(rng.uniform(3, 5), 2)
        yield FinishedMatch(
            event_id=10_000_000 + i,
            collected_at=start + timedelta(seconds=rng.randrange(480, 720)),
            league=f"FIFA. Ligue {league}",
            team1=f"Équipe {league}-{home}",
            team2=f"Équipe {league}-{away}",
            score1=s1,
            score2=s2,
            status="Match terminé",
            outcome=Outcome.HOME if s1 > s2 else Outcome.DRAW if s1 == s2 else Outcome.AWAY,
            finish_source=sources[i % 4],
            start_time=start,
            odds=Odds1X2(round(rng.uniform(1.3, 5), 2), draw, round(rng.uniform(1.3, 5), 2)),
            opening_odds=Odds1X2(
                round(rng.uniform(1.3, 5), 2), draw, round(rng.uniform(1.3, 5), 2)
            ),
            halftime=Score(min(s1, rng.randrange(3)), min(s2, rng.randrange(3))),
        )


def _price(step: int, jitter: float) -> float:
    """The over price ``step`` lines above the main one (the under: ``-step``)."""
    return round(1.05 + 0.85 * 1.6**step + jitter, 3)


def match_odds(i: int, offset: int) -> list[OddsRow]:
    """Match ``i``'s total-goals rows at the poll ``offset`` minutes from its kick-off."""
    from oracxpred.core.records import OddsRow, Phase

    event = 10_000_000 + i
    at = int((T0 + timedelta(minutes=SLOT_MIN * (i // LEAGUES) + offset)).timestamp())
    main = 2.5 + i % 3
    jitter = (i * 37 % 11 - 5) / 100
    phase = Phase.PREMATCH if offset < 0 else Phase.LIVE

    def pair(step: int, shift: float, blocked: bool = False) -> list[OddsRow]:
        line, central = main + step, step == 0
        over, under = _price(step, jitter + shift), _price(-step, -jitter - shift)
        return [
            OddsRow(event, at, None, phase, 17, 9, line, over, blocked, central, False),
            OddsRow(event, at, None, phase, 17, 10, line, under, blocked, central, False),
        ]

    if offset == POLLS[0]:
        return [row for step in (-2, -1, 0, 1, 2) for row in pair(step, 0.0)]
    if phase is Phase.PREMATCH:
        return pair(0, 0.03 if offset == POLLS[1] else 0.07)
    if offset == POLLS[-1]:
        return pair(0, 0.5, blocked=True)
    return pair(0, 0.4 * offset / 5) + pair(1, 0.5 * offset / 5)


def odds_batches(count: int) -> Iterator[list[OddsRow]]:
    """Every match's rows in poll order, in batches cut between polls."""
    slots = (count + LEAGUES - 1) // LEAGUES
    batch: list[OddsRow] = []
    for minute in range(POLLS[0], SLOT_MIN * (slots - 1) + POLLS[-1] + 1):
        for offset in POLLS:
            slot, rest = divmod(minute - offset, SLOT_MIN)
            if rest or not 0 <= slot < slots:
                continue
            for i in range(slot * LEAGUES, min((slot + 1) * LEAGUES, count)):
                batch += match_odds(i, offset)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def open_store(target: str) -> Store:
    from oracxpred.store.csv.store import CsvStore
    from oracxpred.store.factory import open_sql

    return CsvStore(Path(target)) if target.endswith(".csv") else open_sql(target)


def load(target: str, count: int) -> None:
    """The child's work: the whole timeline into the store."""
    saved = 0
    with open_store(target) as store:
        for batch in odds_batches(count):
            saved += store.save_odds(batch)
    print(f"{saved} lignes de cotes enregistrées")


@contextlib.contextmanager
def store_target(kind: str, tmp: Path) -> Iterator[str]:
    if kind == "csv":
        yield str(tmp / "matches.csv")
    elif kind == "sqlite":
        yield f"sqlite:///{tmp / 'store.db'}"
    else:
        from tests.support.databases import pg_database

        with pg_database() as url:  # no server: the benchmark fails, it never skips
            yield url


def measure(target: str, rows: int, out: Path) -> None:
    import pyarrow.parquet as pq

    from oracxpred.dataset.build import write_dataset

    with open_store(target) as store:
        began = time.perf_counter()
        report = write_dataset(synthetic(rows), store.iter_odds, out, "parquet")
        elapsed = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = out.stat().st_size / 2**20
    totals = pq.read_table(out, columns=["total_open_line", "total_close_line"])
    with_totals = [str(totals.num_rows - totals[c].null_count) for c in totals.column_names]
    print(f"{report.rows} lignes en {elapsed:.1f} s, fichier {size_mb:.1f} Mio")
    print(f"lignes avec total principal d'ouverture / de clôture : {' / '.join(with_totals)}")
    print(result_line(rows=report.rows, rows_per_s=report.rows / elapsed, peak_mb=peak_mb))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 000 matchs au lieu d'un million")
    parser.add_argument("--rows", type=int, default=1_000_000, help="matchs (défaut 1 000 000)")
    parser.add_argument(
        "--store", choices=("sqlite", "csv", "postgresql"), default="sqlite", help="stockage"
    )
    parser.add_argument("--load-into", help=argparse.SUPPRESS)  # the loading child
    args = parser.parse_args()
    rows = 100_000 if args.quick else args.rows
    if args.load_into:
        load(args.load_into, rows)
        return 0

    print_machine()
    with tempfile.TemporaryDirectory() as tmp, store_target(args.store, Path(tmp)) as target:
        began = time.perf_counter()
        child = [sys.executable, __file__, "--rows", str(rows), "--load-into", target]
        subprocess.run(child, check=True)
        print(f"chargement ({args.store}) en {time.perf_counter() - began:.1f} s")
        measure(target, rows, Path(tmp) / "dataset.parquet")
    return 0


if __name__ == "__main__":
    sys.exit(main())

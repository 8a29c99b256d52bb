"""Dataset throughput and memory: 1M synthetic finished matches → Parquet.

Usage: ``python bench/dataset.py [--quick] [--rows N]`` (``--quick``: 100 000 matches). The
matches come from a generator (20 leagues of 20 teams, one kick-off a league every 4 minutes,
feed, results and backfill finishes, 1X2 opening and closing odds, 2-way every fifth league)
straight into ``oracxpred.dataset.build.write_dataset``, as the store's ``iter_matches`` would
give them: the figure is the dataset's own work (facts, features, Parquet), not a store read.
Peak memory is the process's ``ru_maxrss``.

RESULT: ``rows``, ``rows_per_s``, ``peak_mb``.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import print_machine, result_line

LEAGUES = 20
TEAMS = 20


def synthetic(count: int) -> Iterator[object]:
    from oracxpred.core.records import FinishedMatch, FinishSource, Odds1X2, Outcome, Score

    rng = random.Random(17)
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    sources = (FinishSource.FEED, FinishSource.FEED, FinishSource.RESULTS, FinishSource.BACKFILL)
    for i in range(count):
        league = i % LEAGUES
        start = t0 + timedelta(minutes=4 * (i // LEAGUES))
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


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 000 matchs au lieu d'un million")
    parser.add_argument("--rows", type=int, default=1_000_000, help="matchs (défaut 1 000 000)")
    args = parser.parse_args()
    rows = 100_000 if args.quick else args.rows

    from oracxpred.dataset.build import write_dataset

    print_machine()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dataset.parquet"
        began = time.perf_counter()
        report = write_dataset(synthetic(rows), [], out, "parquet")  # type: ignore[arg-type]
        elapsed = time.perf_counter() - began
        size_mb = out.stat().st_size / 2**20
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{report.rows} lignes en {elapsed:.1f} s, fichier {size_mb:.1f} Mio")
    print(result_line(rows=report.rows, rows_per_s=report.rows / elapsed, peak_mb=peak_mb))
    return 0


if __name__ == "__main__":
    sys.exit(main())

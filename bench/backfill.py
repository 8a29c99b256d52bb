"""Backfill throughput and memory: 90 days × 3 leagues from the simulator, no rate limit.

Usage: ``python bench/backfill.py [--quick] [--days N] [--database-url URL]`` (``--quick``: 7
days). The simulator runs in this process with its history prepared before timing; the backfill
runs as ``oracxpred backfill`` in a subprocess, so its peak RSS is its own (``VmHWM`` of the
child, read from ``/proc``). Requests are counted by the simulator: one ``v3/games`` call per
league and day plus one ``v2/champs`` call per 2 days.

RESULT: ``requests``, ``expected_requests``, ``rows_per_s``, ``rss_mb`` (peak of the backfill
process), ``rows``.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO, print_machine, print_table, result_line

LEAGUES = (2986291, 2860561, 2648573)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="7 jours au lieu de 90")
    parser.add_argument("--days", type=int, default=90, help="jours rattrapés (défaut 90)")
    parser.add_argument("--database-url", help="base SQL cible (défaut : un CSV temporaire)")
    args = parser.parse_args()
    days = 7 if args.quick else args.days

    from oracxpred.config import Settings
    from oracxpred.simulator.server import start_simulator
    from oracxpred.store.factory import open_csv, open_sql

    print_machine()
    epoch = int(time.time()) // 60 * 60
    with (
        tempfile.TemporaryDirectory() as tmp,
        start_simulator(
            seed=11, start_epoch=epoch, leagues=list(LEAGUES), history_days=days + 1
        ) as sim,
    ):
        prepared = time.perf_counter()
        sim.truth()  # creates every match of the history: not part of the measure
        prepared = time.perf_counter() - prepared
        before = sum(sim.faults()["requests"].values())
        csv_path = Path(tmp) / "matches.csv"
        cmd = [sys.executable, "-m", "oracxpred", "backfill", "--days", str(days), "--rate", "0"]
        cmd += ["--feed-url", sim.feed_url, "--csv-path", str(csv_path)]
        if args.database_url:
            cmd += ["--database-url", args.database_url]
        env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
        env.pop("DATABASE_URL", None)
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        rss_mb = _watch_peak_rss(proc)
        out, err = proc.communicate()
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            print(out, err, sep="\n", file=sys.stderr)
            return 1
        requests = sum(sim.faults()["requests"].values()) - before
        url = args.database_url
        with open_sql(url) if url else open_csv(Settings(csv_path=csv_path)) as store:
            rows = store.count_matches()
    expected = len(LEAGUES) * days + math.ceil(days / 2)
    print_table(
        ["Mesure", "Valeur"],
        [
            ["jours × ligues", f"{days} × {len(LEAGUES)}"],
            ["préparation du simulateur (s)", f"{prepared:.1f}"],
            ["durée du rattrapage (s)", f"{elapsed:.1f}"],
            ["matchs enregistrés", rows],
            ["requêtes (attendues)", f"{requests} ({expected})"],
            ["RSS max du rattrapage (Mo)", f"{rss_mb:.1f}"],
        ],
    )
    print(
        result_line(
            requests=requests,
            expected_requests=expected,
            rows_per_s=rows / elapsed,
            rss_mb=rss_mb,
            rows=rows,
        )
    )
    return 0 if requests == expected and rss_mb <= 100 else 1


def _watch_peak_rss(proc: subprocess.Popen[str]) -> float:
    """The child's own peak RSS (``VmHWM``, MB), read until it exits. Not ``ru_maxrss``: that
    counts the pages of this process (the simulator's history) the child held before exec."""
    peak = 0.0
    status = Path(f"/proc/{proc.pid}/status")
    while proc.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    return peak


if __name__ == "__main__":
    sys.exit(main())

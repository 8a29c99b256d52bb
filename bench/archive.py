"""The archive: compression ratio on the simulator's day, recording overhead, replay speed.

Usage: ``python bench/archive.py [--quick]``. A real HTTP simulator serves its feed; one
in-process ``Collector`` polls it once per simulated minute (24 h, or 3 h with ``--quick``)
with the archive on. The recorder stamps each exchange with the simulated time, so the hours
of the archive are the simulator's hours (60 polls each, as a daemon at one poll a minute
writes them); then every hour is compacted. ``ratio`` = bytes received / bytes of the archive;
the table also shows what compressing each response alone would give.

``overhead_ms``: CPU (``time.process_time``) of recording one 40-event poll through
``ArchiveWriter`` (encode, locked append, fsync call), median of 200, on a warm archive.
``replay_polls_per_s``: the recorded day replayed by ``archive.replay`` into an empty CSV
store (the real cycle: parse, track, save, state) divided by its wall time; the store is on
the same temporary folder as the archive.

Compaction memory: ``ru_maxrss`` growth while compacting the largest hour is printed; the hour
is streamed line by line.

The machine is shared: ``sum(range(10**6))`` is timed before and after (best of 5, as
``python -m timeit`` does) and printed next to the figures, so that runs can be compared.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import zstandard

from bench.common import print_machine, print_table, result_line
from bench.feedgen import FeedSeries
from oracxpred.archive.files import compact_before
from oracxpred.archive.reader import Note, merged, stats
from oracxpred.archive.record import encode, hour_key
from oracxpred.archive.replay import replay
from oracxpred.archive.writer import ArchiveWriter
from oracxpred.collector.cycle import Collector
from oracxpred.config import Settings
from oracxpred.feed.client import FeedClient
from oracxpred.feed.exchange import FEED, Exchange
from oracxpred.logs import setup_logging
from oracxpred.simulator.server import start_simulator
from oracxpred.store.factory import open_store


def record_day(root: Path, polls: int) -> tuple[float, float, int]:
    """Poll the simulator ``polls`` times a simulated minute apart; (raw, alone, polls)."""
    alone = [0, 0]  # raw bytes, bytes when each response is compressed alone
    single = zstandard.ZstdCompressor(level=19)
    with start_simulator(seed=5) as sim:
        writer = ArchiveWriter(root, keep_days=0, clock=lambda: float(sim.now()))

        def at_sim_time(exchange: Exchange) -> None:
            shift = sim.now() - exchange.received_at
            exchange.received_at += shift
            exchange.started_at += shift
            if exchange.body:
                alone[0] += len(exchange.body)
                alone[1] += len(single.compress(exchange.body))
            writer(exchange)

        settings = Settings(feed_url=sim.feed_url, csv_path=root.parent / "live" / "m.csv")
        store = open_store(settings.with_(archive=False))
        client = FeedClient(sim.feed_url, recorder=at_sim_time)
        collector = Collector(settings, store, client)
        try:
            for _ in range(polls):
                collector.run_cycle()
                sim.advance(60)
        finally:
            collector.close()
            client.close()
            store.close()
        end = sim.now() + 3600
    compact_before(root, hour_key(end))
    return alone[0], alone[1], polls


def big_hour_compaction(root: Path, tmp: Path, megabytes: int) -> tuple[int, int]:
    """A raw hour of about ``megabytes`` MiB (the archive's real lines, repeated) compacted in
    a fresh process: (raw bytes, peak-memory growth in KiB). Streaming keeps it flat."""
    lines = [encode(r) for r in itertools.islice(merged([root], []), 120)]
    hour = tmp / "big" / "2026" / "01" / "01" / "00.jsonl"
    hour.parent.mkdir(parents=True)
    size = 0
    with hour.open("wb") as out:
        while size < megabytes * 2**20:
            for line in lines:
                out.write(line)
                size += len(line)
    return size, compaction_growth_kib(tmp / "big", "2026/01/01/01")


COMPACT = """
import resource, sys
from pathlib import Path
from oracxpred.archive.files import compact_before
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
compact_before(Path(sys.argv[1]), sys.argv[2])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def compaction_growth_kib(root: Path, current: str) -> int:
    """Peak-memory growth of the compaction alone, in a fresh process (in this one the
    collection run has already set the peak, so the growth would show nothing)."""
    done = subprocess.run(
        [sys.executable, "-c", COMPACT, str(root), current],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.strip())


def overhead(root: Path, runs: int) -> float:
    series = FeedSeries(40, 1)
    body = series.bodies[0]
    writer = ArchiveWriter(root, keep_days=0)
    costs = []
    for i in range(runs + 10):
        now = time.time()
        exchange = Exchange(
            kind=FEED,
            attempt=1,
            url="http://127.0.0.1:9/service-api/LiveFeed/Get1x2_VZip?sports=85&count=40",
            started_at=now,
            received_at=now,
            latency_ms=12.0,
            status=200,
            date="Wed, 02 Dec 2026 14:00:00 GMT",
            ctype="application/json; charset=utf-8",
            body=body,
        )
        cpu = time.process_time()
        writer(exchange)
        if i >= 10:
            costs.append((time.process_time() - cpu) * 1000)
    print(f"Réponse de 40 événements : {len(body)} octets")
    return statistics.median(costs)


def replay_speed(root: Path, target: Path) -> tuple[float, float, int]:
    settings = Settings(csv_path=target / "m.csv", archive=False)
    store = open_store(settings)
    notes: list[Note] = []
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        summary = replay(merged([root], notes), store, settings)
    finally:
        store.close()
    elapsed, used = time.perf_counter() - wall, time.process_time() - cpu
    assert not notes, notes
    return summary.cycles / elapsed, summary.cycles / used, summary.saved


def machine_speed() -> float:
    """``python -m timeit "sum(range(10**6))"``, in ms per loop (best of 5)."""
    return min(timeit.repeat("sum(range(10**6))", number=10, repeat=5)) / 10 * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 h au lieu de 24 h")
    args = parser.parse_args()
    setup_logging(False, None)
    import logging

    logging.getLogger("oracxpred").setLevel(logging.ERROR)
    polls = 180 if args.quick else 1440
    print_machine()
    before = machine_speed()
    print(f"Référence : sum(range(10**6)) = {before:.1f} ms (avant)")
    with tempfile.TemporaryDirectory(prefix="oracxpred-archive-") as tmp:
        root = Path(tmp) / "archive"
        t0 = time.perf_counter()
        raw_alone, zst_alone, _ = record_day(root, polls)
        record_s = time.perf_counter() - t0
        found = stats([root])
        big_raw, big_grown = big_hour_compaction(root, Path(tmp), 16 if args.quick else 128)
        notes: list[Note] = []
        received = sum(len(r.body_bytes() or b"") for r in merged([root], notes))
        body_ratio = received / max(1, found.stored_bytes)
        over = overhead(Path(tmp) / "overhead", 200)
        polls_per_s, cpu_polls_per_s, saved = replay_speed(root, Path(tmp) / "replay")
        print_table(
            ["mesure", "valeur"],
            [
                ["polls enregistrés", found.feed],
                ["heures", found.hours],
                ["octets bruts (lignes JSONL, corps échappés)", found.raw_bytes],
                ["octets reçus (corps des réponses)", received],
                ["octets de l'archive", found.stored_bytes],
                ["ratio (octets bruts / archive, un flux zstd par heure)", f"{found.ratio:.1f}"],
                ["ratio (octets reçus / archive)", f"{body_ratio:.1f}"],
                ["ratio (chaque réponse seule)", f"{raw_alone / max(1, zst_alone):.1f}"],
                ["enregistrement + collecte (s)", f"{record_s:.1f}"],
                ["surcoût CPU d'un poll de 40 événements (ms, médiane)", f"{over:.3f}"],
                ["rejeu (polls/s)", f"{polls_per_s:.0f}"],
                ["rejeu (polls par seconde de CPU)", f"{cpu_polls_per_s:.0f}"],
                ["matchs reconstruits", saved],
                [
                    f"compactage d'une heure de {big_raw / 2**20:.0f} Mio (ru_maxrss en plus)",
                    f"+{big_grown / 1024:.1f} Mio",
                ],
                ["sum(range(10**6)) avant / après (ms)", f"{before:.1f} / {machine_speed():.1f}"],
            ],
        )
        print(
            result_line(
                ratio=found.ratio,
                overhead_ms=over,
                replay_polls_per_s=polls_per_s,
                body_ratio=body_ratio,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

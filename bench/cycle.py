"""CPU cost of one collection cycle (parse + track + store, no network) by feed size E and store
size M, on CSV and PostgreSQL, beside the original collector's naive algorithm.

Usage: ``python bench/cycle.py [--quick]``. For each M a store of M synthetic rows is built
once (CSV file; PostgreSQL database created then dropped). For each E a series of feed
answers, one simulated minute apart, is prepared in memory (``feedgen``); a fresh copy of the
store is opened (the one-time open cost, the CSV id index, is reported apart), a few warm-up
cycles fill the tracker, then each further cycle is timed with ``time.process_time`` (the
collector process only: PostgreSQL's own CPU is not in it) and the median is reported. The
naive algorithm (``naive.py``) runs on another copy of the same file and the same answers.
One ``Collector`` runs all the cycles of a case, as in the daemon: its tracker state stays in
memory and is reloaded only when the store's stamp changed (the breakdown prints what a
reload costs: a one-shot run pays it on each start).

The odds timeline (issue 14) is measured three ways: the same cycles with the timeline off
(``core.parse`` reads no selection, so the tracker diffs nothing and no odds row is written; the
envelope still decodes ``AE``: a small bias against the timeline), a CSV store whose
``odds.csv`` holds 10k then 1M rows (``odds_table_ratio``), and one simulated day of a 40-event
feed at one poll a minute, rows written against the full grid (every selection of every poll).

RESULT: ``m_ratio`` = median cost at the largest M / at M=10k (E=1,000, CSV); ``vs_naive`` =
naive / ours at E=1,000 and the largest M (CSV); ``e1000_ms`` the cost at E=1,000, largest M;
``timeline_ratio`` = cost with / without the timeline (E=1,000, largest M, CSV);
``odds_table_ratio`` = cost with 1M odds rows stored / with 10k (E=1,000);
``odds_rows_per_day`` and ``full_grid_per_day`` for the 40-event feed.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO, cast

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    copy_synthetic_rows,
    median,
    pg_version,
    print_machine,
    print_table,
    result_line,
    write_synthetic_csv,
)
from bench.feedgen import FeedSeries, MemoryFeed
from bench.naive import naive_cycle
from oracxpred.collector.cycle import Collector
from oracxpred.config import Settings
from oracxpred.logs import setup_logging
from oracxpred.store.factory import open_store
from tests.support.databases import pg_database

UNUSED_URL = "http://127.0.0.1:9/service-api/LiveFeed/Get1x2_VZip?sports=85&count=40"
"""The collector is given ``MemoryFeed``; this address is never contacted."""


def run_ours(settings: Settings, series: FeedSeries, warmup: int) -> dict[str, float]:
    """Open the store, run every poll of ``series``; medians of the timed cycles."""
    wall0, cpu0 = time.perf_counter(), time.process_time()
    store = open_store(settings)
    store.count_matches()  # SQL: the first real connection and migration check
    open_cpu, open_wall = time.process_time() - cpu0, time.perf_counter() - wall0
    client = MemoryFeed(series)
    collector = Collector(settings, store, client=client)  # type: ignore[arg-type]
    cpu: list[float] = []
    wall: list[float] = []
    saved = 0
    try:
        for i, t in enumerate(series.times):
            client.index = i
            excluded = client.excluded_s
            w0, c0 = time.perf_counter(), time.process_time()
            report = collector.run_cycle(now=datetime.fromtimestamp(t, UTC))
            c1, w1 = time.process_time(), time.perf_counter()
            spent = client.excluded_s - excluded
            if i >= warmup:
                cpu.append(c1 - c0 - spent)
                wall.append(w1 - w0 - spent)
                saved += len(report.saved)
    finally:
        collector.close()
        store.close()
    return {
        "cpu_ms": 1000 * median(cpu),
        "wall_ms": 1000 * median(wall),
        "open_cpu_s": open_cpu,
        "open_wall_s": open_wall,
        "saved": saved,
    }


def run_naive(path: Path, series: FeedSeries, first: int, polls: int) -> float:
    """Median CPU ms of the naive cycle on ``polls`` answers of the series."""
    cpu = []
    for i in range(first, min(first + polls, len(series.bodies))):
        c0 = time.process_time()
        naive_cycle(series.bodies[i], path)
        cpu.append(time.process_time() - c0)
    return 1000 * median(cpu)


def breakdown(series: FeedSeries) -> list[list[object]]:
    """Median CPU ms of each step of a cycle, measured apart on the series' last answer."""
    import json

    from oracxpred.core.envelope import raw_events_of
    from oracxpred.core.parse import parse_feed
    from oracxpred.core.state_codec import dumps_state, loads_state, state_from_dict, state_to_dict
    from oracxpred.core.tracker import TrackerState, observe

    def cpu_ms(func: Callable[[], object], repeat: int = 5) -> float:
        spent = []
        for _ in range(repeat):
            c0 = time.process_time()
            func()
            spent.append(time.process_time() - c0)
        return 1000 * median(spent)

    state = TrackerState()
    for body, t in zip(series.bodies[:-1], series.times, strict=False):
        state = observe(state, parse_feed(body).events, t).state
    body, now = series.bodies[-1], series.times[-1]
    events = parse_feed(body).events
    raw = state_to_dict(state)
    data = dumps_state(raw)
    copy = bytes(data)
    parts = [
        ("json.loads du flux (référence, non utilisé)", lambda: json.loads(body)),
        ("décodage du flux (msgspec, champs lus)", lambda: raw_events_of(body)),
        ("parse_feed (décodage compris)", lambda: parse_feed(body)),
        ("tracker.observe", lambda: observe(state, events, now)),
        ("TrackerState.to_dict", lambda: state_to_dict(state)),
        ("dumps_state (msgspec)", lambda: dumps_state(raw)),
        ("comparaison du tampon (état inchangé)", lambda: copy == data),
        (
            "loads_state + from_dict (état relu)",
            lambda: state_from_dict(loads_state(data)),
        ),
    ]
    rows: list[list[object]] = [[name, series.events, cpu_ms(func)] for name, func in parts]
    rows.append(
        ["(taille : flux / état, Ko)", series.events, f"{len(body) // 1024} / {len(data) // 1024}"]
    )
    return rows


class NoTimeline:
    """The cycle as before issue 14: ``core.parse`` reads the 1X2 only, no other selection."""

    def __enter__(self) -> None:
        import msgspec

        import oracxpred.core.parse as parse
        from oracxpred.core import odds
        from oracxpred.core.envelope import FAST_MARKETS
        from oracxpred.core.finish import odds_1x2

        empty = odds.Selections((), ())
        fast_odds = odds._fast_odds

        def markets_of(raw: dict[str, object], *_: object) -> tuple[odds.Selections, object]:
            markets = raw.get("E")
            if type(markets) is msgspec.Raw:
                return empty, fast_odds(FAST_MARKETS.decode(markets) or [])
            return empty, odds_1x2(markets)

        self._saved = parse.__dict__["markets_of"]
        setattr(parse, "markets_of", markets_of)  # noqa: B010 (a module global, on purpose)

    def __exit__(self, *exc: object) -> None:
        import oracxpred.core.parse as parse

        setattr(parse, "markets_of", self._saved)  # noqa: B010


def write_synthetic_odds(path: Path, rows: int, before: int) -> None:
    """``rows`` timeline rows of past events, all polls before ``before`` (unix seconds)."""
    import csv

    from oracxpred.core.records import OddsRow, Phase
    from oracxpred.store.odds_rows import ODDS_COLUMNS, row_cells

    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(ODDS_COLUMNS)
        for n in range(rows):
            at = before - 86_400 * 30 + (n // 400) * 60
            row = OddsRow(
                5_000_000 + n // 16,
                at,
                at,
                Phase.PREMATCH,
                1,
                1 + n % 3,
                None,
                1.5 + (n % 13) / 10,
                False,
                False,
                False,
            )
            writer.writerow(row_cells(row))


def odds_per_day(polls: int) -> tuple[int, int, int]:
    """Rows the timeline writes for a 40-event feed over ``polls`` minutes, the full grid
    (selections of every poll), and the polls run (parse + track only)."""
    from oracxpred.core.parse import parse_feed
    from oracxpred.core.tracker import TrackerState, confirm_saved, observe

    series = FeedSeries(40, polls)
    state = TrackerState()
    rows = grid = 0
    for body, t in zip(series.bodies, series.times, strict=True):
        events = parse_feed(body).events
        grid += sum(len(e.prices) for e in events)
        observation = observe(state, events, t)
        rows += len(observation.odds_rows)
        state = confirm_saved(observation.state, [m.event_id for m in observation.to_save], t)
    return rows, grid, polls


def reset_pg(url: str, rows: int) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("DELETE FROM matches WHERE event_id > %s", (rows,))
        conn.execute("DELETE FROM tracking_state")
        conn.execute("DELETE FROM heartbeats")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="petite série (moins d'une minute)")
    parser.add_argument("--no-pg", action="store_true", help="sans PostgreSQL")
    args = parser.parse_args()
    sizes_e: tuple[int, ...]
    sizes_m: tuple[int, ...]
    plan: dict[int, tuple[int, int]]
    if args.quick:
        sizes_e, sizes_m, naive_polls = (40, 1000), (10_000, 50_000), 1
        plan = {40: (2, 4), 1000: (2, 4)}
        odds_sizes, day_polls = (10_000, 200_000), 180
    else:
        sizes_e, sizes_m, naive_polls = (40, 1000, 10_000), (10_000, 100_000, 1_000_000), 2
        plan = {40: (3, 10), 1000: (3, 10), 10_000: (2, 5)}  # (warm-up, timed) cycles
        odds_sizes, day_polls = (10_000, 1_000_000), 1440
    backends = ["csv"] if args.no_pg or pg_version() is None else ["csv", "postgresql"]
    setup_logging(stream=cast(TextIO, _Null()))  # the real log lines are formatted, then dropped
    print_machine()
    cycles = ", ".join(f"E={e} : {w} de chauffe + {n} mesurés" for e, (w, n) in plan.items())
    print(f"Cycles (médiane des mesurés) : {cycles} ; naïf : {naive_polls} par cas")
    series = {}
    for e in sizes_e:
        t0 = time.perf_counter()
        series[e] = FeedSeries(e, sum(plan[e]))
        print(
            f"Flux E={e} : {series[e].listed[0]} événements, {series[e].mean_bytes:,} octets, "
            f"préparé en {time.perf_counter() - t0:.1f} s"
        )
    results: dict[tuple[str, int, int], dict[str, float]] = {}
    naive: dict[tuple[int, int], float] = {}
    with tempfile.TemporaryDirectory(prefix="oracxpred-bench-") as tmp:
        root = Path(tmp)
        for m in sizes_m:
            base = root / f"base-{m}.csv"
            t0 = time.perf_counter()
            write_synthetic_csv(base, m)
            print(f"CSV de {m:,} lignes écrit en {time.perf_counter() - t0:.1f} s")
            for e in sizes_e:
                work = root / f"csv-{m}-{e}"
                work.mkdir()
                shutil.copyfile(base, work / "matches.csv")
                settings = Settings(feed_url=UNUSED_URL, csv_path=work / "matches.csv")
                results["csv", m, e] = run_ours(settings, series[e], plan[e][0])
                shutil.rmtree(work)
                if e == 1000 and m == max(sizes_m):
                    work.mkdir()
                    shutil.copyfile(base, work / "matches.csv")
                    with NoTimeline():
                        results["csv-sans-cotes", m, e] = run_ours(settings, series[e], plan[e][0])
                    shutil.rmtree(work)
                if e == 1000 and m == min(sizes_m):
                    for odds_rows in odds_sizes:
                        work.mkdir()
                        shutil.copyfile(base, work / "matches.csv")
                        write_synthetic_odds(work / "odds.csv", odds_rows, series[e].times[0])
                        results[f"csv+{odds_rows:,} cotes", m, e] = run_ours(
                            settings, series[e], plan[e][0]
                        )
                        shutil.rmtree(work)
                if e * m <= 1_000 * 1_000_000:  # the naive cost is O(E x M): bounded here
                    copy = root / "naive.csv"
                    shutil.copyfile(base, copy)
                    naive[m, e] = run_naive(copy, series[e], plan[e][0], naive_polls)
                    copy.unlink()
            base.unlink()
            if "postgresql" in backends:
                with pg_database() as url:
                    t0 = time.perf_counter()
                    open_store(Settings(database_url=url, csv_path=root / "x.csv")).close()
                    copy_synthetic_rows(url, m)
                    print(f"PostgreSQL : {m:,} lignes chargées en {time.perf_counter() - t0:.1f} s")
                    for e in sizes_e:
                        reset_pg(url, m)
                        spool = root / f"pg-{m}-{e}" / "matches.csv"
                        settings = Settings(feed_url=UNUSED_URL, database_url=url, csv_path=spool)
                        results["postgresql", m, e] = run_ours(settings, series[e], plan[e][0])
    rows = []
    for (backend, m, e), r in sorted(results.items()):
        n = naive.get((m, e)) if backend == "csv" else None
        rows.append(
            [
                backend,
                m,
                e,
                r["cpu_ms"],
                r["wall_ms"],
                r["open_cpu_s"],
                n if n is not None else "—",
                n / r["cpu_ms"] if n is not None and r["cpu_ms"] > 0 else "—",
            ]
        )
    print()
    headers = ["stockage", "M lignes", "E évén.", "CPU ms/cycle", "mur ms/cycle"]
    headers += ["ouverture CPU s", "naïf CPU ms", "naïf/nous"]
    print_table(headers, rows)
    print()
    print("Détail d'un cycle (CPU ms, médiane, mesuré à part sur la dernière réponse) :")
    print_table(["étape", "E", "CPU ms"], [r for e in (40, 1000) for r in breakdown(series[e])])
    top = max(sizes_m)
    ours = results["csv", top, 1000]["cpu_ms"]
    m_ratio = ours / results["csv", 10_000, 1000]["cpu_ms"]
    vs_naive = naive[top, 1000] / ours
    timeline_ratio = ours / results["csv-sans-cotes", top, 1000]["cpu_ms"]
    small, big = (results[f"csv+{n:,} cotes", min(sizes_m), 1000]["cpu_ms"] for n in odds_sizes)
    rows_day, grid_day, polls_day = odds_per_day(day_polls)
    scale = 1440 / polls_day
    print()
    print(
        f"Historique des cotes, flux de 40 événements, {polls_day} polls d'une minute : "
        f"{rows_day:,} lignes écrites pour {grid_day:,} sélections observées "
        f"({100 * rows_day / max(1, grid_day):.1f} % de la grille complète)"
    )
    print(
        result_line(
            m_ratio=m_ratio,
            vs_naive=vs_naive,
            e1000_ms=ours,
            largest_m=top,
            timeline_ratio=timeline_ratio,
            odds_table_ratio=big / small,
            odds_table_rows=max(odds_sizes),
            odds_rows_per_day=round(rows_day * scale),
            full_grid_per_day=round(grid_day * scale),
        )
    )
    return 0


class _Null(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


if __name__ == "__main__":
    sys.exit(main())

"""Completeness against the simulator's truth: nothing lost, altered or duplicated.

Usage: ``python bench/completeness.py [--quick] [--hours H]`` (default 3 simulated hours at
one poll per simulated minute, manual clock). Modes:

* ``en processus`` — ``Collector.run_cycle`` in this process (CSV, and PostgreSQL when present);
* ``one-shot`` — one real ``collector_service.py`` process per poll (the cron way);
* ``pannes 10 %`` — in process, every simulator fault mode in turn (seeded order, a new mode
  every 6 polls, target the feed or feed + results service alternately), each request failing
  with probability 0.1; several seeds, plus one run with one-shot processes (full run only).

After the window, polls continue every 5 simulated minutes with faults off until every
required match is stored (at most 30): matches that left the feed unseen are resolved by the
results service, possibly after a back-off. Required = finished by the last poll of the window.

RESULT: ``stored_pct``, ``scores_ok_pct``, ``odds_exact_pct`` (worst mode), ``duplicates`` and
``phantoms`` (all modes), ``matches`` (required matches, all modes).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import pg_version, print_machine, print_table, result_line
from oracxpred.config import Settings
from oracxpred.logs import setup_logging
from oracxpred.simulator.server import start_simulator
from tests.support.databases import pg_database
from tests.support.drive import (
    FAULT_BACKOFF_S,
    FAULT_ENV,
    FAULT_RETRIES,
    FAULT_TIMEOUT_S,
    InProcess,
    OneShot,
    run,
)
from tests.support.verify import Check


@contextmanager
def quiet_logs() -> Iterator[None]:
    """In-process cycles log like the daemon; the lines are formatted, then dropped."""
    with open("/dev/null", "w", encoding="utf-8") as null:
        setup_logging(stream=null)
        yield


def one_mode(
    label: str, polls: int, *, seed: int, oneshot: bool, fault_rate: float, postgres: bool
) -> list[object]:
    with (
        start_simulator(seed=seed) as sim,
        tempfile.TemporaryDirectory(prefix="oracxpred-complete-") as tmp,
        pg_database("oracxpred_complete") if postgres else nullcontext() as url,
    ):
        settings = Settings(
            feed_url=sim.feed_url,
            csv_path=Path(tmp) / "matches.csv",
            database_url=url,
            timeout_s=FAULT_TIMEOUT_S if fault_rate else 10.0,
            retries=FAULT_RETRIES if fault_rate else 3,
            backoff_s=FAULT_BACKOFF_S,
        )
        started = time.perf_counter()
        poller = OneShot(settings, FAULT_ENV if fault_rate else None) if oneshot else None
        inproc = InProcess(settings) if poller is None else None
        try:
            stats, check = run(
                sim,
                settings,
                poller or inproc,  # type: ignore[arg-type]
                polls=polls,
                fault_rate=fault_rate,
                fault_seed=seed,
            )
        finally:
            if inproc is not None:
                inproc.close()
        elapsed = time.perf_counter() - started
    if poller is not None and poller.bad_exits:
        print(f"{label} : sorties anormales {poller.bad_exits[:2]}")
    if not check.perfect:
        print(f"{label} : {check.summary()}")
    if stats.errors:
        shown = "; ".join(f"{n} × {e}" for e, n in stats.errors.most_common(6))
        print(f"{label} : échecs de poll : {shown}")
    return [
        label,
        stats.polls - stats.drain_polls,
        stats.failed,
        stats.drain_polls,
        check.expected,
        check.pct(check.stored_ok),
        check.pct(check.scores_ok),
        check.duplicates,
        check.phantoms,
        check.pct(check.closing_ok),
        check.pct(check.opening_ok),
        elapsed,
        check,
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="1 h simulée, 30 one-shot : moins d'une minute"
    )
    parser.add_argument("--hours", type=float, default=3.0, help="heures simulées (défaut 3)")
    parser.add_argument("--no-pg", action="store_true", help="sans PostgreSQL")
    args = parser.parse_args()
    hours = 1.0 if args.quick else args.hours
    polls = round(hours * 60)
    pg = not args.no_pg and pg_version() is not None
    plan: list[tuple[str, dict[str, object]]] = [
        ("en processus, CSV", {"seed": 1, "oneshot": False, "fault_rate": 0.0}),
    ]
    if pg:
        plan.append(("en processus, PostgreSQL", {"seed": 2, "oneshot": False, "fault_rate": 0.0}))
    plan.append(("one-shot, CSV", {"seed": 3, "oneshot": True, "fault_rate": 0.0}))
    seeds = (4,) if args.quick else (4, 5, 6)
    for seed in seeds:
        plan.append(
            (f"pannes 10 %, graine {seed}", {"seed": seed, "oneshot": False, "fault_rate": 0.1})
        )
    if not args.quick:
        plan.append(("pannes 10 %, one-shot", {"seed": 7, "oneshot": True, "fault_rate": 0.1}))
    print_machine()
    print(f"{hours:g} h simulées, un poll par minute simulée ({polls} polls par mode)")
    rows = []
    with quiet_logs():
        for label, options in plan:
            n = polls if not (args.quick and options["oneshot"]) else min(polls, 30)
            postgres = "PostgreSQL" in label
            rows.append(one_mode(label, n, postgres=postgres, **options))  # type: ignore[arg-type]
    print()
    headers = ["mode", "polls", "échoués", "rattrapage", "matchs", "stockés %", "scores %"]
    headers += ["doublons", "fantômes", "clôture %", "ouverture %", "durée s"]
    print_table(headers, [row[:-1] for row in rows])
    checks: list[Check] = [row[-1] for row in rows]  # type: ignore[misc]
    print(
        result_line(
            stored_pct=min(c.pct(c.stored_ok) for c in checks),
            scores_ok_pct=min(c.pct(c.scores_ok) for c in checks),
            odds_exact_pct=min(c.pct(c.closing_ok) for c in checks),
            duplicates=sum(c.duplicates for c in checks),
            phantoms=sum(c.phantoms for c in checks),
            matches=sum(c.expected for c in checks),
        )
    )
    return 0 if all(c.perfect for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Drive the collector against the simulator's manual clock, one poll per simulated step.

Three ways to poll, one loop: in-process ``Collector`` cycles, or one real
``collector_service.py`` process per poll (the cron way); optionally with faults injected at a
rate, the mode changing every few polls in a seeded order. After the measured window a drain
follows with faults off (pending matches resolve through the results service); only matches
finished by the end of the window are required, then ``verify.compare`` judges the store.
Used by ``bench/completeness.py`` and ``tests/faults``.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from oracxpred.config import Settings
from oracxpred.errors import CollectorError
from tests.support import REPO
from tests.support.verify import Check, compare, csv_matches, sql_matches

FAST_FAULTS: dict[str, float] = {
    "delay": 1.0,  # timeout: held 1 s, the client gives up after FAULT_TIMEOUT_S
    "retry_after": 0.2,  # 429
    "chunk": 8192.0,  # slow_body: 8 KiB every 20 ms, well within the total deadline
    "interval": 0.02,
    "size_mb": 50.0,  # huge: a 50 MB body (the client stops reading at its 20 MiB cap)
}
"""Fault parameters that keep a run short while still exercising each failure."""

FAULT_TIMEOUT_S = 0.5
FAULT_RETRIES = 2
FAULT_BACKOFF_S = 0.05
FAULT_ENV = {
    "ORACXPRED_TIMEOUT": str(FAULT_TIMEOUT_S),
    "ORACXPRED_RETRIES": str(FAULT_RETRIES),
}


class Sim(Protocol):
    feed_url: str

    def now(self) -> int: ...
    def advance(self, seconds: float) -> int: ...
    def truth(self, *, include_all: bool = False) -> list[dict[str, Any]]: ...
    def set_faults(self, mode: str = "none", **options: Any) -> dict[str, Any]: ...


@dataclass
class RunStats:
    polls: int = 0
    failed: int = 0
    until: int = 0  # simulated time of the last poll of the measured window
    drain_polls: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    modes: list[str] = field(default_factory=list)


def fault_modes(seed: int) -> list[str]:
    """Every simulator fault mode, in a seeded order."""
    from oracxpred.simulator.faults import MODES

    modes = list(MODES)
    random.Random(seed).shuffle(modes)
    return modes


class InProcess:
    """``Collector.run_cycle`` in this process, on the store ``open_store`` gives."""

    def __init__(self, settings: Settings) -> None:
        from oracxpred.collector.cycle import Collector
        from oracxpred.store.factory import open_store

        self.store = open_store(settings)
        self.collector = Collector(settings, self.store)

    def poll(self, stats: RunStats) -> None:
        stats.polls += 1
        try:
            self.collector.run_cycle()
        except CollectorError as exc:
            stats.failed += 1
            stats.errors[str(exc)[:90]] += 1

    def close(self) -> None:
        self.collector.close()
        self.store.close()


class OneShot:
    """One ``python collector_service.py`` process per poll; its exit code must be 0 or 1."""

    def __init__(self, settings: Settings, env: dict[str, str] | None = None) -> None:
        self.args = ["--feed-url", settings.feed_url, "--csv-path", str(settings.csv_path)]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ORACXPRED_")}
        self.env.pop("DATABASE_URL", None)
        self.env.update(env or {})
        if settings.database_url:
            self.env["DATABASE_URL"] = settings.database_url
        self.bad_exits: list[tuple[int, str]] = []

    def poll(self, stats: RunStats) -> None:
        stats.polls += 1
        done = subprocess.run(
            [sys.executable, str(REPO / "collector_service.py"), *self.args],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=REPO,
            timeout=120,
            check=False,
        )
        if done.returncode == 1:
            stats.failed += 1
            failure = [line for line in done.stdout.splitlines() if "[ERROR]" in line]
            reason = failure[-1].split("] ", 3)[-1] if failure else "?"
            stats.errors[reason.removeprefix("Échec de la collecte : ")[:90]] += 1
        elif done.returncode != 0 or "Traceback" in done.stdout + done.stderr:
            self.bad_exits.append((done.returncode, done.stdout[-2000:] + done.stderr[-2000:]))

    def close(self) -> None:
        """Nothing stays open between processes."""


def stored_check(sim: Sim, settings: Settings, until: int) -> Check:
    if settings.database_url:
        return compare(
            sim.truth(include_all=True),
            sql_matches(settings.database_url),
            until=until,
            now=sim.now(),
        )
    rows, bad = csv_matches(Path(settings.csv_path))
    truth = sim.truth(include_all=True)
    return compare(truth, rows, until=until, now=sim.now(), unreadable=bad)


def run(
    sim: Sim,
    settings: Settings,
    poller: InProcess | OneShot,
    *,
    polls: int,
    step_s: int = 60,
    fault_rate: float = 0.0,
    fault_seed: int = 1,
    segment: int = 6,
    drain_step_s: int = 300,
    max_drain: int = 30,
) -> tuple[RunStats, Check]:
    """``polls`` polls ``step_s`` apart (faults at ``fault_rate``, mode changed every
    ``segment`` polls, target feed or feed+results alternately), then the drain."""
    stats = RunStats()
    modes = fault_modes(fault_seed)
    for i in range(polls):
        if fault_rate and i % segment == 0:
            k = i // segment
            mode = modes[k % len(modes)]
            target = "all" if k % 2 else "feed"
            sim.set_faults(mode, rate=fault_rate, seed=fault_seed + k, target=target, **FAST_FAULTS)
            stats.modes.append(f"{mode}/{target}")
        poller.poll(stats)
        stats.until = sim.now()
        if i < polls - 1:
            sim.advance(step_s)
    if fault_rate:
        sim.set_faults("none")
    check = stored_check(sim, settings, stats.until)
    while check.stored_ok < check.expected and stats.drain_polls < max_drain:
        sim.advance(drain_step_s)
        poller.poll(stats)
        stats.drain_polls += 1
        check = stored_check(sim, settings, stats.until)
    return stats, check

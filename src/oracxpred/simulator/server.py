"""Start and stop the feed simulator in-process: the Python API of tests and benchmarks.

``start_simulator()`` binds 127.0.0.1 (port 0 = any free port), serves from a background thread
and returns a ``SimulatorHandle`` (also a context manager). ``stop()`` wakes every handler (held
timeouts, idle keep-alive connections) and joins every thread, so pytest sees no warnings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from oracxpred import defaults
from oracxpred.simulator.app import Simulator
from oracxpred.simulator.catalog import LeagueSpec
from oracxpred.simulator.clock import SimClock
from oracxpred.simulator.faults import parse_plan
from oracxpred.simulator.handler import (
    CHAMPS_PATH,
    FEED_PATH,
    RESULTS_PATH,
    ServedHandle,
    SimulatorServer,
)
from oracxpred.simulator.league import DEFAULT_START_EPOCH, LeagueModel

FEED_QUERY = urlsplit(defaults.DEFAULT_FEED_URL).query
"""The reference app's query string."""


class SimulatorHandle(ServedHandle):
    """A running simulator: addresses, clock, ground truth, faults, and ``stop()``."""

    def __init__(self, server: SimulatorServer, sim: Simulator) -> None:
        super().__init__(server, "feed-sim")
        self.sim = sim
        self.feed_url = f"{self.url}{FEED_PATH}?{FEED_QUERY}"
        self.results_url = f"{self.url}{RESULTS_PATH}"
        self.champs_url = f"{self.url}{CHAMPS_PATH}"

    def now(self) -> int:
        """Simulated unix time, whole seconds (the ``Date`` header and ``U`` of the feed)."""
        return self.sim.now()

    def advance(self, seconds: float) -> int:
        """Move the simulated clock forward; returns the new time."""
        self.sim.clock.advance(seconds)
        return self.sim.now()

    def set_time(self, epoch: float) -> int:
        """Jump to ``epoch`` (never backwards); returns the new time."""
        self.sim.clock.set(epoch)
        return self.sim.now()

    def truth(self, *, include_all: bool = False) -> list[dict[str, Any]]:
        """Every match finished by now (or every match created so far), see ``Match.truth``."""
        return self.sim.truth(include_all=include_all)

    def snapshot(self) -> list[dict[str, Any]]:
        """The raw events the feed lists right now (no filter, no fault)."""
        return self.sim.events(self.sim.now())

    def set_faults(self, mode: str = "none", **options: Any) -> dict[str, Any]:
        """Same as ``POST /__faults__``: ``set_faults("503", count=2)``, ``rate=0.1, seed=1``…"""
        parse_plan({"mode": mode, **options})  # raise here, in the caller's thread
        return self.sim.faults.configure({"mode": mode, **options})

    def faults(self) -> dict[str, Any]:
        """Same as ``GET /__faults__``: the plan and the counters."""
        return self.sim.faults.describe()


def start_simulator(
    *,
    port: int = 0,
    host: str = "127.0.0.1",
    seed: int = 1,
    speed: float | None = None,
    manual_clock: bool = True,
    start_epoch: int = DEFAULT_START_EPOCH,
    leagues: Sequence[LeagueSpec | int] | None = None,
    unpublished_rate: float = 0.0,
    scoreless_rate: float = 0.03,
    results_delay_s: int = 0,
    history_days: int = 0,
) -> SimulatorHandle:
    """Serve a seeded virtual league until ``stop()``.

    Clock: manual unless ``speed`` is given (sim seconds per wall second); ``manual_clock=False``
    without ``speed`` means 60. ``unpublished_rate`` is the share of matches the results service
    never lists; ``results_delay_s`` how long after the finish they appear there.
    ``history_days``: matches were already played for that many days before ``start_epoch``
    (the results service lists them; the feed shows only what is live at the clock's time).
    """
    if history_days < 0:
        raise ValueError("history_days doit être positif ou nul")
    if not 0.0 <= unpublished_rate <= 1.0:
        raise ValueError("unpublished_rate doit être entre 0 et 1")
    if speed is None and not manual_clock:
        speed = 60.0
    model = LeagueModel(
        seed=seed,
        start_epoch=start_epoch - history_days * 86400,
        leagues=leagues,
        unpublished_rate=unpublished_rate,
        scoreless_rate=scoreless_rate,
        results_delay_s=results_delay_s,
    )
    sim = Simulator(model, SimClock(start_epoch, speed))
    return SimulatorHandle(SimulatorServer((host, port), sim), sim)

"""Feeds of E events in the simulator's shape, prepared in memory, and a client that serves them.

The simulator plays two or three leagues (≈ 36 listed events). To reach E events, the league
catalog is cloned into as many leagues as needed (new ``LI``, names suffixed, kick-off slots
spread over the 10 minutes), and ``LeagueModel.snapshot`` builds every event with the
simulator's own payload code: same fields, prices and lifecycle as the HTTP simulator.

``MemoryFeed`` stands in for the HTTP client of ``collect.Collector`` so that a benchmark
measures parse + track + store without the network. Its own CPU time (building results
answers from the model) is accumulated in ``excluded_s`` and subtracted by the caller.
"""

from __future__ import annotations

import dataclasses
import time

from oracxpred.feed.client import FeedResponse
from oracxpred.simulator import payload
from oracxpred.simulator.app import dumps
from oracxpred.simulator.catalog import CATALOG, LeagueSpec
from oracxpred.simulator.league import DEFAULT_START_EPOCH, LeagueModel

EVENTS_PER_LEAGUE = 8
"""Events one league lists at least at any time (≈ 8 announced slots, the one in play, and
for a few seconds the finished one); the last league of a feed is cut to reach E exactly."""

WARMUP_S = 5400
"""Feed time before the first prepared poll: every listed match has been announced since."""


def scaled_leagues(count: int) -> tuple[LeagueSpec, ...]:
    """``count`` leagues: the catalog's, then clones with their own ids and kick-off slots."""
    base = list(CATALOG.values())
    leagues = []
    for i in range(count):
        spec = base[i % len(base)]
        if i >= len(base):
            spec = dataclasses.replace(
                spec,
                league_id=9_000_000 + i,
                name=f"{spec.name} ({i})",
                name_en=f"{spec.name_en} ({i})",
                phase_s=(37 * i) % spec.interval_s,
            )
        leagues.append(spec)
    return tuple(leagues)


class FeedSeries:
    """``polls`` feed bodies of ``events`` events each, ``step_s`` apart, plus the model."""

    def __init__(self, events: int, polls: int, *, step_s: int = 60, seed: int = 7) -> None:
        self.events = events
        leagues = max(1, -(-events // EVENTS_PER_LEAGUE) + 1)
        self.model = LeagueModel(seed=seed, leagues=scaled_leagues(leagues))
        self.times = [DEFAULT_START_EPOCH + WARMUP_S + i * step_s for i in range(polls)]
        self.bodies: list[bytes] = []
        self.listed: list[int] = []
        for t in self.times:
            snapshot = self.model.snapshot(t)[:events]
            self.listed.append(len(snapshot))
            self.bodies.append(dumps(payload.envelope(snapshot)))

    @property
    def mean_bytes(self) -> int:
        return sum(len(b) for b in self.bodies) // max(1, len(self.bodies))


class MemoryFeed:
    """Duck-typed ``FeedClient``: poll ``i`` answers ``series.bodies[i]`` at ``series.times[i]``."""

    feed_url = "http://127.0.0.1:9/service-api/LiveFeed/Get1x2_VZip?sports=85&count=40"
    """Never contacted: the cycle only reads its host (heartbeat, mirrors)."""

    def __init__(self, series: FeedSeries) -> None:
        self.series = series
        self.index = 0
        self.excluded_s = 0.0  # CPU spent here, not in the collector

    def fetch_feed(self) -> FeedResponse:
        return FeedResponse(self.series.bodies[self.index], self.series.times[self.index])

    def fetch_results(self, league_id: int, date_from: int, date_to: int) -> bytes:
        started = time.process_time()
        now = self.series.times[self.index]
        items = self.series.model.results(league_id, date_from, date_to, now)
        value: dict[str, object] = {"count": len(items)}
        if items:
            value["items"] = items
        body = dumps(value)
        self.excluded_s += time.process_time() - started
        return body

    def close(self) -> None:
        """Nothing to release."""

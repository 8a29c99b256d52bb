"""The virtual league model: schedule, random match lives, feed snapshots and ground truth.

PURE: no I/O and no wall clock; time is always an argument. Randomness comes from one seeded
``random.Random`` consumed in a fixed order (matches are created in order of ``S``, then league),
so the same seed and configuration give the same matches whatever the times asked for.

Time should not go back by more than ``keep_s``: matches are dropped from the live model
``keep_s`` after they vanished; their truth (small) is kept for ever.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Iterable, Sequence
from typing import Any

from oracxpred.simulator import payload
from oracxpred.simulator.catalog import CATALOG, DEFAULT_LEAGUES, LeagueSpec
from oracxpred.simulator.match import Goal, Match, OddsStep, Phase

DEFAULT_START_EPOCH = 1_780_590_000
"""2026-06-04 16:20 UTC, near the real captures; fixed so that runs are reproducible."""

ANNOUNCE_LEAD = (4500, 4800)
"""A match is listed 75–80 min before ``S`` ("Début dans 76 minutes" was seen, docs/feed.md §6)."""

FINISHED_VISIBLE = (15, 70)
"""Seconds the finished state stays before the event vanishes (MK 15–20 s / 55–70 s,
docs/feed.md §6)."""

ODDS_QUIET_S = 60
"""No price move in the first and last minute of pre-match, so a poller at ≤ 60 s intervals
sees the true opening and closing prices."""

KEEP_S = 2 * 86400


class LeagueModel:
    """Creates matches lazily as time advances; answers feed, results and truth views."""

    def __init__(
        self,
        *,
        seed: int = 1,
        start_epoch: int = DEFAULT_START_EPOCH,
        leagues: Sequence[LeagueSpec | int] | None = None,
        unpublished_rate: float = 0.0,
        scoreless_rate: float = 0.03,
        results_delay_s: int = 0,
        keep_s: int = KEEP_S,
    ) -> None:
        self.start_epoch = int(start_epoch)
        self.leagues = resolve_leagues(leagues)
        self.unpublished_rate = unpublished_rate
        # 0-0 is near impossible in 5x5 Rush (≈ 7.5 goals): forced at this rate so that the
        # ``FS:{}`` finished case is exercised (docs/feed.md §4).
        self.scoreless_rate = scoreless_rate
        self.results_delay_s = results_delay_s
        self.keep_s = keep_s
        self._rng = random.Random(seed)
        self._strength = {
            (spec.league_id, team.team_id): self._rng.uniform(0.8, 1.25)
            for spec in self.leagues
            for team in spec.teams
        }
        self._teams = {t.team_id: t for spec in self.leagues for t in spec.teams}
        self._next_start = [_first_start(spec, self.start_epoch) for spec in self.leagues]
        self._last_id = 726_000_000 + self._rng.randrange(1_000_000)
        self._video = 52_600_000 + self._rng.randrange(100_000)
        self._active: list[Match] = []  # sorted by S (creation order)
        self._active_starts: list[int] = []
        # No match is visible longer than this after its S: bounds the scan of a snapshot.
        self._max_visible_s = FINISHED_VISIBLE[1] + max(
            max(s.finish_after[1], s.kickoff_delay[1] + s.game_seconds + 10) for s in self.leagues
        )
        self._truth: list[dict[str, Any]] = []  # every match ever created, by S
        self._truth_starts: list[int] = []
        self._latest = float(self.start_epoch)

    # -- creation ---------------------------------------------------------------------------

    def advance_to(self, now: float) -> None:
        """Create every match announced by ``now`` and drop long-gone ones."""
        self._latest = max(self._latest, now)
        horizon = now + ANNOUNCE_LEAD[1]
        while True:
            index = min(range(len(self.leagues)), key=lambda i: (self._next_start[i], i))
            start = self._next_start[index]
            if start > horizon:
                break
            self._create(self.leagues[index], start)
            self._next_start[index] = start + self.leagues[index].interval_s
        cutoff = self._latest - self.keep_s
        drop = 0
        while drop < len(self._active) and self._active[drop].vanish_at < cutoff:
            drop += 1
        if drop:
            del self._active[:drop], self._active_starts[:drop]

    def _create(self, spec: LeagueSpec, start: int) -> None:
        rng = self._rng
        self._last_id += rng.randint(400, 4000)
        self._video += rng.randint(20, 200)
        home, away = rng.sample(spec.teams, 2)
        s1 = self._strength[(spec.league_id, home.team_id)]
        s2 = self._strength[(spec.league_id, away.team_id)]
        lam1 = spec.goals_mean * s1 / (s1 + s2)
        lam2 = spec.goals_mean - lam1
        announced = max(self.start_epoch, start - rng.randint(*ANNOUNCE_LEAD))
        kickoff = start + rng.randint(*spec.kickoff_delay)
        finished = max(kickoff + spec.game_seconds + 10, start + rng.randint(*spec.finish_after))
        match = Match(
            event_id=self._last_id,
            league=spec,
            home=home,
            away=away,
            number=rng.randint(150_000, 230_000),
            video=f"xgame7_{self._video}",
            start=start,
            announced_at=announced,
            kickoff_at=kickoff,
            finished_at=finished,
            vanish_at=finished + rng.randint(*FINISHED_VISIBLE),
            lam1=lam1,
            lam2=lam2,
            goals=self._goals(rng, spec, lam1, lam2),
            steps=_odds_steps(rng, announced, start, lam1, lam2),
            keeps_markets=rng.random() < 0.125,
            published=rng.random() >= self.unpublished_rate,
            market_count=rng.randint(96, 140),
        )
        self._active.append(match)
        self._active_starts.append(start)
        self._truth.append(match.truth())
        self._truth_starts.append(start)

    def _goals(
        self, rng: random.Random, spec: LeagueSpec, lam1: float, lam2: float
    ) -> tuple[Goal, ...]:
        if rng.random() < self.scoreless_rate:
            return ()
        count1, count2 = _poisson(rng, lam1), _poisson(rng, lam2)
        goals = [Goal(rng.randint(1, spec.game_seconds - 1), True) for _ in range(count1)]
        goals += [Goal(rng.randint(1, spec.game_seconds - 1), False) for _ in range(count2)]
        return tuple(sorted(goals, key=lambda g: g.at))

    @property
    def live_size(self) -> int:
        """Matches still held in the live model (bounded; truth is kept apart)."""
        return len(self._active)

    # -- views ------------------------------------------------------------------------------

    def matches(self, now: float) -> list[Match]:
        """Matches of the live model that the feed shows at ``now``."""
        self.advance_to(now)
        lo = bisect.bisect_left(self._active_starts, now - self._max_visible_s)
        return [m for m in self._active[lo:] if m.phase(now) in _VISIBLE]

    def snapshot(self, now: float) -> list[dict[str, Any]]:
        """Raw ``Get1x2_VZip`` events visible at ``now``: per league, in play first."""
        t = math.floor(now)
        visible = self.matches(t)
        order = {spec.league_id: i for i, spec in enumerate(self.leagues)}
        visible.sort(
            key=lambda m: (order[m.league.league_id], m.phase(t) is Phase.PREMATCH, m.start)
        )
        return [payload.event(m, t) for m in visible]

    def truth(self, now: float, *, include_all: bool = False) -> list[dict[str, Any]]:
        """Ground truth: matches finished by ``now`` (or every match created so far)."""
        self.advance_to(now)
        if include_all:
            return [dict(t) for t in self._truth]
        return [dict(t) for t in self._truth if t["finished_at"] <= now]

    def results(
        self, league_id: int | None, date_from: int, date_to: int, now: float
    ) -> list[dict[str, Any]]:
        """The results service: published matches finished by ``now`` with S in the window."""
        self.advance_to(now)
        lo = bisect.bisect_left(self._truth_starts, date_from)
        hi = bisect.bisect_right(self._truth_starts, date_to)
        items = [
            payload.result_item(t, self._spec(t["league_id"]), self._teams)
            for t in self._truth[lo:hi]
            if t["published"]
            and t["finished_at"] + self.results_delay_s <= now
            and (league_id is None or t["league_id"] == league_id)
        ]
        items.sort(key=lambda item: (item["dateStart"], item["id"]), reverse=True)
        return items

    def champs(self, date_from: int, date_to: int, now: float) -> list[dict[str, Any]]:
        """``v2/champs``: each league with published results whose S is in the window."""
        self.advance_to(now)
        lo = bisect.bisect_left(self._truth_starts, date_from)
        hi = bisect.bisect_right(self._truth_starts, date_to)
        counts: dict[int, int] = {}
        for t in self._truth[lo:hi]:
            if t["published"] and t["finished_at"] + self.results_delay_s <= now:
                counts[t["league_id"]] = counts.get(t["league_id"], 0) + 1
        return [
            payload.champ_item(spec, counts[spec.league_id])
            for spec in self.leagues
            if spec.league_id in counts
        ]

    def _spec(self, league_id: int) -> LeagueSpec:
        return next(s for s in self.leagues if s.league_id == league_id)


_VISIBLE = frozenset({Phase.PREMATCH, Phase.LIVE, Phase.FINISHED})


def resolve_leagues(leagues: Iterable[LeagueSpec | int] | None) -> tuple[LeagueSpec, ...]:
    """League specs from specs or catalog ids (``None``: the default pair)."""
    if leagues is None:
        return DEFAULT_LEAGUES
    out: list[LeagueSpec] = []
    for item in leagues:
        if isinstance(item, LeagueSpec):
            out.append(item)
        elif item in CATALOG:
            out.append(CATALOG[item])
        else:
            known = ", ".join(str(k) for k in CATALOG)
            raise ValueError(f"ligue inconnue : {item} (connues : {known})")
    if not out or len({s.league_id for s in out}) != len(out):
        raise ValueError("il faut au moins une ligue, sans doublon")
    return tuple(out)


def _first_start(spec: LeagueSpec, start_epoch: int) -> int:
    """First slot strictly after the simulation start: nothing happened before it."""
    base = start_epoch - (start_epoch - spec.phase_s) % spec.interval_s
    return base + spec.interval_s if base <= start_epoch else base


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method: fine for the small means of virtual football.
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _odds_steps(
    rng: random.Random, announced: int, start: int, lam1: float, lam2: float
) -> tuple[OddsStep, ...]:
    """Opening model with noise, then 0–5 small moves strictly inside the pre-match window."""
    drift = rng.gauss(0.0, 0.05)
    total = lam1 + lam2
    share = lam1 / total
    steps = [OddsStep(announced, *_split(total, share, drift))]
    lo, hi = announced + ODDS_QUIET_S, start - ODDS_QUIET_S
    moves = rng.choice((0, 1, 2, 3, 3, 4, 4, 5, 5, 5)) if hi > lo else 0
    for at in sorted(rng.randint(lo, hi) for _ in range(moves)):
        drift += rng.gauss(0.0, 0.025)
        total *= math.exp(rng.gauss(0.0, 0.01))
        steps.append(OddsStep(at, *_split(total, share, drift)))
    return tuple(steps)


def _split(total: float, share: float, drift: float) -> tuple[float, float]:
    logit = math.log(share / (1 - share)) + drift
    home = total / (1 + math.exp(-logit))
    return home, total - home

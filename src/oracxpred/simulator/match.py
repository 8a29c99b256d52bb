"""One simulated match: its whole life decided at creation, then read at any instant. No I/O.

Every random draw happens when the match is created (``league.LeagueModel``), so what the feed
shows at time ``t`` is a pure function of the match and ``t``; ``truth()`` is what really happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from oracxpred.simulator.catalog import LeagueSpec, Team
from oracxpred.simulator.pricing import prices_1x2

Markets = tuple[list[Any], list[Any]]
"""The ``E`` and ``AE`` entries of one snapshot (JSON objects)."""


class Phase(StrEnum):
    HIDDEN = "hidden"  # not announced yet
    PREMATCH = "prematch"
    LIVE = "live"
    FINISHED = "finished"
    GONE = "gone"  # vanished from the live feed


@dataclass(frozen=True, slots=True)
class Goal:
    at: int  # game clock (``TS``) of the goal
    home: bool


@dataclass(frozen=True, slots=True)
class OddsStep:
    """The pre-match model from ``at`` on: expected goals as the bookmaker sees them."""

    at: int
    lam1: float
    lam2: float

    @property
    def prices(self) -> tuple[float, float, float]:
        return prices_1x2(self.lam1, self.lam2)


@dataclass(slots=True)
class Match:
    event_id: int
    league: LeagueSpec
    home: Team
    away: Team
    number: int  # ``N``
    video: str  # ``VI``, also the results' ``videos[0]``
    start: int  # ``S``
    announced_at: int
    kickoff_at: int
    finished_at: int
    vanish_at: int
    lam1: float  # the true expected goals, used for in-play prices
    lam2: float
    goals: tuple[Goal, ...]
    steps: tuple[OddsStep, ...]  # first one at announced_at; all before S
    keeps_markets: bool  # finished state lists every market blocked (2 of 16 real events)
    published: bool  # appears in the results service
    market_count: int  # ``EC`` before kick-off
    cache: dict[tuple[object, ...], Markets] = field(default_factory=dict, repr=False)

    def phase(self, t: float) -> Phase:
        if t < self.announced_at:
            return Phase.HIDDEN
        if t < self.kickoff_at:
            return Phase.PREMATCH
        if t < self.finished_at:
            return Phase.LIVE
        if t < self.vanish_at:
            return Phase.FINISHED
        return Phase.GONE

    @property
    def half_seconds(self) -> int:
        return self.league.game_seconds // self.league.halves

    def clock(self, t: float) -> int:
        """``TS`` in play: game seconds since kick-off, stopped at the end of play."""
        return max(0, min(self.league.game_seconds, int(t - self.kickoff_at)))

    def score_at(self, clock: int, since: int = -1) -> tuple[int, int]:
        """Goals scored with ``since < at <= clock`` (the full score by default)."""
        home = sum(1 for g in self.goals if since < g.at <= clock and g.home)
        away = sum(1 for g in self.goals if since < g.at <= clock and not g.home)
        return home, away

    @property
    def final(self) -> tuple[int, int]:
        return self.score_at(self.league.game_seconds)

    @property
    def halftime(self) -> tuple[int, int] | None:
        if self.league.halves < 2:
            return None
        return self.score_at(self.half_seconds)

    def step_at(self, t: float) -> OddsStep:
        current = self.steps[0]
        for step in self.steps:
            if step.at <= t:
                current = step
        return current

    @property
    def outcome(self) -> str:
        home, away = self.final
        return "1" if home > away else "2" if away > home else "N"

    def truth(self) -> dict[str, Any]:
        """What really happened, as ``/__truth__`` serves it."""
        home, away = self.final
        half = self.halftime
        opening = self.steps[0].prices
        closing = self.steps[-1].prices
        return {
            "id": self.event_id,
            "sport_id": 85,
            "league": self.league.name,
            "league_en": self.league.name_en,
            "league_id": self.league.league_id,
            "team1": self.home.name,
            "team2": self.away.name,
            "team1_id": self.home.team_id,
            "team2_id": self.away.team_id,
            "start": self.start,
            "announced_at": self.announced_at,
            "kickoff_at": self.kickoff_at,
            "finished_at": self.finished_at,
            "vanish_at": self.vanish_at,
            "score1": home,
            "score2": away,
            "halftime1": half[0] if half else None,
            "halftime2": half[1] if half else None,
            "outcome": self.outcome,
            "opening_odds": _odds(opening),
            "opening_odds_at": self.steps[0].at,
            "closing_odds": _odds(closing),
            "closing_odds_at": self.steps[-1].at,
            "odds_moves": len(self.steps) - 1,
            "published": self.published,
            "video": self.video,
        }


def _odds(prices: tuple[float, float, float]) -> dict[str, float]:
    return {"home": prices[0], "draw": prices[1], "away": prices[2]}

"""The tracker's memory: one ``TrackedMatch`` per event id, gathered in a ``TrackerState``. No I/O.

The collector may run every minute as a daemon or every few minutes from cron, and a finished
match stays in the live feed only seconds (docs/feed.md §6). So every event id ever seen is kept
until it is saved, resolved or reported unresolved: an entry lives from the first poll that lists
the id until the store confirms the saved match, the match is reported unresolved, or (seen only
pre-match) it is found withdrawn. The store persists the state after each cycle
(``state_codec``) so that a restart forgets nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime

from oracxpred.core.closing import TotalLine
from oracxpred.core.finish import outcome_of
from oracxpred.core.records import FinishedMatch, FinishSource, Odds1X2, Phase, Price, Score

NO_SCORE = Score(0, 0)


@dataclass(slots=True)
class TrackedMatch:
    """Copy-on-write: states share entries, so a function clones one before editing it.

    ``phase`` is the furthest phase ever seen (it never goes back: a pre-match snapshot after a
    live one cannot reopen odds capture). ``score`` is the last one seen, and the final one once
    ``finish_source`` is set; from then on the entry is frozen until the store confirms it.
    Times are unix seconds of the feed's clock.
    """

    event_id: int
    league: str
    team1: str
    team2: str
    first_seen: int
    last_seen: int
    phase: Phase = Phase.PREMATCH
    sport_id: int | None = None
    league_id: int | None = None
    team1_id: int | None = None
    team2_id: int | None = None
    start_time: int | None = None
    score: Score = NO_SCORE
    halftime: Score | None = None  # set only at the finish (a live PS entry may be running)
    status: str = ""  # status text of the finish
    opening_odds: Odds1X2 | None = None
    opening_odds_at: int | None = None
    odds: Odds1X2 | None = None  # closing: last usable pre-match 1X2
    odds_at: int | None = None
    finish_source: FinishSource | None = None
    finished_at: int | None = None  # when the finish was established (seen or resolved)
    pending_since: int | None = None  # when it left the feed without a finish seen
    attempts: int = 0  # results-service attempts made while pending
    next_try: int | None = None  # earliest time of the next attempt
    prices: tuple[Price, ...] = ()  # last known selections, the base of the odds timeline
    opening_total: TotalLine | None = None  # main total of the first open pre-match poll with one
    opening_total_at: int | None = None

    def clone(self) -> TrackedMatch:
        """A shallow copy (every field is immutable), cheaper than ``copy.copy`` on slots."""
        return TrackedMatch(*[getattr(self, name) for name in _FIELDS])

    @property
    def finished(self) -> bool:
        return self.finish_source is not None

    @property
    def pending(self) -> bool:
        return self.pending_since is not None and self.finish_source is None

    def to_finished_match(self) -> FinishedMatch:
        """The match to store. ``collected_at`` is when the finish was established, so a match
        emitted again on a later cycle (store not confirmed yet) is identical."""
        if self.finish_source is None or self.finished_at is None:
            raise ValueError(f"le match {self.event_id} n'est pas terminé")
        return FinishedMatch(
            event_id=self.event_id,
            collected_at=datetime.fromtimestamp(self.finished_at, tz=UTC),
            league=self.league,
            team1=self.team1,
            team2=self.team2,
            score1=self.score.home,
            score2=self.score.away,
            status=self.status,
            outcome=outcome_of(self.score),
            finish_source=self.finish_source,
            sport_id=self.sport_id,
            league_id=self.league_id,
            team1_id=self.team1_id,
            team2_id=self.team2_id,
            start_time=utc(self.start_time),
            odds=self.odds,
            odds_at=utc(self.odds_at),
            opening_odds=self.opening_odds,
            opening_odds_at=utc(self.opening_odds_at),
            halftime=self.halftime,
        )


_FIELDS = tuple(f.name for f in fields(TrackedMatch))


@dataclass(slots=True)
class TrackerState:
    """Tracked matches by id, plus the ids the store confirmed (id → feed time last confirmed
    or seen), kept a while so a saved match still listed in the feed is not emitted again."""

    matches: dict[int, TrackedMatch] = field(default_factory=dict)
    saved: dict[int, int] = field(default_factory=dict)

    def copy(self) -> TrackerState:
        """A new state sharing the entries: the tracker's functions never mutate the state they
        are given, and clone an entry (``TrackedMatch.clone``) before changing it."""
        return TrackerState(matches=dict(self.matches), saved=dict(self.saved))


def utc(ts: int | None) -> datetime | None:
    """Aware UTC datetime of a unix time (pure: no clock is read)."""
    return None if ts is None else datetime.fromtimestamp(ts, tz=UTC)

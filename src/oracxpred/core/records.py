"""Typed records shared by every layer. No I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import msgspec


class Outcome(StrEnum):
    """1X2 outcome as the original app stores it: N is the draw."""

    HOME = "1"
    DRAW = "N"
    AWAY = "2"


class Phase(StrEnum):
    """Where an event is in its life, from the feed's own signals (docs/feed.md §4)."""

    PREMATCH = "prematch"
    LIVE = "live"
    FINISHED = "finished"


class FinishSource(StrEnum):
    """How a stored match's finish was established."""

    FEED = "feed"  # seen finished in the live feed
    RESULTS = "results"  # resolved from the results service after it vanished
    BACKFILL = "backfill"  # history read from the results service (``oracxpred backfill``)


@dataclass(frozen=True, slots=True)
class Score:
    home: int
    away: int

    def __str__(self) -> str:
        """``2-1``: how scores read in logs, reasons and audits."""
        return f"{self.home}-{self.away}"


@dataclass(frozen=True, slots=True)
class Odds1X2:
    """Decimal prices read from ``C`` (never ``CV``), all unblocked. ``draw`` is None for a
    2-way market (FIFA *Penalty* leagues: ``G`` 1 holds only ``T`` 1 and 3)."""

    home: float
    draw: float | None
    away: float


SelectionKey = tuple[int, int, float | None]
"""A selection ``(G, T, P)``: market group, outcome type, line (None when absent)."""


class Price(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """One selection as seen in one poll. ``price`` is None only for a blocked one without ``C``.

    A ``msgspec.Struct``, not a dataclass: a 1,000-event poll holds some 30,000 of them, and
    their creation, comparison (an unchanged event is one tuple comparison) and encoding in the
    tracker state (``array_like``: ``[group, type, param, price, blocked, central]``) are done
    in C."""

    group: int
    type: int
    param: float | None
    price: float | None
    blocked: bool
    central: bool

    @property
    def key(self) -> SelectionKey:
        return (self.group, self.type, self.param)


class OddsRow(msgspec.Struct, frozen=True, gc=False):
    """One row of the timeline; times are unix seconds (``observed_at`` is the poll time).
    A ``msgspec.Struct`` like ``Price``: thousands are made per cycle."""

    event_id: int
    observed_at: int
    server_time: int | None
    phase: Phase
    group: int
    type: int
    param: float | None
    price: float | None
    blocked: bool
    central: bool
    removed: bool


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One event of one poll, as the feed described it at that instant."""

    event_id: int
    sport_id: int | None
    league: str
    league_id: int | None
    team1: str
    team2: str
    team1_id: int | None
    team2_id: int | None
    start_time: int | None  # ``S``: unix seconds UTC
    phase: Phase
    score: Score  # ``SC.FS`` with zeros restored
    halftime: Score | None  # first entry of ``SC.PS`` when the feed gives halves
    status_text: str  # ``SC.CPS`` or ``SC.I``; for display only, never a status rule
    game_state: int | None  # ``SC.GS``
    odds: Odds1X2 | None  # 1X2 from ``E`` (G=1), None when absent or any price blocked
    updated_at: int | None  # ``U``: unix seconds
    prices: tuple[Price, ...] = ()  # every selection of ``E`` and ``AE`` (core/odds.py)
    odds_rejected: tuple[str, ...] = ()  # French reasons of the selections refused


@dataclass(frozen=True, slots=True)
class Rejection:
    """An event the parser refused, with the reason in French.

    ``category`` is a short stable code for metrics (``REJECTION_CATEGORIES``); ``raw`` is the
    event as decoded from the answer, whole (for the quarantine). Neither takes part in
    equality: two rejections are the same when the id and the reason are."""

    event_id: int | None
    reason: str
    category: str = field(default="autre", compare=False)
    raw: object = field(default=None, compare=False, repr=False)


REJECTION_CATEGORIES = (
    "not_object",  # the event is not a JSON object
    "invalid_id",  # I missing, not an integer, out of range
    "duplicate_id",  # I seen before in the same answer
    "missing_field",  # a required field (O1, O2, L/LE) absent
    "wrong_type",  # a field of the wrong JSON type
    "empty_field",
    "too_long",
    "nul_char",
    "out_of_range",  # an integer field outside its bounds
    "missing_score",  # finished without SC.FS
    "invalid_score",
    "autre",
)
"""Every ``Rejection.category`` (the ``reason`` label of ``oracxpred_events_rejected_total``)."""


@dataclass(frozen=True, slots=True)
class ParseResult:
    events: tuple[FeedEvent, ...]
    rejections: tuple[Rejection, ...]
    markets: Mapping[int, Any] = field(default_factory=dict)  # core.odds.MarketsSeen


@dataclass(frozen=True, slots=True)
class ResultItem:
    """One game of the results service (``result/web/api/v3/games``)."""

    event_id: int
    score: Score
    halftime: Score | None
    team1: str
    team2: str
    league: str
    league_id: int | None
    start_time: int | None
    team1_id: int | None = None  # ``opp1Ids[0]``
    team2_id: int | None = None
    sport_id: int | None = None


@dataclass(frozen=True, slots=True)
class FinishedMatch:
    """A finished match as the stores keep it; ``cells`` maps it onto the CSV columns
    (``MATCH_COLUMNS``)."""

    event_id: int
    collected_at: datetime  # UTC, aware
    league: str
    team1: str
    team2: str
    score1: int
    score2: int
    status: str
    outcome: Outcome
    finish_source: FinishSource
    sport_id: int | None = None
    league_id: int | None = None
    team1_id: int | None = None
    team2_id: int | None = None
    start_time: datetime | None = None  # UTC, aware
    odds: Odds1X2 | None = None  # closing pre-match odds
    odds_at: datetime | None = None
    opening_odds: Odds1X2 | None = None
    opening_odds_at: datetime | None = None
    halftime: Score | None = None


MATCH_COLUMNS: tuple[str, ...] = (
    # The original OracXPred app's columns, in its order: never reorder.
    "timestamp_utc",
    "event_id",
    "league",
    "team1",
    "team2",
    "odds_1",
    "odds_x",
    "odds_2",
    "score1",
    "score2",
    "status",
    "outcome",
    # Ours, appended after them.
    "start_time_utc",
    "league_id",
    "sport_id",
    "team1_id",
    "team2_id",
    "odds_at_utc",
    "opening_odds_1",
    "opening_odds_x",
    "opening_odds_2",
    "opening_odds_at_utc",
    "halftime_score1",
    "halftime_score2",
    "finish_source",
)
"""Column order of the CSV store and of every export."""

ORIGINAL_COLUMNS: tuple[str, ...] = MATCH_COLUMNS[:12]
"""Header of a file written by the original app (adopted as is)."""

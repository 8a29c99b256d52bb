"""The values the storage contract speaks in (``store/base.py``): reports, filters, pages.

Apart from ``Store`` so that the helpers ``Store`` builds on (``querying.py``) can use them
without importing the contract back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from oracxpred.core.records import FinishedMatch, Outcome


@dataclass(frozen=True, slots=True)
class SaveReport:
    """What one ``save_matches`` call did: ids newly written, ids already stored."""

    saved: tuple[int, ...] = ()
    duplicates: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class CursorItem:
    """A stored match with what the store stamped on it when it first stored it."""

    seq: int
    ingested_at: datetime
    match: FinishedMatch


@dataclass(frozen=True, slots=True)
class CursorPage:
    """Matches in ``seq`` order; ``next_seq`` is what to ask after next time (the last
    item's ``seq``, or the ``seq`` asked for when nothing newer is stored)."""

    items: tuple[CursorItem, ...]
    next_seq: int


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """One collection cycle as recorded in the store (``docs/operations.md`` §5)."""

    started_at: datetime
    finished_at: datetime | None
    ok: bool
    host: str
    pid: int
    saved: int = 0
    pending: int = 0
    duplicates: int = 0
    rejected: int = 0
    error: str = ""
    feed_host: str = ""  # the feed host (mirror) the cycle used
    events: int = 0  # events in the feed answer, rejected ones included
    interval_s: float | None = None  # the collector's interval (None: not recorded)


@dataclass(frozen=True, slots=True)
class QuarantinedEvent:
    """A feed event the parser refused, kept whole so that it can be parsed again later."""

    rejected_at: datetime
    event_id: int | None
    category: str  # ``REJECTION_CATEGORIES``
    reason: str  # French
    raw: str  # the event as JSON text


@dataclass(frozen=True, slots=True)
class StoreInfo:
    """What ``--test-db`` prints: never holds a password."""

    backend: str  # "csv", "postgresql", "sqlite", "mysql"
    target: str  # file path or masked URL
    writable: bool
    row_count: int
    schema_version: str | None = None
    server_version: str | None = None
    # Start of the newest recorded cycle; without any, the newest stored row (imports, adoption).
    last_collection: datetime | None = None
    details: tuple[str, ...] = ()  # extra French lines (duplicates adopted, spool size…)


@dataclass(frozen=True, slots=True)
class MatchQuery:
    """Filters of the web app and exports; every field optional."""

    league: str | None = None
    team: str | None = None  # matches team1 or team2, case-insensitive substring
    date_from: datetime | None = None  # on start_time (collected_at when unknown)
    date_to: datetime | None = None
    outcome: Outcome | None = None
    offset: int = 0
    limit: int | None = 50


@dataclass(frozen=True, slots=True)
class MatchPage:
    items: tuple[FinishedMatch, ...]
    total: int


@dataclass(slots=True)
class LeagueStats:
    league: str
    matches: int = 0
    goals: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: {"1": 0, "N": 0, "2": 0})
    # Sum of the closing odds' implied probabilities (normalised) over matches with odds.
    implied: dict[str, float] = field(default_factory=lambda: {"1": 0.0, "N": 0.0, "2": 0.0})
    with_odds: int = 0


@dataclass(frozen=True, slots=True)
class SpoolState:
    """The outage spool as the collector reports it each cycle."""

    degraded: bool  # the primary is unreachable: writes go to the spool
    pending: int  # spooled matches not yet confirmed by the primary
    target: str  # where the spool lives (a file path)
    # The database is down and never answered with this URL: a typo, not an outage.
    never_reached: bool = False
    server_host: str = ""  # host and port of the database, for that message
    server_port: int | None = None
    outage_since: datetime | None = None  # start of the current outage, once reached

"""The storage contract every backend honours; documented here only."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

from oracxpred.core.records import FinishedMatch, Outcome


@dataclass(frozen=True, slots=True)
class SaveReport:
    """What one ``save_matches`` call did: ids newly written, ids already stored."""

    saved: tuple[int, ...] = ()
    duplicates: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """One collection cycle as recorded in the store (SERVICE.md §5)."""

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


class Store(abc.ABC):
    """A place where finished matches, tracker state and heartbeats live.

    Promises every backend keeps (``tests/store/test_contract.py`` checks them all):

    * ``save_matches`` is idempotent on ``event_id``: a match already stored is reported in
      ``SaveReport.duplicates`` and left untouched, never written twice and never updated. Team
      names never identify a match (virtual leagues replay the same pairing all day).
    * One call writes its whole batch or nothing of it (a crash never leaves half a batch that
      a retry could not complete), and costs O(batch), not O(rows stored).
    * ``load_tracking`` returns exactly what the last ``save_tracking`` stored (a JSON-able
      dict), or ``None`` before the first save.
    * ``save_tracking`` returns a *stamp* of what it stored, or None; ``tracking_stamp``
      returns the stamp of what is stored now, or None when it cannot tell. Equal stamps mean
      the stored state is exactly the one that save wrote (whoever wrote since, the stamps
      differ), so a caller that kept that state in memory may skip ``load_tracking``.
    * Errors: ``StoreUnavailable`` (transient: the database is down) lets the caller spool;
      ``StoreNotWritable`` and ``StoreCorrupted`` are terminal for the cycle. No other
      exception escapes; messages are French and hold no password.
    * ``close`` releases what the store opened, never what it was given (an engine).
    """

    backend: str

    @abc.abstractmethod
    def save_matches(self, matches: Sequence[FinishedMatch]) -> SaveReport:
        """Store each match not stored yet, in one batch."""

    @abc.abstractmethod
    def stored_ids(self, event_ids: Iterable[int]) -> set[int]:
        """The subset of ``event_ids`` already stored."""

    @abc.abstractmethod
    def iter_matches(self) -> Iterator[FinishedMatch]:
        """Every stored match, in storage order (exports, web on small stores)."""

    @abc.abstractmethod
    def count_matches(self) -> int:
        """Number of stored matches."""

    @abc.abstractmethod
    def load_tracking(self) -> dict[str, Any] | None:
        """The tracker state saved last, or None."""

    @abc.abstractmethod
    def save_tracking(self, state: dict[str, Any]) -> object | None:
        """Replace the tracker state atomically; the stamp of what was stored, or None."""

    def tracking_stamp(self) -> object | None:
        """The stamp of the tracker state stored now; None when unknown (the default)."""
        return None

    @abc.abstractmethod
    def record_heartbeat(self, heartbeat: Heartbeat) -> None:
        """Append one cycle's heartbeat; old ones may be pruned (keep ≥ 100)."""

    @abc.abstractmethod
    def recent_heartbeats(self, limit: int = 20) -> list[Heartbeat]:
        """The latest heartbeats, newest first."""

    @abc.abstractmethod
    def describe(self) -> StoreInfo:
        """Probe the store for real (connect, count) and say what it is."""

    def quarantine_events(self, events: Sequence[QuarantinedEvent]) -> None:  # noqa: B027
        """Keep refused feed events (bounded: the oldest go first). A store without a
        quarantine drops them (the default); the cycle has logged each one already."""

    def recent_rejections(self, limit: int = 20) -> list[QuarantinedEvent]:
        """The latest quarantined events, newest first (none by default)."""
        return []

    def query_matches(self, query: MatchQuery) -> MatchPage:
        """Filtered page, newest first. Backends with an index override this."""
        from oracxpred.store.querying import filter_sort_page

        return filter_sort_page(self.iter_matches(), query)

    def league_stats(self, query: MatchQuery | None = None) -> list[LeagueStats]:
        """Per-league statistics over the filtered matches."""
        from oracxpred.store.querying import compute_league_stats

        return compute_league_stats(self.iter_matches(), query)

    def close(self) -> None:  # noqa: B027 - optional hook, most backends need it
        """Release what the store opened."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

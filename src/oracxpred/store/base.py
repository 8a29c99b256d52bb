"""The storage contract every backend honours; documented here only."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from oracxpred.core.records import FinishedMatch, OddsRow
from oracxpred.store.querying import compute_league_stats, filter_sort_page
from oracxpred.store.values import (
    CursorItem,
    CursorPage,
    Heartbeat,
    LeagueStats,
    MatchPage,
    MatchQuery,
    QuarantinedEvent,
    SaveReport,
    SpoolState,
    StoreInfo,
)

__all__ = [
    "CursorItem",
    "CursorPage",
    "Heartbeat",
    "LeagueStats",
    "MatchPage",
    "MatchQuery",
    "QuarantinedEvent",
    "SaveReport",
    "SpoolState",
    "Store",
    "StoreInfo",
]


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
    * Cursor: every match gets, when first stored, ``seq`` (strictly increasing in insertion
      order, never reused, never changed by a later idempotent save; a late resolution or a
      backfill row gets the next one whatever its start time) and ``ingested_at``.
      ``matches_after(seq, limit)`` returns them in ``seq`` order: a consumer that keeps
      ``next_seq`` sees every match exactly once.
    * ``close`` releases what the store opened, never what it was given (an engine).

    What callers may ask of any store, with safe defaults here (never probe with ``getattr``):
    ``target`` (for logs), ``path`` (file-backed stores), ``copies_lines`` (PostgreSQL COPY
    imports), ``spool_state``/``replay_spool`` (the outage spool behind wrappers, see
    ``store/spool/``) and ``emptiable``/``emptied`` (what a spool must offer). Wrappers derive
    from ``store/wrapper.py``'s ``DelegatingStore``, which forwards all of it.
    """

    backend: str

    emptiable: bool = False
    """Whether ``emptied`` works; the outage spool must be emptiable."""

    @property
    def path(self) -> Path | None:
        """The data file of a file-backed store (the outage spool keeps side files beside it)."""
        return None

    @property
    def target(self) -> str:
        """Where the data lives, safe for logs: a file path or a masked URL."""
        return self.backend

    @property
    def copies_lines(self) -> bool:
        """Whether imports may stream lines through ``transfer/copy.py`` (PostgreSQL)."""
        return False

    def spool_state(self) -> SpoolState | None:
        """The outage spool behind this store (``SpoolingStore``, wrappers included), or None."""
        return None

    def replay_spool(self) -> int:
        """Replay waiting spooled rows when the primary is back; rows newly stored (0 here)."""
        return 0

    def record_spool_outcome(self, now: datetime) -> None:  # noqa: B027 - optional hook
        """After a cycle: remember that the database answered (a later failure is then an
        outage, not a typo), or when the outage of a database that did answer began."""

    def emptied(self) -> Store:
        """Delete everything stored; returns the store to use from now on."""
        raise NotImplementedError(f"{type(self).__name__} cannot be emptied")

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

    def load_checkpoint(self, name: str) -> dict[str, Any] | None:
        """The JSON-able dict ``save_checkpoint(name, …)`` stored last, or None (the default:
        a store that keeps no checkpoint)."""
        return None

    def save_checkpoint(self, name: str, data: dict[str, Any]) -> None:
        """Replace the checkpoint ``name`` atomically (backfill progress, beside the matches)."""
        from oracxpred.errors import StoreNotWritable

        raise StoreNotWritable(f"Ce stockage ({self.backend}) ne garde pas de point de reprise.")

    def quarantine_events(self, events: Sequence[QuarantinedEvent]) -> None:  # noqa: B027
        """Keep refused feed events (bounded: the oldest go first). A store without a
        quarantine drops them (the default); the cycle has logged each one already."""

    def recent_rejections(self, limit: int = 20) -> list[QuarantinedEvent]:
        """The latest quarantined events, newest first (none by default)."""
        return []

    def save_odds(self, rows: Sequence[OddsRow]) -> int:
        """Append rows of the odds timeline (``core/odds.py``), idempotent on
        ``(event_id, group, type, param, observed_at)``, in one batch costing O(batch), never
        O(rows stored); returns how many were new. A store without a timeline keeps none (the
        default)."""
        return 0

    def iter_odds(self, event_id: int | None = None) -> Iterator[OddsRow]:
        """The stored timeline (of one event), in storage order; none by default."""
        return iter(())

    def matches_after(self, seq: int, limit: int) -> CursorPage:
        """Up to ``limit`` matches with a ``seq`` above ``seq``, in ``seq`` order. A store
        without a cursor has none (the default); every backend overrides this."""
        return CursorPage((), seq)

    def last_seq(self) -> int:
        """The highest seq given so far (0 before the first match): where a new consumer that
        wants only what comes next starts. Backends answer from their index."""
        seq = 0
        while page := self.matches_after(seq, 1000).items:
            seq = page[-1].seq
        return seq

    def query_matches(self, query: MatchQuery) -> MatchPage:
        """Filtered page, newest first. Backends with an index override this."""
        return filter_sort_page(self.iter_matches(), query)

    def league_stats(self, query: MatchQuery | None = None) -> list[LeagueStats]:
        """Per-league statistics over the filtered matches."""
        return compute_league_stats(self.iter_matches(), query)

    def close(self) -> None:  # noqa: B027 - optional hook, most backends need it
        """Release what the store opened."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

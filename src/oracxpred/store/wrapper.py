"""``DelegatingStore``: a store that forwards the whole ``Store`` contract to an inner store.

The base of every wrapper (the outage spool, the daemon's write guard): a wrapper overrides
only what it changes, and a method added to ``Store`` is forwarded here, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from oracxpred.core.records import FinishedMatch, OddsRow
from oracxpred.store.base import Store
from oracxpred.store.values import (
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


class DelegatingStore(Store):
    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.backend = inner.backend

    @property
    def path(self) -> Path | None:
        return self.inner.path

    @property
    def target(self) -> str:
        return self.inner.target

    @property
    def copies_lines(self) -> bool:
        return self.inner.copies_lines

    def save_matches(self, matches: Sequence[FinishedMatch]) -> SaveReport:
        return self.inner.save_matches(matches)

    def save_odds(self, rows: Sequence[OddsRow]) -> int:
        return self.inner.save_odds(rows)

    def iter_odds(self, event_id: int | None = None) -> Iterator[OddsRow]:
        return self.inner.iter_odds(event_id)

    def stored_ids(self, event_ids: Iterable[int]) -> set[int]:
        return self.inner.stored_ids(event_ids)

    def iter_matches(self) -> Iterator[FinishedMatch]:
        return self.inner.iter_matches()

    def count_matches(self) -> int:
        return self.inner.count_matches()

    def load_tracking(self) -> dict[str, Any] | None:
        return self.inner.load_tracking()

    def save_tracking(self, state: dict[str, Any]) -> object | None:
        return self.inner.save_tracking(state)

    def tracking_stamp(self) -> object | None:
        return self.inner.tracking_stamp()

    def record_heartbeat(self, heartbeat: Heartbeat) -> None:
        self.inner.record_heartbeat(heartbeat)

    def recent_heartbeats(self, limit: int = 20) -> list[Heartbeat]:
        return self.inner.recent_heartbeats(limit)

    def describe(self) -> StoreInfo:
        return self.inner.describe()

    def query_matches(self, query: MatchQuery) -> MatchPage:
        return self.inner.query_matches(query)

    def matches_after(self, seq: int, limit: int) -> CursorPage:
        return self.inner.matches_after(seq, limit)

    def last_seq(self) -> int:
        return self.inner.last_seq()

    def league_stats(self, query: MatchQuery | None = None) -> list[LeagueStats]:
        return self.inner.league_stats(query)

    def spool_state(self) -> SpoolState | None:
        return self.inner.spool_state()

    def replay_spool(self) -> int:
        return self.inner.replay_spool()

    def record_spool_outcome(self, now: datetime) -> None:
        self.inner.record_spool_outcome(now)

    def quarantine_events(self, events: Sequence[QuarantinedEvent]) -> None:
        self.inner.quarantine_events(events)

    def recent_rejections(self, limit: int = 20) -> list[QuarantinedEvent]:
        return self.inner.recent_rejections(limit)

    def load_checkpoint(self, name: str) -> dict[str, Any] | None:
        return self.inner.load_checkpoint(name)

    def save_checkpoint(self, name: str, data: dict[str, Any]) -> None:
        self.inner.save_checkpoint(name, data)

    def close(self) -> None:
        self.inner.close()

"""The store a replay writes through: matches go to the target at once, the rest stays here.

A replay runs thousands of cycles in seconds. Saving the tracker state after each of them and
appending a heartbeat for each (every one an fsync or a transaction) would cost more than the
cycles themselves, and those heartbeats would describe cycles no collector ran: the state is
kept in memory and written once at the end, heartbeats are not written. Finished matches are
written in batches of ``MATCH_BATCH`` (each save is an fsync or a transaction, which a replay
would otherwise wait for a few hundred times a day), the odds timeline in batches of
``ODDS_BATCH`` rows, both also at the end: every row is in the target once ``flush`` returns.
A match waiting in the batch counts as stored (``stored_ids``, duplicates), exactly as the
target would count it once written. A replay that stops half-way is simply run again (saved
matches and odds rows come back as duplicates, which the target ignores).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from oracxpred.core.records import FinishedMatch, OddsRow
from oracxpred.store.base import Heartbeat, SaveReport, Store, StoreInfo

ODDS_BATCH = 20_000
MATCH_BATCH = 1_000


class ReplayStore(Store):
    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.backend = inner.backend
        self._state: dict[str, Any] | None = None
        self._stamp = 0
        self._odds: list[OddsRow] = []
        self._matches: dict[int, FinishedMatch] = {}

    def save_matches(self, matches: Sequence[FinishedMatch]) -> SaveReport:
        """Buffered (see the module docstring); the report is the target's own rule: an id
        already stored, waiting, or earlier in ``matches`` is a duplicate."""
        batch = list(matches)
        stored = self.inner.stored_ids(m.event_id for m in batch)
        saved: list[int] = []
        duplicates: list[int] = []
        for match in batch:
            if match.event_id in stored or match.event_id in self._matches:
                duplicates.append(match.event_id)
            else:
                self._matches[match.event_id] = match
                saved.append(match.event_id)
        if len(self._matches) >= MATCH_BATCH:
            self._flush_matches()
        return SaveReport(tuple(saved), tuple(duplicates))

    def _flush_matches(self) -> None:
        if self._matches:
            self.inner.save_matches(list(self._matches.values()))
            self._matches = {}

    def save_odds(self, rows: Sequence[OddsRow]) -> int:
        """Buffered (see the module docstring); the count is of rows handed over."""
        self._odds.extend(rows)
        if len(self._odds) >= ODDS_BATCH:
            self._flush_odds()
        return len(rows)

    def iter_odds(self, event_id: int | None = None) -> Iterator[OddsRow]:
        self._flush_odds()
        return self.inner.iter_odds(event_id)

    def _flush_odds(self) -> None:
        if self._odds:
            self.inner.save_odds(self._odds)
            self._odds = []

    def save_tracking(self, state: dict[str, Any]) -> object | None:
        self._state = state
        self._stamp += 1
        return self._stamp

    def tracking_stamp(self) -> object | None:
        return self._stamp

    def load_tracking(self) -> dict[str, Any] | None:
        return self._state if self._stamp else self.inner.load_tracking()

    def record_heartbeat(self, heartbeat: Heartbeat) -> None:
        """Not written: see the module docstring."""

    def flush(self) -> None:
        """Write the buffered matches and odds, then the tracker state of the last cycle."""
        self._flush_matches()
        self._flush_odds()
        if self._state is not None:
            self.inner.save_tracking(self._state)

    def close(self) -> None:
        """The target belongs to the caller."""

    def stored_ids(self, event_ids: Iterable[int]) -> set[int]:
        wanted = set(event_ids)
        return self.inner.stored_ids(wanted) | (wanted & self._matches.keys())

    def iter_matches(self) -> Iterator[FinishedMatch]:
        self._flush_matches()
        return self.inner.iter_matches()

    def count_matches(self) -> int:
        self._flush_matches()
        return self.inner.count_matches()

    def recent_heartbeats(self, limit: int = 20) -> list[Heartbeat]:
        return self.inner.recent_heartbeats(limit)

    def describe(self) -> StoreInfo:
        return self.inner.describe()

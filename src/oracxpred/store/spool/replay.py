"""The one driver of a spool replay (``SpoolReplay``): spooled data into the primary, crash-safely.

Matches go first, in chunks, each an idempotent ``save_matches``: replaying a chunk twice
(after a crash, before the spool was emptied) only yields duplicates. Once every spooled match
is confirmed, the odds timeline (idempotent too), the tracking state and the heartbeats follow,
and only then is the spool emptied, heartbeats first: they are the one part whose replay is not
idempotent.
"""

from __future__ import annotations

from collections.abc import Generator
from itertools import chain, islice

from oracxpred.store.base import Store
from oracxpred.store.spool.mirror import TrackingMirror

ALL_HEARTBEATS = 1_000_000
ODDS_CHUNK = 5_000


def check_spool(spool: Store) -> None:
    """The spool must be emptiable once replayed (a ``CsvStore``)."""
    if not spool.emptiable:
        raise TypeError("the spool must be an emptiable store (a CsvStore)")


class SpoolReplay:
    """Where a replay stands (spooled rows the primary confirmed) and how it proceeds."""

    def __init__(self, mirror: TrackingMirror, chunk: int, budget: int) -> None:
        self.mirror, self.chunk, self.budget = mirror, chunk, budget
        self.position = 0  # spooled rows (in spool order) the primary confirmed

    def pending(self, spool: Store) -> int:
        """Matches waiting in the spool for the primary."""
        return max(0, spool.count_matches() - self.position)

    def run(self, primary: Store, spool: Store) -> tuple[int, Store]:
        """Send up to ``budget`` spooled matches to ``primary``; once all are confirmed, move
        state and heartbeats and empty the spool. Returns the rows newly stored and the spool
        to use from now on. ``StoreUnavailable`` propagates; the position stays right."""
        written = self._matches(primary, spool)
        if self.position < spool.count_matches():
            return written, spool
        state = spool.load_tracking()
        spool = _drain(primary, spool)
        self.position = 0
        if state is not None:
            self.mirror.save(state)
        return written, spool

    def _matches(self, primary: Store, spool: Store) -> int:
        written, budget = 0, self.budget
        spooled = spool.iter_matches()
        try:
            todo = islice(spooled, self.position, None)
            while budget > 0:
                batch = list(islice(todo, min(self.chunk, budget)))
                if not batch:
                    break
                written += len(primary.save_matches(batch).saved)
                self.position += len(batch)
                budget -= len(batch)
        finally:
            if isinstance(spooled, Generator):
                spooled.close()  # a half-read spool file is not left open
        return written


def _drain(primary: Store, spool: Store) -> Store:
    """Every spooled match is in ``primary``: move state, heartbeats and quarantined events,
    then empty the spool."""
    state = spool.load_tracking()
    beats = spool.recent_heartbeats(limit=ALL_HEARTBEATS)
    rejected = spool.recent_rejections(limit=ALL_HEARTBEATS)  # the quarantine moves along
    odds = spool.iter_odds()
    first_odds = next(odds, None)
    if (
        state is None
        and not beats
        and not rejected
        and first_odds is None
        and spool.count_matches() == 0
    ):
        return spool
    if first_odds is not None:  # the odds timeline of the outage (idempotent: safe to repeat)
        rows = chain((first_odds,), odds)
        while batch := list(islice(rows, ODDS_CHUNK)):
            primary.save_odds(batch)
    if state is not None:
        primary.save_tracking(state)
    for beat in reversed(beats):
        primary.record_heartbeat(beat)
    if rejected:
        primary.quarantine_events(rejected[::-1])
    return spool.emptied()

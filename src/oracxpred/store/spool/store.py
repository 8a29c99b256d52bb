"""``SpoolingStore``: keeps collecting while the database is down, replays when it is back.

A wrapper, not a backend, so the outage logic exists once. Rules:

* every write tries the primary first; on ``StoreUnavailable`` it goes to the spool (a local
  store, the CSV file ``settings.spool_path``) and the wrapper is ``degraded``. Other errors
  (wrong password, read-only, corrupted schema) are not outages: they propagate;
* after a fresh batch reached the primary, the spool is replayed into it in chunks of
  ``REPLAY_CHUNK``, at most ``REPLAY_BUDGET`` rows per call: the fresh batch never waits
  behind a replay, and a long spool drains over a few cycles;
* the odds timeline takes the same road (spooled, then moved with the matches);
* the spool is emptied only after the primary confirmed every spooled row; a crash at any
  point leaves the spool intact and the next replay is idempotent (``save_matches``);
* tracking state: while the spool holds one it is the newest (it is only written there while
  degraded, mirrored there while a replay is pending, and pushed to the primary before the
  spool is emptied), so ``load_tracking`` prefers it; when the primary is down and the spool
  has none yet, a local copy of the last state the primary accepted is used
  (``spool/mirror.py``), so a collector started mid-outage keeps the odds it watched;
* after a failure the primary is left alone for ``retry_after_s`` (a black-holed server costs
  one connect timeout per cycle, not one per call).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeVar

from oracxpred import messages
from oracxpred.core.records import FinishedMatch, OddsRow
from oracxpred.errors import CollectorError, StoreUnavailable
from oracxpred.logs import get_logger
from oracxpred.store.base import (
    Heartbeat,
    QuarantinedEvent,
    SaveReport,
    SpoolState,
    Store,
    StoreInfo,
)
from oracxpred.store.spool.mirror import TrackingMirror, mirror_path
from oracxpred.store.spool.reached import ReachedMarker, host_port
from oracxpred.store.spool.replay import SpoolReplay, check_spool
from oracxpred.store.wrapper import DelegatingStore

log = get_logger("store.spool")

REPLAY_CHUNK = 1000
"""Spooled rows sent to the primary per ``save_matches`` call (one transaction each)."""

REPLAY_BUDGET = 20_000
"""Spooled rows replayed at most per call, so a cycle after a long outage stays short."""

RETRY_AFTER_S = 15.0
"""Seconds the primary is not retried after it failed."""

T = TypeVar("T")


class SpoolingStore(DelegatingStore):
    """Reads go to the primary (the inner store); writes to the primary, else the spool."""

    def __init__(
        self,
        primary: Store,
        spool: Store,
        *,
        retry_after_s: float = RETRY_AFTER_S,
        replay_chunk: int = REPLAY_CHUNK,
        replay_budget: int = REPLAY_BUDGET,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        check_spool(spool)
        super().__init__(primary)
        self.primary, self.spool = primary, spool
        self.retry_after_s, self._clock = retry_after_s, clock
        self._lock = threading.RLock()
        self._failed_at: float | None = None
        self._last_error: str | None = None
        self._mirror = TrackingMirror(mirror_path(spool))
        self._replay = SpoolReplay(self._mirror, replay_chunk, replay_budget)
        self.marker: ReachedMarker | None = None  # set by open_store (store/spool/reached.py)

    # -- state the caller logs -------------------------------------------------------------

    @property
    def degraded(self) -> bool:
        """True while the primary is unreachable (the caller logs a WARNING each cycle)."""
        return self._failed_at is not None

    @property
    def last_error(self) -> str | None:
        """French reason of the last outage (password masked), None when healthy."""
        return self._last_error

    @property
    def spool_target(self) -> str:
        return self.spool.target

    @property
    def copies_lines(self) -> bool:
        """Imports never stream through the wrapper (``transfer/copy.py`` needs the SqlStore)."""
        return False

    def pending_spool_rows(self) -> int:
        """Matches waiting in the spool for the primary."""
        with self._lock:
            return self._replay.pending(self.spool)

    def spool_state(self) -> SpoolState:
        with self._lock:
            degraded, pending = self.degraded, self.pending_spool_rows()
        marker = self.marker
        if marker is None:
            return SpoolState(degraded, pending, self.spool_target)
        server = host_port(marker.url)
        return SpoolState(
            degraded,
            pending,
            self.spool_target,
            never_reached=degraded and server is not None and not marker.reached(),
            server_host=server[0] if server else "",
            server_port=server[1] if server else None,
            outage_since=marker.recorded_outage() if degraded else None,
        )

    def record_spool_outcome(self, now: datetime) -> None:
        """Remember that the database answered, or when an outage of a reached one began."""
        marker = self.marker
        if marker is None:
            return
        if not self.degraded:
            marker.mark_reached()
        elif marker.reached():
            marker.outage_since(now)

    def mark_unavailable(self, error: StoreUnavailable) -> None:
        """Record an outage seen outside this wrapper (``open_store`` at start)."""
        with self._lock:
            self._failed_at = self._clock()
            self._last_error = str(error)

    # -- primary first, spool second --------------------------------------------------------

    def _try_primary(self) -> bool:
        if self._failed_at is None:
            return True
        return self._clock() - self._failed_at >= self.retry_after_s

    def _call(self, primary: Callable[[], T], fallback: Callable[[], T]) -> T:
        with self._lock:
            if self._try_primary():
                try:
                    result = primary()
                except StoreUnavailable as exc:
                    self.mark_unavailable(exc)
                    log.debug(messages.SPOOL_FALLBACK, exc)
                else:
                    if self._failed_at is not None:
                        log.debug(messages.SPOOL_PRIMARY_BACK)
                    self._failed_at, self._last_error = None, None
                    return result
            return fallback()

    def save_matches(self, matches: Sequence[FinishedMatch]) -> SaveReport:
        with self._lock:
            report = self._call(
                lambda: self.primary.save_matches(matches),
                lambda: self.spool.save_matches(matches),
            )
            self._replay_after_write()
            return report

    def save_odds(self, rows: Sequence[OddsRow]) -> int:
        """Like matches: to the spool during an outage, moved to the primary with the rest."""
        with self._lock:
            added = self._call(
                lambda: self.primary.save_odds(rows), lambda: self.spool.save_odds(rows)
            )
            self._replay_after_write()
            return added

    def _replay_after_write(self) -> None:
        """A replay problem never fails the write that triggered it (already safe)."""
        if self.degraded:
            return
        try:
            self.replay()
        except CollectorError as exc:
            log.debug(messages.SPOOL_REPLAY_STOPPED, exc)

    def replay(self) -> int:
        """Send up to ``replay_budget`` spooled matches to the primary; empty the spool once
        all are confirmed (``SpoolReplay``). Returns how many rows the primary newly stored."""
        with self._lock:
            if self.degraded:
                return 0
            try:
                written, self.spool = self._replay.run(self.primary, self.spool)
            except StoreUnavailable as exc:
                self.mark_unavailable(exc)
                return 0
            return written

    def replay_spool(self) -> int:
        """The collector's call after each cycle: replay only when the primary is back and
        rows wait (a cycle with nothing to save still drains the spool)."""
        with self._lock:
            if self.degraded or not self.pending_spool_rows():
                return 0
            return self.replay()

    def save_tracking(self, state: dict[str, Any]) -> object | None:
        """The primary's stamp when the state went there and the spool holds none (the usual
        case); None otherwise: while a state sits in the spool, callers always load."""

        def primary() -> object | None:
            stamp = self.primary.save_tracking(state)
            self._mirror.save(state)
            if self.spool.load_tracking() is not None:
                self.spool.save_tracking(state)  # keep "the spool's state is the newest"
                return None
            return stamp

        def spooled() -> object | None:
            self.spool.save_tracking(state)
            return None

        with self._lock:
            stamp = self._call(primary, spooled)
            self._replay_after_write()
            return stamp

    def tracking_stamp(self) -> object | None:
        """The primary's stamp while ``load_tracking`` would read the primary; else None."""
        with self._lock:
            if self.degraded or self.spool.load_tracking() is not None:
                return None
            return self._call(self.primary.tracking_stamp, lambda: None)

    def load_tracking(self) -> dict[str, Any] | None:
        """The spool's state when it has one (the newest), else the primary's; when the
        primary is down, the local copy of the last state it accepted (``spool/mirror.py``)."""
        with self._lock:
            spooled = self.spool.load_tracking()
            if spooled is not None:
                return spooled
            return self._call(self.primary.load_tracking, self._mirror.load)

    def record_heartbeat(self, heartbeat: Heartbeat) -> None:
        self._call(
            lambda: self.primary.record_heartbeat(heartbeat),
            lambda: self.spool.record_heartbeat(heartbeat),
        )

    def quarantine_events(self, events: Sequence[QuarantinedEvent]) -> None:
        self._call(
            lambda: self.primary.quarantine_events(events),
            lambda: self.spool.quarantine_events(events),
        )

    def recent_rejections(self, limit: int = 20) -> list[QuarantinedEvent]:
        spooled = self.spool.recent_rejections(limit)
        stored: list[QuarantinedEvent] = self._call(
            lambda: self.primary.recent_rejections(limit), list
        )
        events = sorted([*spooled, *stored], key=lambda e: e.rejected_at, reverse=True)
        return events[:limit]

    def recent_heartbeats(self, limit: int = 20) -> list[Heartbeat]:
        spooled = self.spool.recent_heartbeats(limit)
        stored: list[Heartbeat] = self._call(lambda: self.primary.recent_heartbeats(limit), list)
        beats = sorted([*spooled, *stored], key=lambda b: b.started_at, reverse=True)
        return beats[:limit]

    def stored_ids(self, event_ids: Iterable[int]) -> set[int]:
        wanted = set(event_ids)
        spooled = self.spool.stored_ids(wanted)
        return spooled | self._call(lambda: self.primary.stored_ids(wanted), set)

    # -- reads: the primary's, inherited (spooled rows show up once replayed) ---------------

    def describe(self) -> StoreInfo:
        pending = self.pending_spool_rows()
        note = messages.SPOOL_NOTE.format(count=pending, spool=self.spool_target) if pending else ""
        try:
            info = self.primary.describe()
        except StoreUnavailable as exc:
            raise StoreUnavailable(f"{exc} ; {note}" if note else str(exc)) from None
        if not note:
            return info
        return replace(info, details=(*info.details, note))

    def close(self) -> None:
        """Close both stores: ``open_store`` built them for this wrapper."""
        try:
            self.primary.close()
        finally:
            self.spool.close()

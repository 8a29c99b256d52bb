"""The scheduled job: lease, back-off after failures, one cycle, metrics (SERVICE.md §5).

Shared by the daemon and the web app's background collector, so both collect under the same
single-active lease. ``tick`` never raises: this is the cycle guard, the one place where a
failed cycle is swallowed (logged with its cause) so that the next one still happens.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from oracxpred.collector.cycle import Collector, CycleReport
from oracxpred.collector.lease import Lease
from oracxpred.config import Settings
from oracxpred.core.records import FinishedMatch
from oracxpred.errors import CollectorError, FeedError, LeaseUnavailable, StoreError
from oracxpred.logs import get_logger, mask_secrets
from oracxpred.metrics import CollectorMetrics
from oracxpred.store.base import (
    Heartbeat,
    LeagueStats,
    MatchPage,
    MatchQuery,
    QuarantinedEvent,
    SaveReport,
    Store,
    StoreInfo,
)

log = get_logger("collector.schedule")

BACKOFF_CAP_S = 300.0
"""Longest wait between two attempts while failing (unless the interval itself is longer)."""

MAX_SKIPPED_TICKS = 7
"""At most this many ticks skipped in a row while failing (fast test intervals included)."""

STANDBY_REMINDER_S = 300.0
"""A standby repeats who holds the lease at most this often."""


def backoff_skips(failures: int, interval_s: float) -> int:
    """Ticks to skip after the n-th consecutive failure: 0, 1, 3, 7…, capped so the wait stays
    under ``BACKOFF_CAP_S`` (no skip at all when the interval is already that long)."""
    if failures <= 1:
        return 0
    cap = min(MAX_SKIPPED_TICKS, max(0, int(BACKOFF_CAP_S // interval_s) - 1))
    return min(2 ** (min(failures, 16) - 1) - 1, cap)


def cause_of(exc: BaseException) -> str:
    if isinstance(exc, FeedError):
        return "feed"
    if isinstance(exc, StoreError):
        return "store"
    if isinstance(exc, LeaseUnavailable):
        return "lease"
    return "other"


class GuardedStore(Store):
    """A store whose writes hold ``write_lock``, so that a forced exit can wait for the write
    in progress and then exit before the next one starts."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.backend = inner.backend
        self.write_lock = threading.Lock()

    def save_matches(self, matches: Sequence[FinishedMatch]) -> SaveReport:
        with self.write_lock:
            return self.inner.save_matches(matches)

    def save_tracking(self, state: dict[str, Any]) -> object | None:
        with self.write_lock:
            return self.inner.save_tracking(state)

    def tracking_stamp(self) -> object | None:
        return self.inner.tracking_stamp()

    def record_heartbeat(self, heartbeat: Heartbeat) -> None:
        with self.write_lock:
            self.inner.record_heartbeat(heartbeat)

    def close(self) -> None:
        with self.write_lock:
            self.inner.close()

    def stored_ids(self, event_ids: Iterable[int]) -> set[int]:
        return self.inner.stored_ids(event_ids)

    def iter_matches(self) -> Iterator[FinishedMatch]:
        return self.inner.iter_matches()

    def count_matches(self) -> int:
        return self.inner.count_matches()

    def load_tracking(self) -> dict[str, Any] | None:
        return self.inner.load_tracking()

    def recent_heartbeats(self, limit: int = 20) -> list[Heartbeat]:
        return self.inner.recent_heartbeats(limit)

    def quarantine_events(self, events: Sequence[QuarantinedEvent]) -> None:
        with self.write_lock:
            self.inner.quarantine_events(events)

    def recent_rejections(self, limit: int = 20) -> list[QuarantinedEvent]:
        return self.inner.recent_rejections(limit)

    def describe(self) -> StoreInfo:
        return self.inner.describe()

    def query_matches(self, query: MatchQuery) -> MatchPage:
        return self.inner.query_matches(query)

    def league_stats(self, query: MatchQuery | None = None) -> list[LeagueStats]:
        return self.inner.league_stats(query)

    def __getattr__(self, name: str) -> Any:
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)


class CycleRunner:
    """What happens at each tick of the schedule."""

    def __init__(
        self, settings: Settings, store: GuardedStore, lease: Lease, metrics: CollectorMetrics
    ) -> None:
        self.settings, self.store, self.lease, self.metrics = settings, store, lease, metrics
        self.collector = Collector(settings, store)
        self.interval_s = settings.interval_min * 60
        self.collector.interval_s = self.interval_s  # recorded in heartbeats (web /health)
        self.failures = 0
        self.failing_since: datetime | None = None
        self.last_success: datetime | None = None
        self.last_error = ""
        self._skip = 0
        self._standby_said: tuple[float, str] | None = None  # (monotonic time, holder)
        self._collecting = False
        self._idle = threading.Event()
        self._idle.set()
        self._state = threading.Lock()
        self._stopping = False
        self._closed = False
        self.ticks = 0  # ticks started so far

    def request_stop(self) -> None:
        """No tick starts after this returns (a running one finishes)."""
        with self._state:
            self._stopping = True

    def wait_idle(self, timeout: float) -> bool:
        return self._idle.wait(timeout)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.collector.close()
        self.store.close()
        self.lease.close()

    def status(self) -> dict[str, Any]:
        return {
            "collecting": self.lease.held,
            "consecutive_failures": self.failures,
            "last_success": self.last_success.isoformat() if self.last_success else None,
            "last_error": self.last_error,
        }

    def tick(self) -> None:
        with self._state:
            if self._stopping:
                return
            self._idle.clear()
            self.ticks += 1
        try:
            self._tick()
        finally:
            self._idle.set()

    def _tick(self) -> None:
        try:
            held = self.lease.ensure()
        except CollectorError as exc:
            log.error("Bail de collecte indisponible : %s", mask_secrets(str(exc)))
            self._failed(exc)
            return
        if not held:
            self._standby()
            return
        self._took_lease()
        if self._skip > 0:
            self._skip -= 1
            self.metrics.tick("skipped")
            log.debug("Cycle sauté (attente après échecs), encore %d", self._skip)
            return
        try:
            report = self.collector.run_cycle()
        except CollectorError as exc:  # already logged by the cycle, with its cause
            self._failed(exc)
        except Exception as exc:  # the cycle guard: whatever happened, the daemon goes on
            log.exception("Erreur inattendue pendant la collecte")
            self._failed(exc)
        else:
            self._succeeded(report)

    def _took_lease(self) -> None:
        if self._collecting:
            log.debug("Bail de collecte renouvelé (%s)", self.lease.mechanism)
            return
        self._collecting = True
        holder = self.lease.holder()
        self.metrics.lease(True, holder)
        if self._standby_said is not None:
            log.info("Collecteur actif disparu : ce processus reprend la collecte")
        log.info("Bail de collecte obtenu (%s) : ce processus collecte", self.lease.mechanism)
        self._standby_said = None

    def _standby(self) -> None:
        self._collecting = False
        holder = self.lease.holder()
        self.metrics.lease(False, holder)
        self.metrics.tick("standby")
        who = holder.describe() if holder else "détenteur inconnu"
        now = time.monotonic()
        said = self._standby_said
        if said is None:
            log.info(
                "Un autre collecteur est actif (%s) : ce processus reste en attente "
                "et réessaie à chaque intervalle",
                who,
            )
        elif said[1] != who or now - said[0] >= STANDBY_REMINDER_S:
            log.info("Toujours en attente : collecteur actif %s", who)
        else:
            return
        self._standby_said = (now, who)

    def _failed(self, exc: BaseException) -> None:
        self.failures += 1
        self.last_error = mask_secrets(str(exc)) or type(exc).__name__
        if self.failing_since is None:
            self.failing_since = datetime.now(UTC)
        self._skip = backoff_skips(self.failures, self.interval_s)
        self.metrics.failure(cause_of(exc), self.failures)
        if self.failures >= 2:
            log.warning(
                "%d échecs consécutifs depuis %s UTC (dernière cause : %s) ; "
                "prochaine tentative dans %d intervalle(s)",
                self.failures,
                self.failing_since.strftime("%Y-%m-%d %H:%M:%S"),
                self.last_error,
                self._skip + 1,
            )

    def _succeeded(self, report: CycleReport) -> None:
        now = datetime.now(UTC)
        if self.failures and self.failing_since is not None:
            log.info(
                "Collecte rétablie après %d échec(s) consécutif(s) depuis %s UTC",
                self.failures,
                self.failing_since.strftime("%Y-%m-%d %H:%M:%S"),
            )
        self.failures, self.failing_since, self._skip = 0, None, 0
        self.last_success, self.last_error = now, ""
        self.metrics.success(len(report.saved), now)
        self.metrics.rejected(report.rejected)

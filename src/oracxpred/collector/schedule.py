"""The scheduled job (``docs/operations.md`` §1, §4): lease, back-off, one cycle, metrics.

Shared by the daemon and the web app's background collector, so both collect under the same
single-active lease. ``tick`` never raises: this is the cycle guard, the one place where a
failed cycle is swallowed (logged with its cause) so that the next one still happens.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from oracxpred import messages
from oracxpred.archive.writer import count_errors
from oracxpred.collector.cycle import Collector, CycleReport
from oracxpred.collector.lease import Lease
from oracxpred.config import Settings
from oracxpred.core.records import FinishedMatch, OddsRow
from oracxpred.errors import CollectorError, FeedError, LeaseUnavailable, StoreError
from oracxpred.logs import get_logger, mask_secrets
from oracxpred.metrics import CollectorMetrics
from oracxpred.ops.watch import IncidentWatch, build_alerter
from oracxpred.push.webhooks import PushThread, build_pusher
from oracxpred.store.base import Heartbeat, QuarantinedEvent, SaveReport, Store
from oracxpred.store.wrapper import DelegatingStore

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
    return min((1 << (min(failures, 16) - 1)) - 1, cap)


def cause_of(exc: BaseException) -> str:
    if isinstance(exc, FeedError):
        return "feed"
    if isinstance(exc, StoreError):
        return "store"
    if isinstance(exc, LeaseUnavailable):
        return "lease"
    return "other"


class GuardedStore(DelegatingStore):
    """A store whose writes hold ``write_lock``, so that a forced exit can wait for the write
    in progress and then exit before the next one starts."""

    def __init__(self, inner: Store) -> None:
        super().__init__(inner)
        self.write_lock = threading.Lock()

    def save_matches(self, matches: Sequence[FinishedMatch]) -> SaveReport:
        with self.write_lock:
            return self.inner.save_matches(matches)

    def save_odds(self, rows: Sequence[OddsRow]) -> int:
        with self.write_lock:
            return self.inner.save_odds(rows)

    def save_tracking(self, state: dict[str, Any]) -> object | None:
        with self.write_lock:
            return self.inner.save_tracking(state)

    def record_heartbeat(self, heartbeat: Heartbeat) -> None:
        with self.write_lock:
            self.inner.record_heartbeat(heartbeat)

    def replay_spool(self) -> int:
        with self.write_lock:
            return self.inner.replay_spool()

    def save_checkpoint(self, name: str, data: dict[str, Any]) -> None:
        with self.write_lock:
            self.inner.save_checkpoint(name, data)

    def close(self) -> None:
        with self.write_lock:
            self.inner.close()

    def quarantine_events(self, events: Sequence[QuarantinedEvent]) -> None:
        with self.write_lock:
            self.inner.quarantine_events(events)


class CycleRunner:
    """What happens at each tick of the schedule."""

    def __init__(
        self,
        settings: Settings,
        store: GuardedStore,
        lease: Lease,
        metrics: CollectorMetrics,
        watch: IncidentWatch | None = None,
    ) -> None:
        self.settings, self.store, self.lease, self.metrics = settings, store, lease, metrics
        self.collector = Collector(settings, store)
        # Alerts (ops/watch.py): told the outcome of every tick, never raises into it.
        self.watch = watch or IncidentWatch(settings, metrics, build_alerter(settings, metrics))
        count_errors(self.collector.client, metrics.archive_errors.inc)
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
        # Webhooks (push/webhooks.py): their own thread, woken after each tick.
        self.push_thread: PushThread | None = None
        pusher = build_pusher(settings, store, metrics)
        if pusher is not None:
            pusher.prepare()
            self.push_thread = PushThread(pusher, lambda: self.lease.held)
            self.push_thread.start()

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
        if self.push_thread is not None:
            self.push_thread.stop(self.push_thread.pusher.timeout_s + 1)
        self.watch.close()
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
            if self.push_thread is not None:
                self.push_thread.wake()

    def _tick(self) -> None:
        try:
            held = self.lease.ensure()
        except CollectorError as exc:
            log.error(messages.LEASE_UNAVAILABLE, mask_secrets(str(exc)))
            self._failed(exc)
            self.watch.lease_failed(exc)
            return
        if not held:
            self._standby()
            return
        self._took_lease()
        if self._skip > 0:
            self._skip -= 1
            self.metrics.tick("skipped")
            log.debug(messages.CYCLE_SKIPPED, self._skip)
            return
        try:
            report = self.collector.run_cycle()
        except CollectorError as exc:  # already logged by the cycle, with its cause
            self._failed(exc)
            self.watch.cycle_failed(self.collector, exc)
        except Exception as exc:  # the cycle guard: whatever happened, the daemon goes on
            log.exception(messages.UNEXPECTED_ERROR)
            self._failed(exc)
            self.watch.cycle_failed(self.collector, exc)
        else:
            self._succeeded(report)
            self.watch.cycle_ok(self.collector, report)

    def _took_lease(self) -> None:
        self.watch.took_lease()
        if self._collecting:
            log.debug(messages.LEASE_RENEWED, self.lease.mechanism)
            return
        self._collecting = True
        holder = self.lease.holder()
        self.metrics.lease(True, holder)
        if self._standby_said is not None:
            log.info(messages.LEASE_TAKEOVER)
        log.info(messages.LEASE_TAKEN, self.lease.mechanism)
        self._standby_said = None

    def _standby(self) -> None:
        self._collecting = False
        holder = self.lease.holder()
        self.metrics.lease(False, holder)
        self.metrics.tick("standby")
        self.watch.standby(holder)
        who = holder.describe() if holder else messages.UNKNOWN_HOLDER
        now = time.monotonic()
        said = self._standby_said
        if said is None:
            log.info(
                messages.STANDBY,
                who,
            )
        elif said[1] != who or now - said[0] >= STANDBY_REMINDER_S:
            log.info(messages.STANDBY_REMINDER, who)
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
                messages.FAILURES_IN_A_ROW,
                self.failures,
                self.failing_since.strftime("%Y-%m-%d %H:%M:%S"),
                self.last_error,
                self._skip + 1,
            )

    def _succeeded(self, report: CycleReport) -> None:
        now = datetime.now(UTC)
        if self.failures and self.failing_since is not None:
            log.info(
                messages.RECOVERED,
                self.failures,
                self.failing_since.strftime("%Y-%m-%d %H:%M:%S"),
            )
        self.failures, self.failing_since, self._skip = 0, None, 0
        self.last_success, self.last_error = now, ""
        self.metrics.success(len(report.saved), now)
        self.metrics.rejected(report.rejected)

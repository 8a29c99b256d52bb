"""Daemon mode (``docs/operations.md`` §1–2): scheduling, shutdown, background collector.

One APScheduler job (``CycleRunner.tick``): first run at once, then every interval; never two
at once (``max_instances=1``), late runs coalesced into one. Cycles run in a worker thread, so
even a cycle stuck past its timeouts cannot stop the scheduler from noticing a stop request.

Shutdown, rq-style: signal handlers only set flags; a watcher thread acts on them.

* First SIGTERM/SIGINT: stop scheduling, let the running cycle finish (at most
  ``stop_grace_s``), close the store and the metrics endpoint, release the lease, log
  ``Service de collecte arrêté``, exit 0.
* Second signal: exit at once (130) — but never during a store write. Every write goes
  through ``GuardedStore``'s lock; the forced exit takes that lock first (waiting for a write
  in progress, each being one write+fsync or one transaction), then calls ``os._exit``. The
  OS and the database release the lease of a dead process.
"""

from __future__ import annotations

import logging
import math
import os
import signal
import threading
from datetime import UTC, datetime
from types import FrameType
from typing import Any

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_RUNNING, BaseScheduler, SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from oracxpred import defaults, messages
from oracxpred.collector.lease import lease_for
from oracxpred.collector.schedule import CycleRunner, GuardedStore
from oracxpred.config import Settings
from oracxpred.errors import CollectorError
from oracxpred.logs import LOGGER_NAME, get_logger, mask_secrets
from oracxpred.metrics import CollectorMetrics
from oracxpred.store.factory import open_store

log = get_logger("collector.daemon")

FORCE_WRITE_WAIT_S = 15.0
"""Longest wait for a store write in progress before a forced exit (one batch, one fsync)."""

WATCH_POLL_S = 0.1
"""How often the watcher looks at the signal flags."""


def stop_grace_s(settings: Settings) -> float:
    """Longest wait for the running cycle at a clean stop: a feed poll with all its retries
    (twice: feed and results service), plus the store's write."""
    return max(30.0, 2 * (settings.retries + 1) * settings.timeout_s + 10)


class StopFlags:
    """Set by signal handlers, nothing else (a handler that logs or locks can deadlock)."""

    def __init__(self) -> None:
        self.stop = False
        self.force = False
        self.signal_name = ""

    def handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.stop:
            self.force = True
        else:
            self.signal_name = signal.Signals(signum).name
            self.stop = True


def _flush_logs() -> None:
    for handler in logging.getLogger(LOGGER_NAME).handlers:
        handler.flush()


def exit_now(store: GuardedStore, code: int) -> None:
    """``os._exit`` once no store write is in progress (and none can start)."""
    if not store.write_lock.acquire(timeout=FORCE_WRITE_WAIT_S):
        log.error(messages.FORCED_EXIT_WRITE_PENDING, FORCE_WRITE_WAIT_S)
    _flush_logs()
    os._exit(code)


def stop_scheduler(scheduler: BaseScheduler) -> None:
    """Shut the scheduler down without waiting for the running cycle.

    The job is removed first: APScheduler 3.x's ``shutdown`` closes the executor while its
    scheduling thread may still be about to submit a due run, which then fails with
    "cannot schedule new futures after shutdown" and a traceback in the log (seen under load).
    Removing the job takes the job-store lock that submission holds, so no run is submitted after.
    """
    scheduler.remove_all_jobs()
    scheduler.shutdown(wait=False)


class Watcher(threading.Thread):
    """Turns the flags into actions: shut the scheduler down, or exit at once."""

    def __init__(self, flags: StopFlags, scheduler: BaseScheduler, runner: CycleRunner) -> None:
        super().__init__(name="oracxpred-stop-watcher", daemon=True)
        self.flags, self.scheduler, self.runner = flags, scheduler, runner
        self.finished = threading.Event()

    def run(self) -> None:
        announced = False
        while not self.finished.wait(WATCH_POLL_S):
            if self.flags.force:
                log.warning(messages.SECOND_SIGNAL)
                exit_now(self.runner.store, 130)
            if not self.flags.stop:
                continue
            if not announced:
                log.info(
                    messages.STOP_REQUESTED,
                    self.flags.signal_name,
                )
                self.runner.request_stop()
                announced = True
            if self.scheduler.state == STATE_RUNNING:
                try:
                    stop_scheduler(self.scheduler)
                except SchedulerNotRunningError:
                    pass


def _schedule(scheduler: BaseScheduler, runner: CycleRunner, settings: Settings) -> None:
    interval_s = settings.interval_min * 60

    warned_for = [-1]  # the tick whose overrun was already reported

    def on_event(event: JobEvent) -> None:
        if event.code != EVENT_JOB_MAX_INSTANCES:
            log.warning(messages.TRIGGER_MISSED)
        elif warned_for[0] != runner.ticks:
            warned_for[0] = runner.ticks
            log.warning(messages.OVERRUN_FIRST)
        else:
            log.debug(messages.OVERRUN_AGAIN)

    scheduler.add_listener(on_event, EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED)
    scheduler.add_job(
        runner.tick,
        IntervalTrigger(seconds=interval_s, timezone=UTC),
        id="collecte",
        name="collecte",
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
        # A run up to one interval late still happens (coalesced into one); later than that,
        # the next one on schedule is as close.
        misfire_grace_time=max(1, math.ceil(interval_s)),
    )
    if settings.audit_every_min > 0:
        from oracxpred.history.continuous import schedule_audit

        schedule_audit(scheduler, runner, settings)


def _quiet_apscheduler() -> None:
    # APScheduler's own INFO/WARNING lines are English and duplicate ours (listeners above).
    logging.getLogger("apscheduler").setLevel(logging.ERROR)


def _open(settings: Settings, metrics: CollectorMetrics) -> CycleRunner:
    store = GuardedStore(open_store(settings))
    return CycleRunner(settings, store, lease_for(settings), metrics)


def run_daemon(settings: Settings) -> int:
    """``--daemon``: collect every interval until SIGTERM/SIGINT; 0 after a clean stop."""
    if settings.interval_min < defaults.MIN_SAFE_INTERVAL_MIN:
        log.warning(
            messages.INTERVAL_TOO_SHORT.format(
                interval=settings.interval_min, minimum=defaults.MIN_SAFE_INTERVAL_MIN
            )
        )
    flags = StopFlags()
    wanted = [signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGBREAK", None)]
    previous = {s: signal.signal(s, flags.handle) for s in wanted if s is not None}
    try:
        return _serve(settings, flags)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _serve(settings: Settings, flags: StopFlags) -> int:
    metrics = CollectorMetrics()
    try:
        runner = _open(settings, metrics)
    except CollectorError as exc:
        log.error(messages.FAILED.format(reason=mask_secrets(str(exc))))
        return 1
    try:
        if settings.metrics_port:
            try:
                port = metrics.serve(settings.metrics_port)
            except OSError as exc:
                log.error(messages.METRICS_PORT_UNAVAILABLE, settings.metrics_port, exc)
                return 1
            log.info(messages.METRICS_SERVING, port)
        _quiet_apscheduler()
        scheduler = BlockingScheduler(
            timezone=UTC, executors={"default": ThreadPoolExecutor(max_workers=2)}
        )
        _schedule(scheduler, runner, settings)
        watcher = Watcher(flags, scheduler, runner)
        watcher.start()
        log.info(
            messages.DAEMON_STARTED,
            settings.interval_min,
            runner.store.backend,
        )
        try:
            if not flags.stop:
                scheduler.start()  # returns once the watcher has shut it down
            runner.request_stop()
            grace = stop_grace_s(settings)
            if not runner.wait_idle(grace):
                # Closing the store under a running cycle could cut its write: exit instead,
                # once no write is in progress; the OS and the server free the lease.
                log.warning(messages.STOP_CYCLE_RUNNING, grace)
                log.info(messages.STOPPED)
                exit_now(runner.store, 0)
        finally:
            watcher.finished.set()
    finally:
        runner.close()
        metrics.close()
    log.info(messages.STOPPED)
    return 0


class BackgroundCollector:
    """The web app's internal collector: the daemon's job and lease in a background thread.

    Start one per process (each gunicorn worker, after the fork): the lease makes exactly one
    of them — or an external daemon — collect.
    """

    def __init__(self, settings: Settings, metrics: CollectorMetrics | None = None) -> None:
        self.settings = settings
        self.metrics = metrics or CollectorMetrics()
        self.runner = _open(settings, self.metrics)
        _quiet_apscheduler()
        self.scheduler = BackgroundScheduler(
            timezone=UTC, daemon=True, executors={"default": ThreadPoolExecutor(max_workers=1)}
        )
        _schedule(self.scheduler, self.runner, settings)
        self._stopped = False

    @property
    def collecting(self) -> bool:
        """Whether this process currently holds the lease."""
        return self.runner.lease.held

    def status(self) -> dict[str, Any]:
        return self.runner.status()

    def stop(self) -> None:
        """Stop scheduling, wait (bounded) for the running cycle, release everything."""
        if self._stopped:
            return
        self._stopped = True
        self.runner.request_stop()
        if self.scheduler.state == STATE_RUNNING:
            stop_scheduler(self.scheduler)
        if not self.runner.wait_idle(stop_grace_s(self.settings)):
            # Its thread is a daemon thread: the store and the lease stay with it (closing
            # them under a write could cut it) and the process exit frees them.
            log.warning(messages.BACKGROUND_STOP_CYCLE_RUNNING)
            return
        self.runner.close()
        log.info(messages.STOPPED)


def start_background_collector(
    settings: Settings, metrics: CollectorMetrics | None = None
) -> BackgroundCollector:
    """Start the internal collector; raises ``CollectorError`` when the store cannot open."""
    collector = BackgroundCollector(settings, metrics)
    collector.scheduler.start()
    return collector

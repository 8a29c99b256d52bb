"""Stopping the schedule never logs APScheduler's "cannot schedule new futures" traceback."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

import pytest
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from oracxpred.collector.daemon import stop_scheduler


def test_stop_removes_the_job_before_the_executor_closes() -> None:
    scheduler = BackgroundScheduler(
        timezone=UTC, daemon=True, executors={"default": ThreadPoolExecutor(max_workers=1)}
    )
    scheduler.add_job(lambda: None, IntervalTrigger(seconds=60, timezone=UTC), id="x")
    scheduler.start()
    stop_scheduler(scheduler)
    assert scheduler.get_jobs() == []
    assert not scheduler.running


def test_stopping_a_busy_schedule_logs_no_submission_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A job due every millisecond while the scheduler is shut down, many times over.

    The race (the scheduling thread waiting for the job-store lock while ``shutdown`` closes the
    executor) is narrow, so this loop rarely hits it without the fix; it guards the fix in
    a loaded run, where it was seen (tests/web/test_gunicorn.py logged the traceback)."""
    caplog.set_level(logging.ERROR, logger="apscheduler")
    for _ in range(50):
        ran = threading.Event()
        scheduler = BackgroundScheduler(
            timezone=UTC, daemon=True, executors={"default": ThreadPoolExecutor(max_workers=1)}
        )
        scheduler.add_job(
            ran.set,
            IntervalTrigger(seconds=0.001, timezone=UTC),
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
        )
        scheduler.start()
        assert ran.wait(10)
        stop_scheduler(scheduler)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("apscheduler")] == []

"""The web app's internal collector: same job, same lease as the daemon.

Two ``BackgroundCollector`` in one process stand for two gunicorn workers (each lease has its
own lock descriptor or database session, exactly as in separate processes)."""

from __future__ import annotations

import signal

import pytest

from oracxpred.collector.daemon import start_background_collector
from oracxpred.config import Settings
from oracxpred.simulator.server import start_simulator
from tests.helpers import wait_until
from tests.service.support import (
    START,
    STOPPED,
    advance_until_new_finish,
    collector,
    csv_ids,
    db_ids,
    postgres_database,
)


def ticks(bc, result: str) -> float:
    value = bc.metrics.registry.get_sample_value("oracxpred_cycles_total", {"result": result})
    return value or 0.0


@pytest.fixture
def sim():
    with start_simulator() as handle:
        advance_until_new_finish(handle, set())
        yield handle


def settings(sim, tmp_path, url=None):
    return Settings(
        feed_url=sim.feed_url, csv_path=tmp_path / "m.csv", database_url=url, interval_min=0.01
    )


def workers_collect_once_and_hand_over(sim, make, ids):
    workers = [make(), make()]
    try:
        wait_until(
            lambda: (
                sum(w.collecting for w in workers) == 1
                and max(ticks(w, "success") for w in workers) >= 2
                and max(ticks(w, "standby") for w in workers) >= 2
            ),
            timeout=60,
            what="one worker collecting, the other standing by",
        )
        holder = next(w for w in workers if w.collecting)
        other = next(w for w in workers if w is not holder)
        assert ticks(other, "success") == 0
        assert holder.status()["collecting"] is True
        assert ids()
        holder.stop()
        wait_until(lambda: ticks(other, "success") >= 1, timeout=60, what="the other takes over")
        new = advance_until_new_finish(sim, set(ids()))
        wait_until(lambda: new <= set(ids()), what="matches saved by the second worker")
        assert other.collecting
    finally:
        for worker in workers:
            worker.stop()
    stored = ids()
    assert len(stored) == len(set(stored))


def test_two_workers_on_csv_collect_once_and_hand_over(sim, tmp_path):
    s = settings(sim, tmp_path)
    workers_collect_once_and_hand_over(
        sim, lambda: start_background_collector(s), lambda: csv_ids(tmp_path / "m.csv")
    )


@pytest.mark.postgres
def test_two_workers_on_postgres_collect_once_and_hand_over(sim, tmp_path):
    with postgres_database() as url:
        s = settings(sim, tmp_path, url)
        workers_collect_once_and_hand_over(
            sim, lambda: start_background_collector(s), lambda: db_ids(url)
        )


def test_worker_never_collects_beside_an_external_daemon(sim, tmp_path):
    proc = collector(
        "--daemon",
        "--interval",
        "0.01",
        "--feed-url",
        sim.feed_url,
        "--csv-path",
        str(tmp_path / "m.csv"),
    )
    try:
        wait_until(lambda: proc.count(START) >= 1, timeout=60, what="the daemon collecting")
        worker = start_background_collector(settings(sim, tmp_path))
        try:
            wait_until(lambda: ticks(worker, "standby") >= 5, what="worker standing by")
            assert ticks(worker, "success") == ticks(worker, "failure") == 0
            assert not worker.collecting
        finally:
            worker.stop()
        proc.popen.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
    finally:
        proc.stop()
    assert proc.lines[-1].endswith(STOPPED)

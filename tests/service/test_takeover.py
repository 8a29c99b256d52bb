"""Several collectors on one store (real processes): exactly one collects, cron runs stand by,
and ``kill -9`` of the active one hands the lease to a standby."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Callable

import pytest

from oracxpred.simulator.server import start_simulator
from tests.helpers import free_port, run_collector, wait_until
from tests.service.support import (
    STANDBY,
    START,
    STOPPED,
    SUCCESS,
    SUMMARY,
    Proc,
    advance_until_new_finish,
    alive_and,
    collector,
    csv_ids,
    db_ids,
    postgres_database,
)


def collecting(procs: list[Proc]) -> list[Proc]:
    return [p for p in procs if p.count(START)]


def one_collects_then_takeover(
    sim, procs: list[Proc], ids: Callable[[], list[int]], store_args: list[str]
) -> None:
    wait_until(
        lambda: (
            len(collecting(procs)) == 1
            and collecting(procs)[0].count(SUMMARY) >= 2
            and sum(p.count(STANDBY) for p in procs) == len(procs) - 1
        ),
        timeout=60,
        what="one collector active, the others standing by",
    )
    first = collecting(procs)[0]

    # A cron run meanwhile: it says who collects and leaves the store alone.
    cron = run_collector("--feed-url", sim.feed_url, *store_args)
    assert cron.returncode == 0, cron.stdout + cron.stderr
    assert STANDBY in cron.stdout
    assert f"pid {first.pid}" in cron.stdout
    assert START not in cron.stdout
    check = run_collector("--test-db", *store_args)
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"Collecteur actif : hôte {socket.gethostname()}, pid {first.pid}" in check.stdout

    new = advance_until_new_finish(sim, set(ids()))
    wait_until(lambda: new <= set(ids()), what="matches saved by the first holder")

    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    rest = [p for p in procs if p is not first]
    wait_until(lambda: collecting(rest), timeout=60, what="a standby taking over")
    new = advance_until_new_finish(sim, set(ids()))
    wait_until(lambda: new <= set(ids()), what="matches saved by the new holder")
    assert len(collecting(rest)) == 1
    for proc in rest:
        assert proc.count(STANDBY) <= 1  # said once, not at every tick
        proc.popen.send_signal(signal.SIGTERM)
    for proc in rest:
        assert proc.wait(60) == 0
        assert proc.lines[-1].endswith(STOPPED)
    stored = ids()
    assert len(stored) == len(set(stored))


def test_two_daemons_on_one_csv_file(tmp_path):
    csv_path = tmp_path / "m.csv"
    store_args = ["--csv-path", str(csv_path)]
    with start_simulator() as sim:
        advance_until_new_finish(sim, set())
        procs = [
            collector("--daemon", "--interval", "0.01", "--feed-url", sim.feed_url, *store_args)
            for _ in range(2)
        ]
        try:
            one_collects_then_takeover(sim, procs, lambda: csv_ids(csv_path), store_args)
        finally:
            for proc in procs:
                proc.stop()


@pytest.mark.postgres
def test_three_daemons_on_one_postgres_database(tmp_path):
    with postgres_database() as url, start_simulator() as sim:
        advance_until_new_finish(sim, set())
        procs = [
            collector(
                "--daemon",
                "--interval",
                "0.01",
                "--feed-url",
                sim.feed_url,
                "--database-url",
                url,
                "--csv-path",  # each its own spool: only the database is shared
                str(tmp_path / f"hote{i}" / "m.csv"),
            )
            for i in range(3)
        ]
        store_args = ["--database-url", url, "--csv-path", str(tmp_path / "cron" / "m.csv")]
        try:
            one_collects_then_takeover(sim, procs, lambda: db_ids(url), store_args)
        finally:
            for proc in procs:
                proc.stop()


def test_database_down_at_start_falls_back_to_the_local_lock(tmp_path):
    """The store starts degraded (spooling): the lease falls back to the file lock beside the
    CSV path, so one collector still collects, into the spool, and a second one stands by."""
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/absente"
    args = ["--database-url", url, "--csv-path", str(tmp_path / "m.csv")]
    with start_simulator() as sim:
        advance_until_new_finish(sim, set())
        procs = [
            collector("--daemon", "--interval", "0.01", "--feed-url", sim.feed_url, *args)
            for _ in range(2)
        ]
        try:
            wait_until(
                alive_and(
                    procs,
                    lambda: (
                        len(collecting(procs)) == 1
                        and collecting(procs)[0].count(SUCCESS) >= 1
                        and sum(p.count(STANDBY) for p in procs) == 1
                    ),
                ),
                timeout=60,
                what="one degraded collector, one standby",
            )
            active = collecting(procs)[0]
            assert "verrou local" in active.text
            for proc in procs:
                proc.popen.send_signal(signal.SIGTERM)
            for proc in procs:
                assert proc.wait(60) == 0
        finally:
            for proc in procs:
                proc.stop()
    assert csv_ids(tmp_path / "m.spool.csv")

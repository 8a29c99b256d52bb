"""Completeness against the simulator's truth (``bench/completeness.py`` in short): every match
that finished is stored exactly once, with its true score and exact closing odds.

One poll per simulated minute on a manual clock; after the window, polls every five simulated
minutes with faults off until the matches that left the feed unseen are resolved.
"""

from __future__ import annotations

import pytest

from oracxpred.config import Settings
from oracxpred.simulator.server import start_simulator
from tests.helpers import need, port_open
from tests.support.drive import (
    FAULT_BACKOFF_S,
    FAULT_ENV,
    FAULT_RETRIES,
    FAULT_TIMEOUT_S,
    OneShot,
    run,
)
from tests.support.drive import InProcess as InProcessPoller


def settings_for(sim, tmp_path, database_url=None, faults=False) -> Settings:
    return Settings(
        feed_url=sim.feed_url,
        csv_path=tmp_path / "matches.csv",
        database_url=database_url,
        timeout_s=FAULT_TIMEOUT_S if faults else 10.0,
        retries=FAULT_RETRIES if faults else 3,
        backoff_s=FAULT_BACKOFF_S,
    )


def in_process(sim, settings, **options):
    poller = InProcessPoller(settings)
    try:
        return run(sim, settings, poller, **options)
    finally:
        poller.close()


def test_one_simulated_hour_in_process_stores_every_match_once(tmp_path):
    with start_simulator(seed=41) as sim:
        settings = settings_for(sim, tmp_path)
        stats, check = in_process(sim, settings, polls=60)
    assert stats.failed == 0
    assert check.expected >= 5
    assert check.perfect, check.summary()
    assert check.opening_ok == check.expected  # polled from the first announcement on


@pytest.mark.postgres
def test_one_simulated_hour_in_process_on_postgresql(tmp_path):
    need(port_open("127.0.0.1", 5432), "PostgreSQL absent sur 127.0.0.1:5432")
    from tests.support.databases import pg_database

    with start_simulator(seed=42) as sim, pg_database("oracxpred_faults") as url:
        settings = settings_for(sim, tmp_path, database_url=url)
        stats, check = in_process(sim, settings, polls=60)
    assert stats.failed == 0
    assert check.expected >= 5
    assert check.perfect, check.summary()


def test_one_shot_processes_every_minute_store_every_match_once(tmp_path):
    """The cron way: 36 real ``collector_service.py`` runs, one per simulated minute."""
    with start_simulator(seed=43) as sim:
        settings = settings_for(sim, tmp_path)
        poller = OneShot(settings)
        stats, check = run(sim, settings, poller, polls=36)
    assert poller.bad_exits == []
    assert stats.failed == 0
    assert check.expected >= 3
    assert check.perfect, check.summary()


@pytest.mark.parametrize("seed", [1, 2])
def test_ten_percent_faults_of_every_mode_lose_nothing(tmp_path, seed):
    """Two simulated hours; each request fails with probability 0.1, the fault mode changing
    every six polls through all sixteen, on the feed or on feed and results service."""
    with start_simulator(seed=44 + seed) as sim:
        settings = settings_for(sim, tmp_path, faults=True)
        stats, check = in_process(sim, settings, polls=120, fault_rate=0.1, fault_seed=seed)
        served = sim.faults()["served"]
    assert len(set(m.split("/")[0] for m in stats.modes)) == 16
    assert served >= 10  # faults really happened
    assert check.expected >= 15
    assert check.perfect, check.summary()


@pytest.mark.slow
def test_ten_percent_faults_with_one_shot_processes(tmp_path):
    with start_simulator(seed=47) as sim:
        settings = settings_for(sim, tmp_path, faults=True)
        poller = OneShot(settings, FAULT_ENV)
        _stats, check = run(sim, settings, poller, polls=45, fault_rate=0.1, fault_seed=3)
    assert poller.bad_exits == []
    assert check.expected >= 4
    assert check.perfect, check.summary()

"""Replay equals live: a run against the simulator with faults and vanished matches, recorded,
then replayed into an empty store of the same backend, must give the same rows."""

from __future__ import annotations

import contextlib

import pytest

from oracxpred.archive.reader import stats
from oracxpred.simulator.server import start_simulator
from tests.archive.support import (
    live_run,
    live_settings,
    replay_into,
    served_reduction,
    stored,
    stored_odds,
    timeline_states,
)
from tests.service.support import mariadb_database, postgres_database


@contextlib.contextmanager
def _database(backend, tmp_path, name):
    """A fresh store of ``backend``: None for CSV, else its URL (SQLite file ``name``.db)."""
    if backend == "csv":
        yield None
    elif backend == "sqlite":
        yield f"sqlite:///{tmp_path / f'{name}.db'}"
    elif backend == "postgresql":
        with postgres_database() as url:
            yield url
    else:
        with mariadb_database() as url:
            yield url


BACKENDS = [
    "csv",
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.postgres),
    pytest.param("mariadb", marks=pytest.mark.mariadb),
]


@pytest.mark.parametrize("backend", BACKENDS)
def test_replay_rebuilds_the_live_store_row_for_row(tmp_path, backend):
    with (
        start_simulator(seed=71, unpublished_rate=0.3, results_delay_s=120) as sim,
        _database(backend, tmp_path, "live") as url,
    ):
        settings = live_settings(sim, tmp_path, database_url=url)
        run_stats, check = live_run(sim, settings, polls=90, fault_rate=0.1, seed=3)
        live = stored(settings)
        live_odds = stored_odds(settings)
    assert run_stats.failed > 0, "the run must include failed cycles"
    recorded = stats([settings.archive_path])
    assert recorded.results > 0, "vanished matches must have been asked of the results service"
    assert recorded.failed > 0
    assert check.stored_ok >= 5, check.summary()  # unpublished matches are never stored
    with _database(backend, tmp_path, "replay") as target_url:
        target = settings.with_(
            database_url=target_url, csv_path=tmp_path / "replay" / "matches.csv"
        )
        summary, notes = replay_into([settings.archive_path], target)
        replayed = stored(target)
        replayed_odds = stored_odds(target)
    assert notes == []
    assert summary.mismatches == 0
    assert summary.skipped_records == 0
    assert summary.failed_cycles == run_stats.failed
    assert replayed == live
    assert {m.finish_source for m in live} >= {m.finish_source for m in replayed}
    # The odds timeline: exactly the change-only reduction of the answers served, and the
    # replay rebuilds it row for row.
    assert live_odds, "the run must have stored an odds timeline"
    assert timeline_states(live_odds) == served_reduction([settings.archive_path])
    assert replayed_odds == live_odds
    assert any(r.removed for *_, r in live_odds)
    assert {r.phase.value for *_, r in live_odds} >= {"prematch", "live"}


def test_two_archives_are_merged_by_time(tmp_path):
    """Two servers one after the other, each with its own folder: one replay of both equals
    the store they filled together."""
    with start_simulator(seed=72, unpublished_rate=0.2) as sim:
        first = live_settings(sim, tmp_path)
        live_run(sim, first, polls=40)
        second = first.with_(archive_dir=tmp_path / "archive-2")
        sim.advance(60)
        _, check = live_run(sim, second, polls=40)
        live = stored(first)
    assert check.perfect, check.summary()
    target = first.with_(csv_path=tmp_path / "replay" / "matches.csv")
    summary, notes = replay_into([second.archive_path, first.archive_path], target)
    assert notes == []
    assert summary.mismatches == 0
    assert stored(target) == live


def test_a_run_over_mirrors_with_a_dead_and_an_html_host_replays_as_it_ran(tmp_path):
    """Three mirrors (a dead host, a block page, the simulator) and faults on the simulator:
    the live fetches go on from host to host, their records number on across hosts, and the
    replay serves each fetch whole: same cycles, same failures, same rows."""
    from tests.helpers import free_port

    dead = f"http://127.0.0.1:{free_port()}/service-api/LiveFeed/Get1x2_VZip?sports=85"
    with (
        start_simulator(seed=72, manual_clock=True) as blocked,
        start_simulator(seed=71, unpublished_rate=0.3, results_delay_s=120) as sim,
    ):
        blocked.set_faults(mode="html")  # every request: a block page
        settings = live_settings(sim, tmp_path, feed_urls=(dead, blocked.feed_url, sim.feed_url))
        run_stats, check = live_run(sim, settings, polls=60, fault_rate=0.15, seed=5)
        live = stored(settings)
        live_odds = stored_odds(settings)
    notes: list = []
    from oracxpred.archive.reader import merged

    records = list(merged([settings.archive_path], notes))
    hosts = {r.url.split("/")[2] for r in records if r.kind == "feed"}
    assert len(hosts) == 3, "every mirror must have been tried"
    assert any(r.kind == "feed" and r.attempt > 1 and r.error is None for r in records)
    assert check.stored_ok >= 5, check.summary()
    target = settings.with_(csv_path=tmp_path / "replay" / "matches.csv")
    summary, notes = replay_into([settings.archive_path], target)
    assert notes == []
    assert summary.mismatches == 0
    assert summary.cycles == run_stats.polls  # the drain polls included
    assert summary.failed_cycles == run_stats.failed
    assert stored(target) == live
    assert stored_odds(target) == live_odds

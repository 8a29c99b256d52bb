"""Cron == daemon for the odds timeline: one-shot processes diff against the last prices kept
in the tracker state, so the rows they store are the rows one long-lived collector stores."""

from __future__ import annotations

from oracxpred.simulator.server import start_simulator
from tests.archive.support import stored_odds
from tests.faults.test_completeness import in_process, settings_for
from tests.support.drive import OneShot, run

POLLS = 24


def test_one_shot_runs_store_the_same_timeline_as_one_collector(tmp_path):
    with start_simulator(seed=48) as sim:
        cron = settings_for(sim, tmp_path / "cron")
        poller = OneShot(cron)
        run(sim, cron, poller, polls=POLLS)
    with start_simulator(seed=48) as sim:
        daemon = settings_for(sim, tmp_path / "daemon")
        in_process(sim, daemon, polls=POLLS)
    assert poller.bad_exits == []
    by_cron, by_daemon = stored_odds(cron), stored_odds(daemon)
    assert len(by_cron) > 500
    assert any(r.removed for *_, r in by_cron)
    assert by_cron == by_daemon

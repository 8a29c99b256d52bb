"""``oracxpred backfill`` against the simulator's results service, on real stores and processes."""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from oracxpred.cli import main
from oracxpred.core.records import FinishSource
from oracxpred.feed.client import FeedClient, RetryPolicy
from oracxpred.history import checkpoint
from oracxpred.history.backfill import Pacer, run_backfill
from oracxpred.store.base import Store
from tests.helpers import REPO, wait_until
from tests.history.conftest import cli_args, open_target, truth_between

DAY = 86400


def client_for(sim: Any, retries: int = 3) -> FeedClient:
    return FeedClient(sim.feed_url, policy=RetryPolicy(retries=retries, backoff_s=0.01))


def assert_matches_truth(store: Store, truth: dict[int, dict[str, Any]]) -> None:
    stored = {m.event_id: m for m in store.iter_matches()}
    assert set(stored) == set(truth)
    for event_id, t in truth.items():
        m = stored[event_id]
        assert (m.score1, m.score2) == (t["score1"], t["score2"])
        half = None if t["halftime1"] is None else (t["halftime1"], t["halftime2"])
        assert (None if m.halftime is None else (m.halftime.home, m.halftime.away)) == half
        assert (m.team1, m.team2, m.team1_id, m.team2_id) == (
            t["team1"], t["team2"], t["team1_id"], t["team2_id"],
        )  # fmt: skip
        assert (m.league, m.league_id) == (t["league"], t["league_id"])
        assert m.start_time == datetime.fromtimestamp(t["start"], tz=UTC)
        assert m.finish_source is FinishSource.BACKFILL
        assert m.odds is None
        assert m.opening_odds is None


def test_backfill_equals_the_simulator_truth_on_every_backend(sim, any_target):
    with open_target(any_target) as store, client_for(sim) as client:
        pacer = Pacer(0)
        report = run_backfill(store, client, days=2, pacer=pacer)
        assert report.complete
        assert report.upper - report.lower == 2 * DAY
        assert report.upper % 300 == 0
        assert report.upper <= time.time() - 1800
        truth = truth_between(sim, report.lower, report.upper)
        assert len(truth) > 500
        assert_matches_truth(store, truth)
        # One v3/games call per league and day, plus the listing (one 2-day window).
        assert pacer.requests == 2 * 2 + 1
        assert sum(s.stored for s in report.leagues) == len(truth)
        again = Pacer(0)
        second = run_backfill(store, client, days=2, pacer=again)
        assert again.requests == 0  # the range is done, the listing is in the checkpoint
        assert sum(s.stored + s.present for s in second.leagues) == 0
        assert store.count_matches() == len(truth)
        saved = checkpoint.load(store)
        assert saved is not None
        assert saved.upper == report.upper


def test_restart_forgets_the_checkpoint_and_stores_nothing_twice(sim, tmp_path):
    target = {"csv_path": tmp_path / "m.csv", "database_url": None}
    with open_target(target) as store, client_for(sim) as client:
        first = run_backfill(store, client, days=1, pacer=Pacer(0), leagues=[2986291])
        again = run_backfill(store, client, days=1, pacer=Pacer(0), leagues=[2986291], restart=True)
        assert again.leagues[0].stored == 0
        assert again.leagues[0].present == first.leagues[0].stored > 100


def test_a_match_seen_in_the_feed_is_never_overwritten(sim, tmp_path):
    target = {"csv_path": tmp_path / "m.csv", "database_url": None}
    with open_target(target) as store, client_for(sim) as client:
        run_backfill(store, client, days=1, pacer=Pacer(0), leagues=[2860561])
        kept = next(iter(store.iter_matches()))
    target2 = {"csv_path": tmp_path / "other.csv", "database_url": None}
    with open_target(target2) as store, client_for(sim) as client:
        feed_row = replace(kept, finish_source=FinishSource.FEED, status="Jeu terminé", score1=99)
        store.save_matches([feed_row])
        report = run_backfill(store, client, days=1, pacer=Pacer(0), leagues=[2860561])
        assert report.leagues[0].present == 1
        stored = {m.event_id: m for m in store.iter_matches()}
        assert stored[kept.event_id] == feed_row


def test_resume_after_the_upper_bound_has_passed(sim, tmp_path):
    target = {"csv_path": tmp_path / "m.csv", "database_url": None}
    now = int(time.time())

    class Killed(Exception):
        pass

    class DiesAfter(Pacer):
        def __init__(self, left: int) -> None:
            super().__init__(0)
            self.left = left

        def wait(self) -> None:
            if self.left == 0:
                raise Killed
            self.left -= 1
            super().wait()

    with open_target(target) as store, client_for(sim) as client:
        with pytest.raises(Killed):  # 2 listing calls + 2 windows done, then "killed"
            run_backfill(store, client, days=3, pacer=DiesAfter(4), now=now)
        point = checkpoint.load(store)
        assert point is not None
        upper = point.upper
        later = Pacer(0)
        report = run_backfill(store, client, days=3, pacer=later, now=now + 2 * DAY)
        assert report.upper == upper  # fixed at the first run, not "now" again
        assert later.requests == 2 * 3 - 2  # only what was left
        assert_matches_truth(store, truth_between(sim, upper - 3 * DAY, upper))


def test_throttling_and_server_errors_are_retried(sim, tmp_path):
    target = {"csv_path": tmp_path / "m.csv", "database_url": None}
    sim.set_faults("429", count=2, target="results", retry_after=0)
    with open_target(target) as store, client_for(sim) as client:
        report = run_backfill(store, client, days=1, pacer=Pacer(0), leagues=[2986291])
        assert report.complete
        assert report.leagues[0].stored > 100
    assert sim.faults()["served"] >= 2


def test_a_window_that_keeps_failing_is_reported_and_left_for_the_next_run(sim, tmp_path):
    target = {"csv_path": tmp_path / "m.csv", "database_url": None}
    with open_target(target) as store, client_for(sim, retries=1) as client:
        sim.set_faults("400", count=1, target="results")
        report = run_backfill(store, client, days=2, pacer=Pacer(0), leagues=[2986291])
        assert not report.complete
        assert report.stopped is None
        assert len(report.leagues[0].failed) == 1
        assert report.leagues[0].seconds == DAY
        sim.set_faults("503", rate=1.0, target="results")
        down = run_backfill(store, client, days=2, pacer=Pacer(0), leagues=[2986291])
        assert down.stopped is not None
        assert "503" in down.stopped
        sim.set_faults("none")
        last = Pacer(0)
        final = run_backfill(store, client, days=2, pacer=last, leagues=[2986291])
        assert final.complete
        assert last.requests == 1
        upper = final.upper
    with open_target(target) as store:
        truth = {
            k: v for k, v in truth_between(sim, upper - 2 * DAY, upper).items()
            if v["league_id"] == 2986291
        }  # fmt: skip
        assert_matches_truth(store, truth)


def test_the_rate_limit_spaces_requests():
    moments: list[float] = []
    clock = [0.0]

    def sleep(s: float) -> None:
        clock[0] += s

    pacer = Pacer(2.0, clock=lambda: clock[0], sleep=sleep)
    for _ in range(5):
        pacer.wait()
        moments.append(clock[0])
    assert moments == [0.0, 0.5, 1.0, 1.5, 2.0]


def _csv_ids(path) -> list[int]:
    with open(path, newline="", encoding="utf-8") as f:
        return [int(r["event_id"]) for r in csv.DictReader(f)]


def _backfill_process(target: dict[str, Any], sim: Any, *extra: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    env.pop("DATABASE_URL", None)
    args = [sys.executable, "-m", "oracxpred", "backfill", "--days", "3", *extra]
    return subprocess.Popen(
        [*args, *cli_args(target, sim)],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sigkill_at_random_points_then_resume_leaves_no_gap_and_no_duplicate(sim, target):
    rng = random.Random(15)
    for _ in range(4):
        proc = _backfill_process(target, sim, "--rate", "6")
        time.sleep(rng.uniform(0.4, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    proc = _backfill_process(target, sim, "--rate", "0")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "Déjà présents" in out
    with open_target(target) as store:
        point = checkpoint.load(store)
        assert point is not None
        truth = truth_between(sim, point.upper - 3 * DAY, point.upper)
        assert_matches_truth(store, truth)
        assert store.count_matches() == len(truth)
    if target["database_url"] is None:
        ids = _csv_ids(target["csv_path"])
        assert len(ids) == len(set(ids)) == len(truth)


def test_a_live_daemon_is_the_only_writer(sim, target):
    from oracxpred.collector.lease import describe_holder
    from tests.history.conftest import settings_for

    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    env.pop("DATABASE_URL", None)
    daemon = subprocess.Popen(
        [sys.executable, str(REPO / "collector_service.py"), "--daemon", "--interval", "0.25",
         *cli_args(target, sim)],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        settings = settings_for(target, sim)
        wait_until(lambda: describe_holder(settings), timeout=30, what="le daemon prend le bail")
        busy = _backfill_process(target, sim, "--rate", "0")
        _out, err = busy.communicate(timeout=60)
        assert busy.returncode == 1
        assert "Un autre collecteur écrit dans ce stockage" in err
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.communicate(timeout=60)
    with open_target(target) as store:
        before = {m.event_id for m in store.iter_matches()}
    proc = _backfill_process(target, sim, "--rate", "0")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    with open_target(target) as store:
        after = [m.event_id for m in store.iter_matches()]
    assert len(after) == len(set(after))
    assert before <= set(after)
    if target["database_url"] is None:
        ids = _csv_ids(target["csv_path"])
        assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--days", "0"], "positif"),
        (["--days", "2", "--from", "2026-06-01"], "pas les deux"),
        (["--from", "2026-06-01"], "ensemble"),
        (["--from", "demain", "--to", "2026-06-02"], "date invalide"),
        (["--from", "2026-02-30", "--to", "2026-03-02"], "n'existe pas"),
        (["--from", "2026-06-03", "--to", "2026-06-01"], "précéder"),
        (["--days", "x"], "x"),
    ],
)
@pytest.mark.parametrize("command", ["backfill", "audit"])
def test_invalid_dates_and_ranges_are_usage_errors_in_french(
    command, args, words, capsys, tmp_path
):
    code = main([command, *args, "--csv-path", str(tmp_path / "m.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert "Erreur" in err
    assert words in err
    assert not (tmp_path / "m.csv").exists()


def test_a_range_entirely_after_the_fixed_bound_is_refused(capsys, tmp_path):
    code = main(
        [
            "audit",
            "--from",
            "2999-01-01",
            "--to",
            "2999-01-02",
            "--csv-path",
            str(tmp_path / "m.csv"),
        ]
    )
    assert code == 2
    assert "trop récente" in capsys.readouterr().err

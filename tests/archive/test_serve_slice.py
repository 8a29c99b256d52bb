"""The simulator serves an exported slice back: collecting from it gives the live store again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import zstandard

from oracxpred.archive.reader import stats
from oracxpred.simulator.server import start_simulator
from oracxpred.simulator.slice import start_slice_server
from tests.archive.support import live_run, live_settings, stored, stored_odds
from tests.archive.test_cli import cli
from tests.support.drive import InProcess, RunStats


def _day(delta: int) -> str:
    return (datetime.now(UTC) + timedelta(days=delta)).strftime("%Y-%m-%d")


def test_served_slice_rebuilds_the_live_store(tmp_path):
    with start_simulator(seed=73, unpublished_rate=0.3, results_delay_s=120) as sim:
        settings = live_settings(sim, tmp_path)
        run_stats, check = live_run(sim, settings, polls=40, fault_rate=0.1, seed=5)
        live = stored(settings)
        live_odds = stored_odds(settings)
    assert check.stored_ok >= 2, check.summary()
    recorded = stats([settings.archive_path])
    assert recorded.results > 0, "vanished matches must have been asked of the results service"
    assert recorded.failed > 0, "the run must include failed exchanges"
    out = tmp_path / "tranche.jsonl.zst"
    done = cli(
        "archive",
        "export",
        "--from",
        _day(-1),
        "--to",
        _day(1),
        "--archive-dir",
        str(settings.archive_path),
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert stats([out]).records == recorded.records

    with start_slice_server(out) as served:
        fresh = settings.with_(
            feed_url=served.feed_url,
            csv_path=tmp_path / "fresh" / "matches.csv",
            archive=False,
        )
        poller = InProcess(fresh)
        again = RunStats()
        try:
            for _ in range(run_stats.polls + run_stats.drain_polls):
                poller.poll(again)
        finally:
            poller.close()
        state = served.slice.describe()
        assert state["feed_left"] == 0
        assert state["results_left"] == 0
        with httpx.Client() as http:
            answer = http.get(served.feed_url)
            assert answer.status_code == 410
            assert "Tranche rejouée épuisée" in answer.text
            assert http.get(f"{served.url}/ailleurs").status_code == 404
    assert again.failed == run_stats.failed
    rebuilt = stored(fresh)
    assert rebuilt == live
    assert {m.finish_source for m in rebuilt} == {m.finish_source for m in live}
    assert stored_odds(fresh) == live_odds


def test_served_answer_is_the_recorded_one(tmp_path):
    """Status, Content-Type, Date and body exactly as recorded."""
    from oracxpred.archive.reader import merged

    with start_simulator(seed=74) as sim:
        settings = live_settings(sim, tmp_path)
        live_run(sim, settings, polls=2)
    records = [r for r in merged([settings.archive_path], []) if r.kind == "feed"]
    with start_slice_server(settings.archive_path) as served, httpx.Client() as http:
        for record in records:
            answer = http.get(served.feed_url)
            assert answer.status_code == record.status
            assert answer.headers["date"] == record.date
            assert answer.headers["content-type"] == record.ctype
            assert answer.content == record.body_bytes()


def test_torn_slice_is_refused_in_french(tmp_path):
    good = tmp_path / "bon.jsonl"
    with start_simulator(seed=75) as sim:
        settings = live_settings(sim, tmp_path)
        live_run(sim, settings, polls=2)
    done = cli(
        "archive",
        "export",
        "--from",
        _day(-1),
        "--to",
        _day(1),
        "--archive-dir",
        str(settings.archive_path),
        str(good),
    )
    assert done.returncode == 0, done.stderr
    torn = tmp_path / "coupe.jsonl"
    torn.write_bytes(good.read_bytes() + b'{"v":1,"t":"2026-')
    invalid = tmp_path / "invalide.jsonl"
    invalid.write_bytes(b"pas du json\n" + good.read_bytes())
    damaged = tmp_path / "abime.jsonl.zst"
    damaged.write_bytes(zstandard.ZstdCompressor().compress(good.read_bytes())[:-20])
    for path in (torn, invalid, damaged, tmp_path / "absent.jsonl"):
        done = cli("feed-sim", "--archive", str(path), "--port", "0")
        assert done.returncode == 1, (path, done.stdout, done.stderr)
        assert "Tranche illisible" in done.stderr or "Tranche introuvable" in done.stderr
        assert str(path.name) in done.stderr


def test_feed_sim_archive_serves_until_sigterm(tmp_path):
    """``oracxpred feed-sim --archive``: a real process serves the slice, stops on SIGTERM."""
    import re
    import signal
    import subprocess
    import sys

    from tests.archive.test_cli import MAIN
    from tests.helpers import REPO

    with start_simulator(seed=76) as sim:
        settings = live_settings(sim, tmp_path)
        live_run(sim, settings, polls=3)
    args = ["feed-sim", "--archive", str(settings.archive_path), "--port", "0"]
    process = subprocess.Popen(
        [sys.executable, "-c", MAIN, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert process.stdout is not None
        started = process.stdout.readline()
        assert "Rejeu de la tranche" in started
        assert "3 réponse(s) du flux" in started
        found = re.search(r"--feed-url : (\S+)", process.stdout.readline())
        assert found is not None
        feed_url = found.group(1)
        with httpx.Client() as http:
            statuses = [http.get(feed_url).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 410]
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Tranche servie : 3 réponse(s) du flux sur 3" in out

"""Crash and disk safety: SIGKILL at random points, a full disk, a read-only folder. Collection
never stops because of the archive; one warning per outage; recording resumes by itself."""

from __future__ import annotations

import logging
import random
import subprocess
import sys
import time

import pytest

from oracxpred.archive import messages
from oracxpred.archive.reader import stats
from oracxpred.archive.writer import count_errors
from oracxpred.collector.cycle import Collector
from oracxpred.metrics import CollectorMetrics
from oracxpred.simulator.server import start_simulator
from oracxpred.store.factory import open_store
from tests.archive.support import live_settings, stored
from tests.faults.support import START, cycle_after, daemon, read_only_view, small_tmpfs
from tests.helpers import REPO, wait_until

WARNING_START = messages.WRITE_FAILED.split("{")[0]
RECOVERED_START = messages.RECOVERED.split("{")[0]


def _cycles(sim, collector, count):
    for _ in range(count):
        collector.run_cycle()
        sim.advance(60)


def _archive_outage(sim, settings, caplog, during, after):
    """Cycles while ``during`` holds the outage, then after it: rows, warnings, metric."""
    store = open_store(settings)
    metrics = CollectorMetrics()
    collector = Collector(settings, store)
    count_errors(collector.client, metrics.archive_errors.inc)
    caplog.set_level(logging.INFO, logger="oracxpred")
    try:
        with during:
            _cycles(sim, collector, 6)
            saved_during = len(stored(settings))
        after()
        _cycles(sim, collector, 3)
    finally:
        collector.close()
        store.close()
    text = [r.getMessage() for r in caplog.records]
    errors = metrics.registry.get_sample_value("oracxpred_archive_errors_total")
    return text, errors, saved_during


def test_read_only_archive_folder_never_stops_collection(tmp_path, caplog):
    source = tmp_path / "ro-source"
    source.mkdir()
    view = tmp_path / "archive"
    view.mkdir()
    with start_simulator(seed=81) as sim:
        sim.advance(3600)  # matches finish from the first cycles on
        settings = live_settings(sim, tmp_path).with_(archive_dir=view)
        text, errors, saved = _archive_outage(
            sim, settings, caplog, read_only_view(source, view), lambda: None
        )
    assert saved > 0
    assert sum(line.startswith(WARNING_START) for line in text) == 1
    assert any("lecture seule" in line for line in text if line.startswith(WARNING_START))
    assert sum(line.startswith(RECOVERED_START) for line in text) == 1
    assert errors is not None
    assert errors >= 6
    assert stats([view]).records >= 3  # resumed once the folder was writable again


def test_full_disk_never_stops_collection_and_recording_resumes(tmp_path, caplog):
    mount = tmp_path / "archive"
    mount.mkdir()
    with start_simulator(seed=82) as sim, small_tmpfs(mount, "96k"):
        sim.advance(3600)
        settings = live_settings(sim, tmp_path).with_(archive_dir=mount)

        def grow() -> None:
            subprocess.run(["mount", "-o", "remount,size=64m", str(mount)], check=True)

        class Full:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

        text, errors, saved = _archive_outage(sim, settings, caplog, Full(), grow)
        found = stats([mount])
    assert saved > 0
    warnings = [line for line in text if line.startswith(WARNING_START)]
    assert len(warnings) == 1
    assert "disque plein" in warnings[0]
    assert sum(line.startswith(RECOVERED_START) for line in text) == 1
    assert errors is not None
    assert errors >= 3
    assert found.records >= 3
    assert not [n for n in found.problems if n.fatal]


def test_feed_credentials_are_masked_in_the_archive(tmp_path):
    with start_simulator(seed=83) as sim:
        url = sim.feed_url.replace("http://", "http://collector:s3cret@") + "&password=s3cret"
        settings = live_settings(sim, tmp_path).with_(feed_url=url)
        store = open_store(settings)
        collector = Collector(settings, store)
        try:
            collector.run_cycle()
        finally:
            collector.close()
            store.close()
    files = list(settings.archive_path.rglob("*.jsonl"))
    assert files
    assert all(b"s3cret" not in f.read_bytes() for f in files)


def _cli(*args):
    code = "import sys; from oracxpred.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPO, check=False
    )


def _new_start(proc):
    started = proc.count(START)
    return lambda: proc.count(START) > started


@pytest.mark.slow
def test_sigkill_at_random_points_then_verify_and_replay(tmp_path):
    rng = random.Random(13)
    kills = set(rng.sample(range(2, 100), 12))
    csv_path = tmp_path / "live" / "matches.csv"
    csv_path.parent.mkdir()
    with start_simulator(seed=84, unpublished_rate=0.1) as sim:
        # -v: every cycle then logs its START line first, the point the kills are timed from.
        proc = daemon(sim, csv_path, "-v")
        try:
            cycle_after(proc)
            for cycle in range(100):
                sim.advance(60)
                if cycle not in kills:
                    cycle_after(proc)
                    continue
                wait_until(_new_start(proc), what="un cycle")
                time.sleep(rng.uniform(0.0, 0.06))  # the seeded kill point inside the cycle
                proc.kill()
                proc = daemon(sim, csv_path, "-v")
                cycle_after(proc)
        finally:
            proc.stop()
    archive = csv_path.parent / "archive"
    done = _cli("archive", "verify", str(archive))
    assert done.returncode == 0, done.stdout + done.stderr
    assert stats([archive]).feed >= 100
    target = tmp_path / "replay" / "matches.csv"
    done = _cli("archive", "replay", "--csv-path", str(target), str(archive))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Rejeu terminé" in done.stdout
    live = {m.event_id: m for m in stored(live_settings(sim, tmp_path).with_(csv_path=csv_path))}
    replayed = {m.event_id: m for m in stored(live_settings(sim, tmp_path).with_(csv_path=target))}
    assert len(live) >= 10
    # A kill between the record and the save can move a live row to the results service;
    # every live match is in the replay with the same score and odds.
    assert set(live) <= set(replayed)
    for event_id, match in live.items():
        other = replayed[event_id]
        assert (other.score1, other.score2, other.odds) == (match.score1, match.score2, match.odds)


def test_a_daemon_and_one_shot_runs_share_one_archive_without_mixing_lines(tmp_path):
    """Two real collectors (a daemon, and cron-style runs on another store) append to the same
    folder at the same time: every line stays whole."""
    from oracxpred.archive.reader import file_lines
    from oracxpred.archive.record import decode
    from tests.faults.support import one_shot

    shared = tmp_path / "shared-archive"
    env = {"ORACXPRED_ARCHIVE_DIR": str(shared)}
    with start_simulator(seed=85) as sim:
        proc = daemon(sim, tmp_path / "a" / "matches.csv", env=env)
        try:
            cycle_after(proc)
            for _ in range(4):
                code, text = one_shot(sim.feed_url, tmp_path / "b" / "matches.csv", env=env)
                assert code == 0, text
                sim.advance(60)
            cycle_after(proc)
        finally:
            assert proc.stop() == 0
    lines = [line for path in shared.rglob("*.jsonl*") for line in file_lines(path)]
    assert len(lines) >= 6
    for line in lines:
        assert line.endswith(b"\n")
        decode(line)

"""``--webhook-url`` on the real collector (subprocesses, the feed simulator, a real receiver):
daemon and one-shot keep collecting while the receiver is down, and deliver once it is up."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from oracxpred.simulator.server import start_simulator
from tests.helpers import run_collector, wait_until
from tests.service.support import SAVED, advance_until_new_finish, collector, csv_rows
from tests.service.webhook_receiver import Receiver

SECRET = "clé-de-test"
ENV = {"ORACXPRED_WEBHOOK_SECRET": SECRET}


@pytest.fixture
def sim():
    with start_simulator() as handle:
        advance_until_new_finish(handle, set())
        yield handle


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver(SECRET)
    yield hook
    hook.stop()


def _seqs(path: Path) -> list[int]:
    return [int(r["seq"]) for r in csv_rows(path)] if path.exists() else []


def test_a_webhook_without_secret_refuses_to_start(tmp_path: Path) -> None:
    done = run_collector(
        "--webhook-url", "http://127.0.0.1:9/x", "--csv-path", str(tmp_path / "m.csv")
    )
    assert done.returncode == 2
    assert "ORACXPRED_WEBHOOK_SECRET" in done.stderr
    assert not (tmp_path / "m.csv").exists()
    bad = run_collector("--webhook-url", "ftp://x", "--csv-path", str(tmp_path / "m.csv"), env=ENV)
    assert bad.returncode == 2
    assert "Adresse de webhook invalide" in bad.stderr


def test_daemon_collects_while_the_receiver_is_down_then_delivers_all(
    sim, receiver: Receiver, tmp_path: Path
) -> None:
    csv_path = tmp_path / "m.csv"
    proc = collector(
        "--daemon",
        "--interval",
        "0.01",
        "--feed-url",
        sim.feed_url,
        "--csv-path",
        str(csv_path),
        "--webhook-url",
        receiver.url,
        env=ENV,
    )
    try:
        wait_until(lambda: proc.count(SAVED) >= 1, timeout=60, what="a first match saved")
        known = {int(r["event_id"]) for r in csv_rows(csv_path)}
        advance_until_new_finish(sim, known)
        wait_until(
            lambda: len(_seqs(csv_path)) > len(known), timeout=60, what="more matches, hook down"
        )
        assert proc.count("Webhook http://127.0.0.1") == 1  # one WARNING for the outage
        assert receiver.got == []
        receiver.start()
        wait_until(
            lambda: set(receiver.accepted) >= set(_seqs(csv_path)),
            timeout=60,
            what="every stored match delivered",
        )
        proc.popen.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
    finally:
        proc.stop()
    stored = _seqs(csv_path)
    assert receiver.first_seen()[: len(stored)] == stored
    assert all(receiver.valid(r) for r in receiver.got)
    assert "de nouveau joignable" in proc.text


def test_one_shot_leaves_what_it_cannot_send_for_the_next_run(
    sim, receiver: Receiver, tmp_path: Path
) -> None:
    csv_path = tmp_path / "m.csv"
    args = ["--feed-url", sim.feed_url, "--csv-path", str(csv_path), "--webhook-url", receiver.url]
    down = run_collector(*args, env=ENV)
    assert down.returncode == 0, down.stderr
    first = _seqs(csv_path)
    assert first
    assert "ils partiront au prochain lancement" in down.stderr + down.stdout
    receiver.start()
    known = {int(r["event_id"]) for r in csv_rows(csv_path)}
    advance_until_new_finish(sim, known)
    up = run_collector(*args, env=ENV)
    assert up.returncode == 0, up.stderr
    stored = _seqs(csv_path)
    assert len(stored) > len(first)
    assert receiver.accepted == stored  # the first run's matches first, then this run's
    assert all(receiver.valid(r) for r in receiver.got)

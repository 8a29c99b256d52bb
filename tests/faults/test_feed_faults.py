"""Every simulator fault mode against the real collector: one-shot exit codes, a daemon that
stays alive, and not one match lost, altered or duplicated (docs/feed.md §8).

Each case: a daemon polls a manual-clock simulator; when a match is about to finish, the fault
is switched on for every request (feed and results service) for three simulated minutes, so
the match finishes and leaves the feed during the fault. Meanwhile a one-shot run (its own CSV
file) must exit with the right code and a clear French message. Then the fault stops, and
every match finished by then must end up stored exactly once, as the simulator played it.
"""

from __future__ import annotations

import pytest

from oracxpred.simulator.server import start_simulator
from tests.faults.support import (
    FAILED,
    Collector,
    assert_lines_well_formed,
    check_csv,
    cycle_after,
    daemon,
    drain,
    one_shot,
    step,
)
from tests.helpers import free_port, wait_until
from tests.support.drive import FAST_FAULTS

FAILING = {
    "refuse": "connexion interrompue par le serveur",
    "timeout": "délai d'attente dépassé",
    "500": "injoignable après 3 tentative(s) : HTTP 500",
    "503": "injoignable après 3 tentative(s) : HTTP 503",
    "429": "injoignable après 3 tentative(s) : HTTP 429",
    "406": "HTTP 406, paramètres refusés par le site",
    "html": "page HTML reçue au lieu de JSON",
    "truncated": "réponse tronquée (JSON incomplet",
    "success_false": "le site a répondu Success:false",
    "no_value": "champ Value absent",
    "huge": "réponse trop volumineuse",
    "invalid_utf8": "réponse qui n'est pas de l'UTF-8 valide",
}
"""Modes that fail the whole poll, and the French words of the reason."""

PER_EVENT = {
    "wrong_types": "identifiant I invalide",
    "long_names": "trop long (",
    "schema_drift": "score invalide",
}
"""Modes that spoil some events: those are refused one by one, the poll succeeds."""


MODE_ENV = {"huge": {"ORACXPRED_TIMEOUT": "5"}}
"""Reading 20 MiB must end on the size cap, not on the total deadline of a loaded machine."""


def about_to_finish(sim, within: int = 150) -> bool:
    now = sim.now()
    return any(
        t["kickoff_at"] <= now < t["finished_at"] <= now + within
        for t in sim.truth(include_all=True)
    )


def run_fault(sim, tmp_path, mode: str) -> tuple[Collector, tuple[int, str]]:
    """Drive the daemon through the fault; returns (daemon, one-shot result)."""
    env = MODE_ENV.get(mode)
    proc = daemon(sim, tmp_path / "m.csv", "-v", env=env)
    cycle_after(proc)
    for _ in range(40):
        if about_to_finish(sim):
            break
        step(sim, proc)
    sim.set_faults(mode, target="all", **FAST_FAULTS)
    shot = one_shot(sim.feed_url, tmp_path / "seul" / "m.csv", "-v", env=env)
    step(sim, proc, 60, times=3)
    sim.set_faults("none")
    return proc, shot


@pytest.mark.parametrize("mode", sorted(FAILING))
def test_failed_poll_is_reported_and_nothing_is_lost(mode, tmp_path):
    with start_simulator(seed=31) as sim:
        proc, (code, text) = run_fault(sim, tmp_path, mode)
        try:
            until = sim.now()
            assert code == 1, text
            assert f"{FAILED} : " in text, text
            assert FAILING[mode] in text, text
            assert "Traceback" not in text
            assert proc.count(FAILING[mode]) >= 1
            check = drain(sim, proc, lambda u: check_csv(sim, tmp_path / "m.csv", u), until)
            assert check.expected >= 1
            assert check.perfect, check.summary()
        finally:
            stopped = proc.stop()
        assert stopped == 0, proc.text[-3000:]
        assert "Traceback" not in proc.text
        assert_lines_well_formed(proc.text)


@pytest.mark.parametrize("mode", sorted(PER_EVENT))
def test_spoiled_events_are_refused_one_by_one_and_nothing_is_lost(mode, tmp_path):
    with start_simulator(seed=32) as sim:
        proc, (code, text) = run_fault(sim, tmp_path, mode)
        try:
            until = sim.now()
            assert code == 0, text
            assert PER_EVENT[mode] in text, text
            assert "rejeté(s)" in text
            assert " 0 rejeté(s)" not in text
            check = drain(sim, proc, lambda u: check_csv(sim, tmp_path / "m.csv", u), until)
            assert check.expected >= 1
            assert check.perfect, check.summary()
        finally:
            stopped = proc.stop()
        assert stopped == 0
        assert "Traceback" not in proc.text
        assert_lines_well_formed(proc.text)


def test_slow_body_within_timeouts_is_read_whole(tmp_path):
    """A body trickling in small writes (each within the read timeout) still makes a poll."""
    with start_simulator(seed=33) as sim:
        proc, (code, text) = run_fault(sim, tmp_path, "slow_body")
        try:
            until = sim.now()
            assert code == 0, text
            assert proc.count(FAILED) == 0
            check = drain(sim, proc, lambda u: check_csv(sim, tmp_path / "m.csv", u), until)
            assert check.expected >= 1
            assert check.perfect, check.summary()
        finally:
            assert proc.stop() == 0


def test_429_retry_after_is_honoured_within_the_cycle(tmp_path):
    with start_simulator(seed=34) as sim:
        sim.set_faults("429", count=1, retry_after=0.3)
        code, text = one_shot(sim.feed_url, tmp_path / "m.csv")
        assert code == 0, text
        assert sim.faults()["requests"]["feed"] == 2  # refused once, then served
        assert FAILED not in text


def test_body_trickling_far_longer_than_the_timeout_fails_the_poll(tmp_path):
    """A slow-loris answer must not hold a cycle for ever: one poll, about 15 s of trickle
    against a 0.5 s timeout, must fail with a French reason."""
    with start_simulator(seed=35) as sim:
        size = len(sim.sim.feed_body(sim.now(), {}, gzipped=False))
        sim.set_faults("slow_body", chunk=max(1, size // 60), interval=0.25)
        code, text = one_shot(sim.feed_url, tmp_path / "m.csv", env={"ORACXPRED_RETRIES": "0"})
        assert code == 1, text
        assert f"{FAILED} : " in text, text
        assert "réponse trop lente" in text, text


def test_refused_connection_then_server_appears(tmp_path):
    """Nothing listens on the port: exit 1 with a French reason; the daemon waits, and
    collects once a server answers there."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/service-api/LiveFeed/Get1x2_VZip?sports=85&count=40"
    code, text = one_shot(url, tmp_path / "seul.csv")
    assert code == 1
    assert "connexion refusée ou hôte introuvable" in text
    args = ["--daemon", "--interval", "0.001", "--feed-url", url]
    proc = Collector(*args, "--csv-path", str(tmp_path / "m.csv"))
    try:
        wait_until(lambda: proc.count("connexion refusée") >= 2, what="deux échecs")
        assert proc.alive
        with start_simulator(seed=36, port=port) as sim:
            cycle_after(proc)
            for _ in range(40):
                if sim.truth():
                    break
                step(sim, proc)
            until = sim.now()
            check = drain(sim, proc, lambda u: check_csv(sim, tmp_path / "m.csv", u), until)
            assert check.expected >= 1
            assert check.perfect, check.summary()
            assert "Collecte rétablie après" in proc.text
    finally:
        assert proc.stop() == 0

"""``--daemon`` in a real subprocess against the feed simulator: cycles, signals, resilience.

The simulator's clock is manual: nothing finishes unless the test moves it. A cycle is held
"in flight" with the simulator's ``slow_body`` fault (the answer is computed when the request
arrives, then delivered late), which is how a signal is sent mid-cycle without guessing.
"""

from __future__ import annotations

import signal

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from oracxpred.simulator.server import start_simulator
from oracxpred.store.csv.file import OUR_COLUMNS
from tests.helpers import free_port, run_collector, wait_until
from tests.service.support import (
    SAVED,
    START,
    STOPPED,
    SUCCESS,
    SUMMARY,
    advance_until_new_finish,
    collector,
    csv_ids,
    csv_rows,
    python,
)

HOLD = {"chunk": 10**9}  # slow_body: the whole body in one write, after ``interval`` seconds


@pytest.fixture
def sim():
    with start_simulator() as handle:
        advance_until_new_finish(handle, set())  # the first cycle has something to save
        yield handle


def daemon(sim, tmp_path, *extra, env=None):
    return collector(
        "--daemon",
        "--interval",
        "0.01",
        "--feed-url",
        sim.feed_url,
        "--csv-path",
        str(tmp_path / "m.csv"),
        *extra,
        env=env,
    )


def metrics(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def index_of(lines: list[str], needle: str, start: int = 0) -> int:
    return next(i for i in range(start, len(lines)) if needle in lines[i])


def test_daemon_collects_every_interval_and_finishes_its_cycle_on_sigterm(sim, tmp_path):
    port = free_port()
    log_file = tmp_path / "journaux" / "profond" / "collector.log"
    proc = daemon(sim, tmp_path, "--metrics-port", str(port), "--log-file", str(log_file), "-v")
    try:
        wait_until(
            lambda: proc.count(START) >= 3 and proc.count(SAVED) >= 1,
            timeout=60,
            what="three cycles and a saved match",
        )
        assert proc.count("Intervalle de 0.01 min inférieur à 0.25 min") == 1
        assert "[DEBUG]" in proc.text  # --verbose in daemon mode
        samples = metrics(port)
        assert samples[("oracxpred_cycles_total", (("result", "success"),))] >= 2
        assert samples[("oracxpred_matches_saved_total", ())] >= 1
        assert samples[("oracxpred_lease_held", ())] == 1
        assert samples[("oracxpred_last_success_timestamp_seconds", ())] > 0

        # Hold cycle A; while it waits, finish new matches and arm a hold for cycle B.
        known = set(csv_ids(tmp_path / "m.csv"))
        sim.set_faults("slow_body", count=1, interval=3, **HOLD)
        wait_until(lambda: sim.faults()["served"] == 1, what="cycle A in flight")
        polls = sim.faults()["requests"]["feed"]
        new = advance_until_new_finish(sim, known)
        sim.set_faults("slow_body", count=1, interval=2, **HOLD)
        assert sim.faults()["requests"]["feed"] == polls, "cycle A ended before B was armed"
        wait_until(lambda: sim.faults()["served"] == 2, timeout=30, what="cycle B in flight")
        stop_at = len(proc.lines)
        proc.popen.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
    finally:
        proc.stop()

    after = proc.lines[stop_at:]
    asked = index_of(after, "Arrêt demandé (SIGTERM)")
    assert not any(START in line for line in after[asked:])  # nothing new started
    done = index_of(after, SUCCESS, asked)  # the running cycle B finished...
    saved_after = [line for line in after[asked:done] if SAVED in line]
    assert len(saved_after) >= len(new)  # ...with the matches it was fetching
    assert after[-1].endswith(STOPPED)
    ids = csv_ids(tmp_path / "m.csv")
    assert new <= set(ids)
    assert len(ids) == len(set(ids)) == proc.count(SAVED)
    logged = log_file.read_text(encoding="utf-8")
    assert logged.count(START) == proc.count(START)
    assert logged.rstrip().endswith(STOPPED)


def test_second_sigint_exits_at_once_without_a_torn_csv(sim, tmp_path):
    proc = daemon(sim, tmp_path)
    try:
        wait_until(lambda: proc.count(SAVED) >= 1 and proc.count(SUCCESS) >= 1, timeout=60)
        # A cycle held for a minute: only an immediate exit ends the process before that.
        sim.set_faults("slow_body", count=1, interval=60, **HOLD)
        wait_until(lambda: sim.faults()["served"] == 1, what="held cycle")
        proc.popen.send_signal(signal.SIGINT)
        wait_until(lambda: proc.count("Arrêt demandé (SIGINT)"), what="first Ctrl+C noticed")
        proc.popen.send_signal(signal.SIGINT)
        code = proc.wait(30)
    finally:
        proc.stop()
    assert code == 130
    assert proc.count("arrêt immédiat") == 1
    assert STOPPED not in proc.text
    rows = csv_rows(tmp_path / "m.csv")
    assert rows
    assert all(list(row) == list(OUR_COLUMNS) and None not in row.values() for row in rows)
    assert all(row["event_id"] and row["outcome"] in ("1", "N", "2") for row in rows)
    ids = [int(row["event_id"]) for row in rows]
    assert len(ids) == len(set(ids)) == proc.count(SAVED)


def test_a_hanging_feed_fails_cycles_but_not_the_daemon(sim, tmp_path):
    """Requests held longer than ORACXPRED_TIMEOUT: each cycle fails with its cause, the
    daemon backs off, says so once recovered, and keeps collecting."""
    sim.set_faults("timeout", count=3, delay=5)
    env = {"ORACXPRED_TIMEOUT": "1", "ORACXPRED_RETRIES": "0"}
    proc = daemon(sim, tmp_path, env=env)
    try:
        wait_until(
            lambda: proc.count("Collecte rétablie après 3 échec(s)") and proc.count(SUMMARY) >= 2,
            timeout=90,
            what="recovery after three hung polls",
        )
        proc.popen.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
    finally:
        proc.stop()
    failures = [line for line in proc.lines if "Échec de la collecte" in line]
    assert len(failures) == 3
    assert all("[ERROR]" in line and "délai d'attente dépassé" in line for line in failures)
    assert proc.count("2 échecs consécutifs") == 1
    assert proc.count("3 échecs consécutifs") == 1
    assert proc.count(SAVED) >= 1
    assert proc.lines[-1].endswith(STOPPED)


def test_verbose_one_shot_logs_debug_and_plain_one_shot_does_not(sim, tmp_path):
    args = ("--feed-url", sim.feed_url, "--csv-path", str(tmp_path / "m.csv"))
    verbose = run_collector(*args, "-v")
    plain = run_collector(*args)
    assert verbose.returncode == plain.returncode == 0
    assert "[DEBUG]" in verbose.stdout
    assert "[DEBUG]" not in plain.stdout
    assert SUCCESS in plain.stdout


FORCED_EXIT_DURING_A_WRITE = """
import sys, threading, time
from datetime import UTC, datetime
from pathlib import Path

from oracxpred.core.records import FinishedMatch, FinishSource, Outcome
from oracxpred.collector.daemon import exit_now
from oracxpred.collector.schedule import GuardedStore
from oracxpred.store.csv.store import CsvStore


class SlowCsvStore(CsvStore):
    # A write that takes a while: the forced exit must wait for it, not cut it.
    def save_matches(self, matches):
        writing.set()
        time.sleep(1.0)
        return super().save_matches(matches)


writing = threading.Event()
store = GuardedStore(SlowCsvStore(Path(sys.argv[1])))
now = datetime.now(UTC)
batch = [
    FinishedMatch(100 + i, now, "FIFA", f"A{i}", f"B{i}", 2, 1, "Jeu terminé", Outcome.HOME,
                  FinishSource.FEED)
    for i in range(50)
]
threading.Thread(target=store.save_matches, args=(batch,)).start()
writing.wait(30)
exit_now(store, 130)
"""


def test_forced_exit_waits_for_the_store_write_in_progress(tmp_path):
    csv_path = tmp_path / "m.csv"
    code = FORCED_EXIT_DURING_A_WRITE.replace("sys.argv[1]", repr(str(csv_path)))
    child = python(code)
    try:
        assert child.wait(60) == 130
    finally:
        child.stop()
    assert csv_ids(csv_path) == list(range(100, 150))  # the whole batch, nothing torn

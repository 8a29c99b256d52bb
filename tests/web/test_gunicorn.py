"""The web app under gunicorn (3 workers, internal collector on) beside an external daemon.

Everything is real: ``gunicorn --workers 3 'oracxpred.web:create_app()'`` and
``collector_service.py --daemon`` as subprocesses, one fresh PostgreSQL database, the feed
simulator on an accelerated clock. Four collectors share one lease: exactly one collects at any
time, including after the collecting worker is killed with SIGKILL (gunicorn respawns it and a
standby takes over). The store must then hold only true matches, each once, and every cycle
must show up once in the logs and once in the heartbeats.
"""

from __future__ import annotations

import itertools
import os
import re
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from oracxpred.collector.lease import describe_holder
from oracxpred.config import Settings
from oracxpred.simulator.server import SimulatorHandle, start_simulator
from oracxpred.store.base import Heartbeat
from oracxpred.store.sql.engine import normalize_url
from oracxpred.store.sql.store import SqlStore
from tests.helpers import REPO, free_port, wait_until
from tests.service.support import (
    SAVED,
    STANDBY,
    STOPPED,
    SUMMARY,
    Proc,
    alive_and,
    clean_env,
    postgres_database,
)

pytestmark = pytest.mark.postgres

SPEED = 600.0
"""Simulated seconds per wall second: two leagues finish a match every ~second of wall time."""
INTERVAL_MIN = "0.003"
"""0.18 s between cycles: every collector (and standby) polls the lease that often."""
MATCHES_WANTED = 10
BOOTED = re.compile(r"Booting worker with pid: (\d+)")
INTERNAL_STARTED = "Collecteur interne démarré dans l'application web"


class Db:
    """Read-only look at the shared database (empty answers before the first migration)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = sa.create_engine(normalize_url(url), poolclass=NullPool)

    def scalar(self, sql: str) -> Any:
        try:
            with self.engine.connect() as conn:
                return conn.execute(sa.text(sql)).scalar()
        except sa.exc.ProgrammingError:  # tables not created yet
            return None

    def count(self) -> int:
        return int(self.scalar("SELECT count(*) FROM matches") or 0)

    def heartbeat_pids(self) -> list[int]:
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(sa.text("SELECT pid FROM heartbeats ORDER BY started_at, id"))
                return [int(r[0]) for r in rows]
        except sa.exc.ProgrammingError:
            return []


class HolderSampler(threading.Thread):
    """Asks ``describe_holder`` (what ``/sante`` and ``--test-db`` show) again and again."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(name="holder-sampler", daemon=True)
        self.settings = settings
        self.pids: list[int] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.05):
            holder = describe_holder(self.settings)
            if holder and holder["pid"]:
                self.pids.append(int(holder["pid"]))


def blocks(pids: list[int]) -> list[int]:
    """Consecutive runs collapsed: [5, 5, 7, 7, 5] -> [5, 7, 5]."""
    return [pid for i, pid in enumerate(pids) if i == 0 or pids[i - 1] != pid]


def assert_one_active_at_a_time(beats: list[Heartbeat]) -> list[int]:
    """Cycles never interleave: each collector's heartbeats form one run, and a run starts
    only after the previous collector's last cycle ended. Returns the holders in order."""
    beats = sorted(beats, key=lambda hb: hb.started_at)
    holders = blocks([hb.pid for hb in beats])
    assert len(holders) == len(set(holders)), f"collectors took turns: {holders}"
    for before, after in itertools.pairwise(beats):
        if before.pid != after.pid:
            assert before.finished_at is not None
            assert after.started_at >= before.finished_at, (before, after)
    return holders


def gunicorn(port: int, env: dict[str, str], cwd: Path) -> Proc:
    args = ["-m", "gunicorn", "--workers", "3", "--bind", f"127.0.0.1:{port}"]
    args += ["--no-control-socket", "--graceful-timeout", "30", "oracxpred.web:create_app()"]
    env = clean_env({**env, "ORACXPRED_INTERNAL_COLLECTOR": "1"})
    return Proc([sys.executable, *args], env, cwd)


def daemon(env: dict[str, str], cwd: Path) -> Proc:
    args = [str(REPO / "collector_service.py"), "--daemon", "--interval", INTERVAL_MIN]
    return Proc([sys.executable, *args], clean_env(env), cwd)


@dataclass
class Stack:
    """What one run starts: simulator, database, gunicorn, later the external daemon."""

    sim: SimulatorHandle
    db: Db
    web: Proc
    port: int
    sampler: HolderSampler
    outside: Proc | None = None

    def workers(self) -> list[int]:
        """Every worker gunicorn booted, respawned ones included."""
        return [int(m.group(1)) for line in list(self.web.lines) if (m := BOOTED.search(line))]

    def when(self, predicate: Callable[[], object], what: str) -> None:
        """Wait for ``predicate``, failing at once (with the output) if a process died."""
        procs = [p for p in (self.web, self.outside) if p is not None]
        wait_until(alive_and(procs, predicate), timeout=60, interval=0.05, what=what)

    def get(self, path: str) -> httpx.Response:
        return httpx.get(f"http://127.0.0.1:{self.port}{path}", timeout=10)


def test_workers_and_daemon_collect_once(tmp_path: Path) -> None:
    with postgres_database() as url, start_simulator(speed=SPEED, seed=5) as sim:
        env = {
            "DATABASE_URL": url,
            "ORACXPRED_FEED_URL": sim.feed_url,
            "ORACXPRED_INTERVAL": INTERVAL_MIN,
            "ORACXPRED_CSV_PATH": str(tmp_path / "data" / "matches.csv"),  # one host: one spool
        }
        probe = Settings(database_url=url, csv_path=tmp_path / "probe" / "m.csv")
        port = free_port()
        stack = Stack(sim, Db(url), gunicorn(port, env, tmp_path), port, HolderSampler(probe))
        try:
            api = collect_kill_and_stop(stack, env, tmp_path)
            check_store(stack, api)
        finally:
            stack.sampler.stop.set()
            if stack.sampler.is_alive():
                stack.sampler.join(10)
            for proc in (stack.web, stack.outside):
                if proc is not None:
                    proc.stop()
            stack.db.engine.dispose()


def collect_kill_and_stop(stack: Stack, env: dict[str, str], folder: Path) -> dict[str, Any]:
    """The run; returns ``/api/matches`` as read near its end."""
    db, web = stack.db, stack.web
    # A worker takes the lease and collects; the others stand by.
    stack.when(db.heartbeat_pids, "a first collection by a gunicorn worker")
    first = db.heartbeat_pids()[0]
    assert first in stack.workers()
    stack.sampler.start()
    stack.when(lambda: stack.get("/health").status_code == 200, "/health answering 200")
    assert stack.get("/").status_code == 200

    # The external daemon finds the lease taken.
    stack.outside = outside = daemon(env, folder)
    stack.when(lambda: outside.count(STANDBY), "the external daemon standing by")
    assert f"pid {first}" in outside.text
    stack.when(lambda: db.count() >= MATCHES_WANTED // 2, "half the matches")

    # The collecting worker dies without a word: a standby (worker or daemon) takes over and
    # gunicorn boots a fourth worker.
    os.kill(first, signal.SIGKILL)
    stack.when(lambda: set(db.heartbeat_pids()) - {first}, "a standby taking over")
    stack.when(lambda: web.count(INTERNAL_STARTED) == 4, "the respawned worker's collector")
    taken_over_at = db.count()
    wanted = max(MATCHES_WANTED, taken_over_at + 3)
    stack.when(lambda: db.count() >= wanted, "matches saved by the new holder")
    assert stack.get("/health").status_code == 200
    api: dict[str, Any] = stack.get("/api/matches?limit=500").json()
    assert api["total"] >= MATCHES_WANTED

    # Everything stops cleanly on SIGTERM.
    stack.sampler.stop.set()
    stack.sampler.join(10)
    outside.popen.send_signal(signal.SIGTERM)
    web.popen.send_signal(signal.SIGTERM)
    assert outside.wait(60) == 0
    assert web.wait(60) == 0
    assert outside.lines[-1].endswith(STOPPED)
    assert web.count(STOPPED) == 3  # the killed worker's collector never got to say it
    return api


def check_store(stack: Stack, api: dict[str, Any]) -> None:
    outside, web = stack.outside, stack.web
    assert outside is not None
    store = SqlStore(stack.db.url, migrate=False)
    try:
        stored = list(store.iter_matches())
        beats = store.recent_heartbeats(1000)
    finally:
        store.close()
    truth = {int(t["id"]): t for t in stack.sim.truth(include_all=True)}
    now = stack.sim.now()

    # Only true matches, each once, with their true score.
    ids = [m.event_id for m in stored]
    assert len(ids) == len(set(ids)) >= MATCHES_WANTED
    for match in stored:
        t = truth[match.event_id]
        assert t["finished_at"] <= now
        assert (match.team1, match.team2, match.league) == (t["team1"], t["team2"], t["league"])
        assert (match.score1, match.score2) == (t["score1"], t["score2"]), match.event_id
    assert {i["event_id"] for i in api["items"]} <= set(ids)

    # One collector at a time, by heartbeats and by the lease as the health page reads it.
    assert len(beats) < 1000  # none pruned: the heartbeats are the whole run
    holders = assert_one_active_at_a_time(beats)
    assert len(holders) >= 2
    assert set(holders) <= {*stack.workers(), outside.pid}
    sampled = stack.sampler.pids
    assert len(blocks(sampled)) == len(set(sampled)), f"holders seen in turn: {blocks(sampled)}"
    assert set(sampled) <= set(holders)
    assert sampled[0] == holders[0]

    # Every cycle logged once: the daemon's summaries are its heartbeats; the workers' too,
    # give or take the cycle the SIGKILL cut (heartbeat written, summary not yet); each saved
    # match announced once. (An empty cycle says START at DEBUG only: the summary is the mark.)
    in_daemon = sum(hb.pid == outside.pid for hb in beats)
    assert outside.count(SUMMARY) == in_daemon
    in_workers = len(beats) - in_daemon
    assert in_workers - 1 <= web.count(SUMMARY) <= in_workers
    # Each saved match is announced once, except those of the one cycle the SIGKILL cut
    # between the write and its lines.
    announced = Counter(
        line.split(SAVED, 1)[1].strip()
        for proc in (outside, web)
        for line in proc.lines
        if SAVED in line
    )
    silent = []
    for m in stored:
        key = f"{m.team1} vs {m.team2} ({m.score1}-{m.score2})"
        if announced[key]:
            announced[key] -= 1
        else:
            silent.append(m)
    assert not +announced, f"announced but not stored, or twice: {+announced}"
    busiest = max(1, *(hb.saved for hb in beats))  # the cut cycle saved no more than a cycle
    assert len(silent) <= busiest, [m.event_id for m in silent]
    for proc in (outside, web):
        assert "[ERROR] [COLLECTOR-SERVICE]" not in proc.text
        assert "Traceback" not in proc.text

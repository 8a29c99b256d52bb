"""SIGKILL at seeded random points of 100 daemon cycles, then restart: the files always parse,
and in the end the store equals the simulator's truth (nothing lost, nothing twice).

A kill lands a seeded delay after a cycle's first log line, so it hits the fetch, the parse,
the store write, the state write or the heartbeat. The daemon is restarted at once, as a
supervisor (systemd ``Restart=always``) would.
"""

from __future__ import annotations

import json
import random
import time
from contextlib import nullcontext
from functools import partial

import pytest

from oracxpred.simulator.server import start_simulator
from tests.faults.support import (
    START,
    Collector,
    check_csv,
    check_sql,
    cycle_after,
    daemon,
    drain,
)
from tests.helpers import need, port_open, wait_until
from tests.support.databases import pg_database
from tests.support.verify import csv_matches

CYCLES = 100
KILLS = 12


def more_starts(proc, seen: int) -> bool:
    """Whether ``proc`` began a cycle since it had begun ``seen``."""
    return proc.count(START) > seen


def assert_files_parse(csv_path) -> None:
    """What a kill may leave: at most a torn last CSV record (repaired at the next start);
    the tracker state is replaced atomically, so it is always whole JSON."""
    state = csv_path.with_name(csv_path.stem + ".tracking.json")
    if state.exists():
        assert isinstance(json.loads(state.read_text(encoding="utf-8")), dict)
    if not csv_path.exists():
        return
    raw = csv_path.read_bytes()
    if raw and not raw.endswith(b"\n"):
        raw = raw[: raw.rfind(b"\n") + 1]  # the torn tail the store repairs at start
    whole = csv_path.with_name("verif.csv")
    whole.write_bytes(raw)
    rows, bad = csv_matches(whole)
    whole.unlink()
    assert bad == 0
    assert len({m.event_id for m in rows}) == len(rows)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["csv", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_sigkill_at_random_points_then_restart_loses_nothing(backend, tmp_path):
    rng = random.Random(2025)
    kills = set(rng.sample(range(2, CYCLES), KILLS))
    csv_path = tmp_path / "m.csv"
    if backend == "postgresql":
        need(port_open("127.0.0.1", 5432), "PostgreSQL absent sur 127.0.0.1:5432")
    databases = pg_database("oracxpred_kill") if backend == "postgresql" else nullcontext()
    with start_simulator(seed=61) as sim, databases as url:
        env = {"DATABASE_URL": url} if url else None
        # -v: every cycle says START (an empty one at DEBUG), the mark the kill points follow.
        proc: Collector = daemon(sim, csv_path, "-v", env=env)
        try:
            cycle_after(proc)
            for cycle in range(CYCLES):
                sim.advance(60)
                if cycle not in kills:
                    cycle_after(proc)
                    continue
                started = proc.count(START)
                wait_until(partial(more_starts, proc, started), what="un cycle")
                time.sleep(rng.uniform(0.0, 0.06))  # the seeded kill point inside the cycle
                proc.kill()
                assert_files_parse(csv_path)
                proc = daemon(sim, csv_path, "-v", env=env)
                cycle_after(proc)
            until = sim.now()
            if url:
                check = drain(sim, proc, lambda u: check_sql(sim, url, u), until)
            else:
                check = drain(sim, proc, lambda u: check_csv(sim, csv_path, u), until)
        finally:
            code = proc.stop()
    assert code == 0, proc.text[-3000:]
    assert check.expected >= 15
    assert check.perfect, check.summary()

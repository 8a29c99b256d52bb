"""Soak: the real daemon (``collector_service.py --daemon``) for thousands of cycles.

Usage: ``python bench/soak.py [--quick] [--cycles N] [--postgres]``. The simulator runs in
this process in accelerated mode (``--speed`` simulated seconds per wall second); the daemon
polls it with ``--interval 0.001`` (60 ms) and writes to a fresh CSV file (or, with
``--postgres``, to a throwaway database). While it runs, this script samples the daemon's
``/proc/<pid>/status`` (VmRSS), ``/proc/<pid>/fd`` (open descriptors), the size of the
tracker state, and with PostgreSQL the daemon's connections in ``pg_stat_activity``. At the
end the daemon is stopped with SIGTERM (it must exit 0) and the store is compared with the
simulator's truth (matches announced after the daemon's first cycle, finished more than 30
simulated minutes before the stop: at ×600 the daemon's start-up alone is an hour of play).

RESULT: ``rss_start_mb`` (after the first 100 cycles), ``rss_end_mb``, ``cycles``, plus
``rss_max_mb``, ``fds_start``/``fds_end`` and ``stored_pct``.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO, print_machine, print_table, result_line
from oracxpred.simulator.server import start_simulator
from tests.support.databases import pg_database
from tests.support.verify import compare, csv_matches, sql_matches

CYCLE_LINES = ("Résumé : ", "Échec de la collecte")
"""One of these ends every cycle (an empty cycle no longer says « Démarrage de la collecte... »)."""
FAIL_MARK = "[ERROR]"
MARGIN_S = 1800
"""Matches finished in the last 30 simulated minutes may still be pending at the stop."""


class Daemon:
    """The daemon subprocess; a thread counts its cycles from its log lines."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.popen = subprocess.Popen(
            [sys.executable, str(REPO / "collector_service.py"), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=REPO,
        )
        self.cycles = 0
        self.errors = 0
        self.last_errors: list[str] = []
        self.warnings: list[str] = []  # every WARNING line but the short-interval one
        self.tail: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            if any(mark in line for mark in CYCLE_LINES):
                self.cycles += 1
            if FAIL_MARK in line:
                self.errors += 1
                self.last_errors = [*self.last_errors[-4:], line.rstrip()]
            elif "[WARNING]" in line and "inférieur à" not in line:
                self.warnings.append(line.rstrip())
            self.tail = [*self.tail[-19:], line.rstrip()]

    def stop(self, timeout: float = 60) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        try:
            code = self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            code = self.popen.wait()
        self._reader.join(10)
        if self.popen.stdout is not None:
            self.popen.stdout.close()
        return code


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def fd_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def pg_connections(url: str | None, pid: int) -> int | str:
    """The daemon's connections (by client port owner is not visible: count the database's,
    minus this script's own probe)."""
    if url is None:
        return "—"
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchone()
    return int(row[0]) if row else 0


def state_kb(csv_path: Path, url: str | None) -> float:
    if url is None:
        path = csv_path.with_name(csv_path.stem + ".tracking.json")
        return path.stat().st_size / 1024 if path.exists() else 0.0
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT octet_length(state) FROM tracking_state WHERE id = 1").fetchone()
    return row[0] / 1024 if row else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 cycles (moins d'une minute)")
    parser.add_argument("--cycles", type=int, default=None, help="nombre de cycles (10 000)")
    parser.add_argument("--postgres", action="store_true", help="stockage PostgreSQL")
    parser.add_argument("--speed", type=float, default=600.0, help="secondes simulées par s")
    args = parser.parse_args()
    cycles = args.cycles or (300 if args.quick else 10_000)
    print_machine()
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="oracxpred-soak-")))
        url = stack.enter_context(pg_database("oracxpred_soak")) if args.postgres else None
        sim = stack.enter_context(start_simulator(speed=args.speed, seed=11))
        csv_path = tmp / "matches.csv"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ORACXPRED_")}
        env.pop("DATABASE_URL", None)
        env["PYTHONUNBUFFERED"] = "1"
        if url:
            env["DATABASE_URL"] = url
            # The schema exists before the daemon starts, as for every start after the first
            # (``oracxpred db upgrade``, or the previous run): a store at head never loads Alembic.
            from oracxpred.store.sql.store import SqlStore

            with SqlStore(url) as ready:
                ready.upgrade()
        daemon_args = ["--daemon", "--interval", "0.001", "--feed-url", sim.feed_url]
        daemon_args += ["--csv-path", str(csv_path), "--archive-dir", str(tmp / "archive")]
        print(f"Daemon réel : {' '.join(daemon_args[:3])} ; simulateur x{args.speed:g}")
        daemon = Daemon(daemon_args, env)
        pid = daemon.popen.pid
        started = time.monotonic()
        wait_first = time.monotonic() + 120
        while daemon.cycles < 2 and daemon.popen.poll() is None and time.monotonic() < wait_first:
            time.sleep(0.01)
        watched_from = sim.now()  # what was announced before the first poll is not required
        samples: list[list[Any]] = []
        marks = sorted({100, *(cycles * k // 10 for k in range(1, 11))})
        next_mark = 0
        while daemon.cycles < cycles and daemon.popen.poll() is None:
            time.sleep(0.2)
            if next_mark < len(marks) and daemon.cycles >= marks[next_mark]:
                samples.append(
                    [
                        daemon.cycles,
                        round(time.monotonic() - started),
                        rss_mb(pid),
                        fd_count(pid),
                        pg_connections(url, pid),
                        state_kb(csv_path, url),
                        daemon.errors,
                    ]
                )
                next_mark += 1
        alive = daemon.popen.poll() is None
        wall = time.monotonic() - started
        final = daemon.cycles
        stop_time = sim.now()
        code = daemon.stop()
        if not alive:
            print("Le daemon s'est arrêté de lui-même :\n" + "\n".join(daemon.tail))
        stored = sql_matches(url) if url else csv_matches(csv_path)[0]
        check = compare(
            sim.truth(include_all=True), stored, until=stop_time - MARGIN_S, since=watched_from
        )
    print()
    headers = ["cycles", "durée s", "RSS Mo", "fd ouverts", "connexions PG", "état Ko", "échecs"]
    print_table(headers, samples)
    print()
    print(f"{final} cycles en {wall:.0f} s ({final / wall:.1f} cycles/s) ; code de sortie {code}")
    print(f"Dernières erreurs : {daemon.last_errors or 'aucune'}")
    print(f"Avertissements : {len(daemon.warnings)}")
    for line in daemon.warnings[:10]:
        print(f"  {line[:300]}")
    print(f"Comparaison à la vérité : {check.summary()}")
    warm = [s for s in samples if s[0] >= 100] or samples  # imports and caches settled
    rss = [s[2] for s in warm]
    fds = [s[3] for s in warm]
    print(
        result_line(
            rss_start_mb=rss[0] if rss else float("nan"),
            rss_end_mb=rss[-1] if rss else float("nan"),
            rss_max_mb=max(rss) if rss else float("nan"),
            cycles=final,
            fds_start=fds[0] if fds else "nan",
            fds_end=fds[-1] if fds else "nan",
            stored_pct=check.pct(check.stored_ok),
            exit_code=code,
        )
    )
    return 0 if code == 0 and alive else 1


if __name__ == "__main__":
    sys.exit(main())

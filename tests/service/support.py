"""Helpers of the daemon and lease tests: throwaway databases, collector subprocesses, logs."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.helpers import REPO, need, port_open
from tests.support.databases import mariadb_database as throwaway_mariadb
from tests.support.databases import pg_database

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
MARIA_HOST = "127.0.0.1"


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards; yields its URL."""
    need(port_open("127.0.0.1", 5432), "PostgreSQL absent sur 127.0.0.1:5432")
    with pg_database("oracxpred_svc") as url:
        yield url


@contextlib.contextmanager
def mariadb_database() -> Iterator[str]:
    """A fresh MariaDB database for one test, dropped afterwards; yields its URL."""
    need(port_open(MARIA_HOST, 3306), "MariaDB absent sur 127.0.0.1:3306")
    with throwaway_mariadb("oracxpred_svc") as url:
        yield url


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment without the developer's collector settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORACXPRED_")}
    env.pop("DATABASE_URL", None)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


class Proc:
    """A child process whose merged output is read continuously (no pipe can fill up)."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path = REPO) -> None:
        self.popen = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="backslashreplace",  # hostile bytes in the output must not kill the reader
            env=env,
            cwd=cwd,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def check_running(self) -> None:
        """Fail at once, with the output, when the process has already exited."""
        if self.popen.poll() is not None:
            raise AssertionError(
                f"pid {self.pid} exited with {self.popen.returncode}:\n" + self.text[-4000:]
            )

    def count(self, needle: str) -> int:
        return sum(needle in line for line in list(self.lines))

    def wait(self, timeout: float = 60) -> int:
        code = self.popen.wait(timeout)
        self._reader.join(10)
        assert self.popen.stdout is not None
        self.popen.stdout.close()
        return code

    def stop(self) -> int:
        """Kill if still running, reap, and print the output (pytest shows it on failure)."""
        if self.popen.poll() is None:
            self.popen.kill()
        code = self.wait()
        print(f"----- pid {self.pid}, code {self.popen.returncode}, last lines:")
        print("\n".join(self.lines[-60:]))
        return code


def collector(*args: str, env: dict[str, str] | None = None) -> Proc:
    """``python collector_service.py ARGS`` from the repo root, as a user would start it."""
    return Proc([sys.executable, str(REPO / "collector_service.py"), *args], clean_env(env))


def python(code: str, env: dict[str, str] | None = None) -> Proc:
    """A Python child running ``code`` with the package importable from ``src``."""
    extra = {"PYTHONPATH": str(REPO / "src"), **(env or {})}
    return Proc([sys.executable, "-c", code], clean_env(extra))


# -- log lines the tests look for (the spec's and the daemon's French messages) ----------------

START = "Démarrage de la collecte..."
SAVED = "OK Match terminé sauvegardé:"
SUCCESS = "Collecte terminée avec succès"
STOPPED = "Service de collecte arrêté"
SUMMARY = "Résumé : "
"""The one INFO line of every successful cycle; an empty one logs START and SUCCESS at DEBUG."""
STANDBY = "Un autre collecteur est actif"


def finished_ids(sim) -> set[int]:
    """Events the simulated feed shows as finished right now (``F`` true, ``docs/feed.md`` §3)."""
    return {int(e["I"]) for e in sim.snapshot() if e.get("F")}


def advance_until_new_finish(sim, known: set[int], step: int = 10) -> set[int]:
    """Move the manual clock until the feed shows a finished match not in ``known``."""
    for _ in range(2000):
        new = finished_ids(sim) - known
        if new:
            return new
        sim.advance(step)
    raise AssertionError("no new finished match in the simulated feed")


def csv_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def csv_ids(path: Path) -> list[int]:
    return [int(r["event_id"]) for r in csv_rows(path)] if path.exists() else []


def db_ids(url: str) -> list[int]:
    """Event ids stored in the ``matches`` table (empty before the first migration)."""
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    from oracxpred.store.sql.engine import normalize_url

    engine = sa.create_engine(normalize_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [int(r[0]) for r in conn.execute(sa.text("SELECT event_id FROM matches"))]
    except sa.exc.ProgrammingError:
        return []
    finally:
        engine.dispose()


def alive_and(procs: list[Proc], predicate: Callable[[], object]) -> Callable[[], object]:
    """``predicate`` for wait_until, failing fast if one of ``procs`` died."""

    def check() -> object:
        for proc in procs:
            proc.check_running()
        return predicate()

    return check

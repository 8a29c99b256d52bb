"""Helpers of the fault suite: collector processes, clock stepping, private PostgreSQL, mounts.

The simulator's clock is manual: a daemon polls it continuously (``--interval 0.001``), and
``step`` moves simulated time then waits for a cycle that *started* after the move (two cycle
ends: the one possibly in flight, then a whole one). Nothing here sleeps for luck.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.helpers import REPO, free_port, need, port_open, wait_until
from tests.service.support import Proc
from tests.service.support import clean_env as service_env
from tests.support.drive import FAULT_ENV
from tests.support.verify import Check, compare, csv_matches, sql_matches

START = "Démarrage de la collecte..."
SUCCESS = "Collecte terminée avec succès"
FAILED = "Échec de la collecte"
STOPPED = "Service de collecte arrêté"
SUMMARY = "Résumé : "
"""Every successful cycle's INFO line (START and SUCCESS are DEBUG when a cycle is empty)."""
LINE = re.compile(
    r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] \[(DEBUG|INFO|WARNING|ERROR)\] \[COLLECTOR-SERVICE\] "
)
"""Every line the collector prints (docs/operations.md §7)."""


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    # Short timeouts and few retries: faults cost little wall time.
    return service_env({**FAULT_ENV, **(extra or {})})


class Collector(Proc):
    """A ``collector_service.py`` process; its merged output is read by a thread."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        super().__init__(
            [sys.executable, str(REPO / "collector_service.py"), *args], clean_env(env)
        )

    def ends(self) -> int:
        """Cycles finished so far, successful or not."""
        return self.count(SUMMARY) + self.count(FAILED)

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def wait(self, timeout: float = 120) -> int:
        return super().wait(timeout)

    def kill(self) -> int:
        if self.popen.poll() is None:
            self.popen.kill()
        return self.wait()

    def stop(self) -> int:
        """SIGTERM, as an operator stops the daemon; returns the exit code."""
        if self.popen.poll() is None:
            self.popen.terminate()
        return self.wait()


def daemon(sim: Any, csv_path: Path, *extra: str, env: dict[str, str] | None = None) -> Collector:
    args = ["--daemon", "--interval", "0.001", "--feed-url", sim.feed_url]
    return Collector(*args, "--csv-path", str(csv_path), *extra, env=env)


def one_shot(
    feed_url: str, csv_path: Path, *extra: str, env: dict[str, str] | None = None
) -> tuple[int, str]:
    proc = Collector("--feed-url", feed_url, "--csv-path", str(csv_path), *extra, env=env)
    code = proc.wait()
    return code, proc.text


def cycle_after(proc: Collector, timeout: float = 60) -> None:
    """Wait for a whole cycle that started after this call (or for the process to die)."""
    before = proc.ends()
    wait_until(
        lambda: proc.ends() >= before + 2 or not proc.alive, timeout=timeout, what="un cycle"
    )
    assert proc.alive, proc.text[-3000:]


def step(sim: Any, proc: Collector, seconds: int = 60, times: int = 1) -> None:
    for _ in range(times):
        sim.advance(seconds)
        cycle_after(proc)


def finished_in_feed(sim: Any) -> set[int]:
    return {int(e["I"]) for e in sim.snapshot() if e.get("F")}


def step_until_finished(sim: Any, proc: Collector, limit: int = 40) -> set[int]:
    """Step a minute at a time until the feed lists a finished match; its ids."""
    for _ in range(limit):
        ids = finished_in_feed(sim)
        if ids:
            return ids
        step(sim, proc)
    raise AssertionError("aucun match terminé dans le flux simulé")


def check_csv(sim: Any, csv_path: Path, until: int) -> Check:
    rows, bad = csv_matches(csv_path)
    return compare(sim.truth(include_all=True), rows, until=until, now=sim.now(), unreadable=bad)


def check_sql(sim: Any, url: str, until: int) -> Check:
    return compare(sim.truth(include_all=True), sql_matches(url), until=until, now=sim.now())


def drain(sim: Any, proc: Collector, judge: Any, until: int, limit: int = 30) -> Check:
    """Step five simulated minutes at a time until every match finished by ``until`` is
    stored (pending ones resolve through the results service); the last check."""
    check = judge(until)
    for _ in range(limit):
        if check.stored_ok >= check.expected:
            break
        step(sim, proc, 300)
        check = judge(until)
    return check


def assert_lines_well_formed(text: str) -> None:
    """Every output line has the spec's format: no value from the feed could forge one."""
    for line in text.splitlines():
        assert LINE.match(line), f"ligne mal formée ou injectée : {line!r}"
        assert "\x1b" not in line, f"caractère de contrôle : {line!r}"
        assert "\r" not in line, f"retour chariot : {line!r}"


# -- a private PostgreSQL cluster that may be killed -------------------------------------------


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


class PrivateCluster:
    """initdb + pg_ctl in its own temp folder (owned by ``postgres``, which runs it) on a free
    port: this server, unlike the machine's, may be killed."""

    def __init__(self) -> None:
        self.bin = _pg_bin()
        # Not under pytest's tmp_path: its parents are private to root.
        self.root = Path(tempfile.mkdtemp(prefix="oracxpred-pg-"))
        shutil.chown(self.root, "postgres")
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, tool: str, *args: str) -> None:
        assert self.bin is not None
        cmd = ["runuser", "-u", "postgres", "--", str(self.bin / tool), *args]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode:
            raise subprocess.CalledProcessError(done.returncode, cmd, done.stdout, done.stderr)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "server.log")

        def started() -> bool:
            try:
                self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")
            except subprocess.CalledProcessError:
                return False  # the killed server's processes are still exiting
            return True

        wait_until(started, timeout=60, interval=0.2, what="le redémarrage de PostgreSQL")
        wait_until(lambda: port_open("127.0.0.1", self.port), timeout=30, what="PostgreSQL")

    def kill(self) -> None:
        """SIGKILL the postmaster, as a crash would."""
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, 9)
        wait_until(lambda: not port_open("127.0.0.1", self.port), what="l'arrêt de PostgreSQL")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass  # already down
        shutil.rmtree(self.root, ignore_errors=True)


def private_cluster_possible() -> bool:
    return _pg_bin() is not None and os.geteuid() == 0 and shutil.which("runuser") is not None


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    need(private_cluster_possible(), "initdb ou runuser absent (ou pas root) : grappe privée")
    cluster = PrivateCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


# -- mounts (root only) --------------------------------------------------------------------------


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True, check=False).returncode == 0


@contextmanager
def small_tmpfs(path: Path, size: str = "64k") -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    need(os.geteuid() == 0 and _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)),
         "montage tmpfs impossible (root requis)")  # fmt: skip
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@contextmanager
def read_only_view(source: Path, view: Path) -> Iterator[Path]:
    """``view`` shows ``source`` read-only (a bind mount): even root cannot write there."""
    view.mkdir(parents=True, exist_ok=True)
    need(os.geteuid() == 0 and _mount("--bind", str(source), str(view)),
         "montage lié impossible (root requis)")  # fmt: skip
    try:
        assert _mount("-o", "remount,bind,ro", str(view)), "remontage en lecture seule refusé"
        yield view
    finally:
        subprocess.run(["umount", "-l", str(view)], check=False)

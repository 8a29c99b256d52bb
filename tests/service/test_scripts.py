"""``collector_service.sh``: a daemon that logs to logs/collector_service.log and stops cleanly.

The script works from its own folder, so it runs from a copy in a temporary folder (a real
checkout's ``logs/`` stays untouched) with ``collector_service.py`` linked to the repository's
and a ``.venv/bin/python`` that execs the test's interpreter.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import pytest

from oracxpred.simulator.server import start_simulator
from tests.helpers import REPO, wait_until
from tests.service.support import (
    SAVED,
    START,
    STOPPED,
    SUCCESS,
    Proc,
    advance_until_new_finish,
    alive_and,
    clean_env,
)


@pytest.fixture
def checkout(tmp_path):
    root = tmp_path / "depot"
    root.mkdir()
    shutil.copy2(REPO / "collector_service.sh", root / "collector_service.sh")
    (root / "collector_service.py").symlink_to(REPO / "collector_service.py")
    venv_python = root / ".venv" / "bin" / "python"
    venv_python.parent.mkdir(parents=True)
    venv_python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    venv_python.chmod(0o755)
    return root


@pytest.mark.skipif(os.name != "posix", reason="script shell POSIX")
def test_sh_script_runs_the_daemon_with_its_log_file_and_stops_on_sigterm(checkout):
    with start_simulator() as sim:
        advance_until_new_finish(sim, set())
        env = clean_env(
            {
                "ORACXPRED_FEED_URL": sim.feed_url,
                "ORACXPRED_CSV_PATH": str(checkout / "data" / "matches.csv"),
            }
        )
        proc = Proc(["bash", str(checkout / "collector_service.sh"), "0.05"], env, cwd=checkout)
        log_file = checkout / "logs" / "collector_service.log"

        def logged() -> str:
            return log_file.read_text(encoding="utf-8") if log_file.exists() else ""

        try:
            wait_until(
                lambda: SUCCESS in logged() and SAVED in logged(), timeout=60, what="a cycle"
            )
            # exec: the script's pid is python's, so the signal reaches the collector.
            proc.popen.send_signal(signal.SIGTERM)
            assert proc.wait(60) == 0
        finally:
            proc.stop()
    text = logged()
    assert START in text
    assert "une collecte toutes les 0.05 min" in text
    assert text.rstrip().endswith(STOPPED)
    assert proc.lines[0].startswith("Démarrage du collecteur OracXPred : intervalle 0.05 min")
    assert (checkout / "data" / "matches.csv").exists()


def test_bat_script_is_crlf_and_mirrors_the_sh_one():
    """cmd.exe cannot run here; check what it depends on: CRLF lines, UTF-8 code page before
    any accent, default interval 1, the repo's virtualenv, the same log file."""
    bat = (REPO / "collector_service.bat").read_bytes().decode("utf-8")
    assert "\n" not in bat.replace("\r\n", "")
    lines = bat.split("\r\n")
    chcp = lines.index("chcp 65001 >nul")
    assert all(line.isascii() for line in lines[:chcp])
    assert 'if "%INTERVAL%"=="" set "INTERVAL=1"' in lines
    assert any(r".venv\Scripts\python.exe" in line for line in lines)
    run = next(line for line in lines if "collector_service.py --daemon" in line)
    assert r"--log-file logs\collector_service.log" in run
    assert os.access(REPO / "collector_service.sh", os.X_OK)


# -- from a clean clone, after the README's quick start only (issue 12, item 4) ----------------


def _wrapper(folder, name: str, target: str):
    """``folder/name``: a shell script that execs ``target`` (a Python found on the PATH)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f'#!/bin/sh\nexec "{target}" "$@"\n', encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def clone(tmp_path):
    """``git clone`` of this repository: committed files only, no ``.venv``, no ``logs/``."""
    root = tmp_path / "clone"
    done = subprocess.run(
        ["git", "clone", "--quiet", str(REPO), str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert not (root / ".venv").exists()
    return root


@pytest.fixture
def bare_python(tmp_path):
    """A Python without any of the dependencies (a fresh venv, no pip)."""
    venv = tmp_path / "nu"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    return venv / "bin" / "python"


@pytest.mark.skipif(os.name != "posix", reason="script shell POSIX")
def test_sh_script_from_a_clean_clone_uses_the_python_that_has_the_dependencies(
    clone, bare_python, tmp_path
):
    """The README's quick start, word for word: ``pip install -r requirements.txt && python
    collector_service.py`` filled ``python`` (here the test's interpreter), while ``python3``
    is another one without the dependencies, and there is no ``.venv``: the script finds the
    right one, collects, and stops on SIGTERM."""
    path_dir = tmp_path / "bin"
    _wrapper(path_dir, "python3", str(bare_python))
    _wrapper(path_dir, "python", sys.executable)
    with start_simulator() as sim:
        advance_until_new_finish(sim, set())
        env = clean_env(
            {
                "PATH": f"{path_dir}:/usr/bin:/bin",
                "ORACXPRED_FEED_URL": sim.feed_url,
            }
        )
        proc = Proc(["bash", str(clone / "collector_service.sh"), "0.05"], env, cwd=tmp_path)
        log_file = clone / "logs" / "collector_service.log"

        def logged() -> str:
            return log_file.read_text(encoding="utf-8") if log_file.exists() else ""

        try:
            wait_until(
                alive_and([proc], lambda: SUCCESS in logged() and SAVED in logged()),
                timeout=60,
                what="a cycle",
            )
            proc.popen.send_signal(signal.SIGTERM)
            assert proc.wait(60) == 0
        finally:
            proc.stop()
    assert logged().rstrip().endswith(STOPPED)
    assert "ModuleNotFoundError" not in proc.text
    assert (clone / "data" / "matches.csv").exists()
    assert not (clone / ".venv").exists()


@pytest.mark.skipif(os.name != "posix", reason="script shell POSIX")
def test_sh_script_without_a_python_that_has_the_dependencies_says_what_to_run(
    clone, bare_python, tmp_path
):
    path_dir = tmp_path / "bin"
    _wrapper(path_dir, "python3", str(bare_python))
    _wrapper(path_dir, "python", str(bare_python))
    env = clean_env({"PATH": f"{path_dir}:/usr/bin:/bin"})
    done = subprocess.run(
        ["bash", str(clone / "collector_service.sh"), "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "aucun Python avec les dépendances d'OracXPred" in done.stderr
    assert "pip install -r requirements.txt" in done.stderr
    assert "ORACXPRED_PYTHON=" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not (clone / "logs").exists()  # nothing started

    # ORACXPRED_PYTHON names the interpreter: used alone, even when another one would do.
    good = _wrapper(tmp_path / "good", "python3", sys.executable)
    env = clean_env({"PATH": f"{good.parent}:/usr/bin:/bin", "ORACXPRED_PYTHON": str(bare_python)})
    done = subprocess.run(
        ["bash", str(clone / "collector_service.sh"), "--once", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert f"(essayés : {bare_python})" in done.stderr
    env["ORACXPRED_PYTHON"] = sys.executable
    done = subprocess.run(
        ["bash", str(clone / "collector_service.sh"), "--once", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Utilisation : collector_service.py")


def test_collector_service_py_without_the_dependencies_is_french(clone, bare_python):
    done = subprocess.run(
        [str(bare_python), str(clone / "collector_service.py")],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"il manque à ce Python ({bare_python}) des dépendances d'OracXPred" in done.stderr
    assert "click" in done.stderr
    assert f"{bare_python} -m pip install -r {clone / 'requirements.txt'}" in done.stderr


def test_launcher_knows_every_requirement():
    from oracxpred.launcher import REQUIRED

    lines = (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
    names = [ln.split("==")[0].strip() for ln in lines if ln.strip() and not ln.startswith("#")]
    assert sorted(REQUIRED, key=str.lower) == sorted(names, key=str.lower)


@pytest.mark.skipif(os.name != "posix", reason="cron et flock POSIX")
def test_cron_example_logs_each_line_once_into_the_rotated_file(clone, tmp_path):
    """The example's line, run as cron would (its SHELL and PATH, from the checkout): one
    collection, every log line once in logs/cron_collector.log and nowhere else."""
    crontab = (REPO / "deploy" / "crontab.example").read_text(encoding="utf-8")
    (line,) = [ln for ln in crontab.splitlines() if ln.startswith("*/5 ")]
    assert "%" not in line
    command = line.split(None, 5)[5]
    assert command.startswith("cd /opt/oracxpred && ")
    command = command.replace("cd /opt/oracxpred", f"cd {clone}", 1)
    command = command.replace("/tmp/oracxpred-collector.lock", str(tmp_path / "cron.lock"))
    command = command.replace("| logger -t oracxpred-collector", f"| cat >> {tmp_path / 'syslog'}")
    path_dir = tmp_path / "bin"
    _wrapper(path_dir, "python3", sys.executable)
    with start_simulator() as sim:
        advance_until_new_finish(sim, set())
        env = clean_env({"PATH": f"{path_dir}:/usr/local/bin:/usr/bin:/bin"})
        env["ORACXPRED_FEED_URL"] = sim.feed_url
        done = subprocess.run(
            ["/bin/sh", "-c", command], capture_output=True, text=True, env=env, timeout=120
        )
    assert done.returncode == 0
    assert done.stdout == done.stderr == ""  # cron would mail anything printed
    assert sorted(p.name for p in (clone / "logs").iterdir()) == ["cron_collector.log"]
    log = (clone / "logs" / "cron_collector.log").read_text(encoding="utf-8")
    assert START in log
    assert SUCCESS in log
    lines = log.splitlines()
    assert len(lines) == len(set(lines))
    assert (tmp_path / "syslog").read_text(encoding="utf-8") == ""

"""``collector_service.sh``: a daemon that logs to logs/collector_service.log and stops cleanly.

The script works from its own folder, so it runs from a copy in a temporary folder (a real
checkout's ``logs/`` stays untouched) with ``collector_service.py`` linked to the repository's
and a ``.venv/bin/python`` that execs the test's interpreter.
"""

from __future__ import annotations

import os
import shutil
import signal
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

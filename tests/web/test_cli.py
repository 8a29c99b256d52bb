"""``oracxpred web`` in a real subprocess: serves the store, stops cleanly, French errors."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from oracxpred.store.base import Heartbeat
from tests.helpers import REPO
from tests.web.conftest import fill


def web_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORACXPRED_")}
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    return env


def run_web(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oracxpred.cli.web", *args],
        capture_output=True,
        text=True,
        env=web_env(),
        cwd=cwd,
        timeout=60,
        check=False,
    )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``oracxpred web --port 0`` over a filled CSV store whose last cycle just succeeded."""
    path = tmp_path / "matches.csv"
    now = datetime.now(UTC)
    fill(path, beats=[Heartbeat(now - timedelta(seconds=3), now, True, "hôte", 1, saved=2)])
    proc = subprocess.Popen(
        [sys.executable, "-m", "oracxpred.cli.web", "--port", "0", "--csv-path", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=web_env(),
        cwd=tmp_path,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()  # printed once the socket listens
    found = re.search(r"(http://127\.0\.0\.1:\d+)/", first)
    if found is None:
        proc.kill()
        _, err = proc.communicate(timeout=30)
        pytest.fail(f"pas d'adresse annoncée : {first!r} {err!r}")
    try:
        yield proc, found.group(1)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)


def test_serves_pages_and_stops_on_sigterm(server: tuple[subprocess.Popen[str], str]) -> None:
    proc, base = server
    with httpx.Client(base_url=base, timeout=10) as http:
        health = http.get("/health")
        assert (health.status_code, health.json()["status"]) == (200, "ok")
        home = http.get("/")
        assert home.status_code == 200
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in home.text
        assert http.get("/api/matches?limit=abc").status_code == 400
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Application web arrêtée" in out
    assert "Traceback" not in err


def test_help_is_french(tmp_path: Path) -> None:
    result = run_web("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "Lance l'application web" in result.stdout
    assert "Afficher cette aide et quitter." in result.stdout
    assert "--csv-path" in result.stdout
    assert "--database-url" in result.stdout


@pytest.mark.parametrize("port", ["70000", "web", "-1"])
def test_bad_port_is_a_usage_error(tmp_path: Path, port: str) -> None:
    result = run_web("--port", port, cwd=tmp_path)
    assert result.returncode == 2
    assert f"port invalide « {port} » : entier de 0 à 65535 attendu" in result.stderr


def test_bad_database_url_is_a_usage_error(tmp_path: Path) -> None:
    result = run_web("--database-url", "ftp://u:secret@h/db", cwd=tmp_path)
    assert result.returncode == 2
    assert "DATABASE_URL invalide" in result.stderr
    assert "secret" not in result.stderr


def test_busy_port_is_a_french_failure(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_web("--port", str(port), "--csv-path", str(tmp_path / "m.csv"), cwd=tmp_path)
    assert result.returncode == 1
    assert f"impossible d'écouter sur 127.0.0.1:{port} : port déjà utilisé" in result.stderr

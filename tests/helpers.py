"""Helpers for tests: captured fixtures, polling, real services (import from tests.helpers)."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
IN_CI = bool(os.environ.get("CI"))


def fixtures_path() -> Path:
    env = os.environ.get("ORACXPRED_FIXTURES")
    if env:
        return Path(env)
    return REPO.parent / "shared" / "fixtures" / "1xbet"


def need(condition: bool, reason: str) -> None:
    """Skip with a reason outside CI; fail under CI (a missing thing is a broken run there)."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI est défini : ce test ne peut pas être sauté)")
    pytest.skip(reason)


def load_fixture(fixtures_dir: Path, name: str) -> Any:
    return json.loads((fixtures_dir / name).read_text(encoding="utf-8"))


def wait_until(
    predicate: Callable[[], Any],
    timeout: float = 30.0,
    interval: float = 0.05,
    what: str = "condition",
) -> Any:
    """Poll ``predicate`` until truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class StaticFeed:
    """A real HTTP server on 127.0.0.1 that answers every GET with one fixed body.

    Serves a real capture at the feed path, so a one-shot run can be pointed at it; the body
    can be swapped between runs (``.body = …``). Used as a context manager."""

    def __init__(self, body: bytes, status: int = 200, ctype: str = "application/json") -> None:
        import http.server
        import threading

        self.body, self.status, self.ctype = body, status, ctype
        self.requests: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append(self.path)
                self.send_response(outer.status)
                self.send_header("Content-Type", outer.ctype)
                self.send_header("Content-Length", str(len(outer.body)))
                self.end_headers()
                self.wfile.write(outer.body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{port}"
        self.feed_url = (
            f"{self.base}/service-api/LiveFeed/Get1x2_VZip?sports=85&count=40&lng=fr&gr=285"
            "&mode=4&country=96&getEmpty=true&virtualSports=true&noFilterBlockEvent=true"
        )

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> StaticFeed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_collector(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real ``collector_service.py`` in a subprocess, as a user would."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ORACXPRED_")}
    full_env.pop("DATABASE_URL", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, str(REPO / "collector_service.py"), *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or REPO,
        timeout=timeout,
        check=False,
    )


# -- DEBUG lines of the ``oracxpred`` logger, whatever setup_logging did before ---------------


@contextlib.contextmanager
def debug_log(level: int = logging.DEBUG) -> Iterator[io.StringIO]:
    """Every line the ``oracxpred`` loggers write inside the block from ``level`` up (DEBUG
    by default), in the service's format; the logger's level and handlers are restored."""
    from oracxpred.logs import LOGGER_NAME, formatter

    logger = logging.getLogger(LOGGER_NAME)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter())
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)

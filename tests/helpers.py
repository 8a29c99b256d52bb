"""Helpers for tests: captured fixtures, polling, real services (import from tests.helpers)."""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable
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

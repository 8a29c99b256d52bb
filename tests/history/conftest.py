"""History fixtures: a simulator with days of history on the wall clock, and a store per backend.

The simulator's clock starts at the real time (manual, so it does not move): the backfill's
upper bound comes from the wall clock, as in production. SQL targets reuse the store tests'
throwaway databases.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oracxpred.config import Settings
from oracxpred.simulator.server import SimulatorHandle, start_simulator
from oracxpred.store.base import Store
from oracxpred.store.factory import open_csv, open_sql
from tests.store.conftest import (  # noqa: F401 - fixtures
    mariadb_admin,
    mariadb_url,
    pg_admin,
    postgresql_url,
    sqlite_url,
)

HISTORY_DAYS = 3


def wall_epoch() -> int:
    return int(time.time()) // 60 * 60


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(seed=5, start_epoch=wall_epoch(), history_days=HISTORY_DAYS) as handle:
        yield handle


def settings_for(target: dict[str, Any], sim: SimulatorHandle) -> Settings:
    return Settings(
        feed_url=sim.feed_url,
        csv_path=target["csv_path"],
        database_url=target["database_url"],
        backoff_s=0.01,
    )


def open_target(target: dict[str, Any]) -> Store:
    url = target["database_url"]
    return open_sql(url) if url else open_csv(Settings(csv_path=target["csv_path"]))


def cli_args(target: dict[str, Any], sim: SimulatorHandle) -> list[str]:
    args = ["--feed-url", sim.feed_url, "--csv-path", str(target["csv_path"])]
    if target["database_url"]:
        args += ["--database-url", target["database_url"]]
    return args


def _target(request: pytest.FixtureRequest, tmp_path: Path, backend: str) -> dict[str, Any]:
    url = None if backend == "csv" else request.getfixturevalue(f"{backend}_url")
    return {"backend": backend, "csv_path": tmp_path / "data" / "matches.csv", "database_url": url}


@pytest.fixture(params=["csv", "sqlite", "postgresql", "mariadb"])
def any_target(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """Every backend."""
    return _target(request, tmp_path, request.param)


@pytest.fixture(params=["csv", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """The embedded store and one server: what the slower tests run on."""
    return _target(request, tmp_path, request.param)


def truth_between(sim: SimulatorHandle, lower: int, upper: int) -> dict[int, dict[str, Any]]:
    return {m["id"]: m for m in sim.truth() if lower <= m["start"] < upper and m["published"]}

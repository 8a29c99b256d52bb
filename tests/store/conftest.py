"""Store fixtures: one ``store`` per backend (csv, sqlite, postgresql, mariadb), fresh per test.

The apscheduler 3.x pattern: ``store`` is parametrized by backend name and resolves the
backend's own fixture with ``request.getfixturevalue``. SQL stores get a brand-new database
(``CREATE DATABASE oracx_test_<random>``, dropped at teardown) and an injected engine, so the
teardown can check that no pooled connection was left checked out. Outside CI a missing server
skips its tests; under CI it fails them (``tests.helpers.need``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from oracxpred.core.records import FinishedMatch, FinishSource, Odds1X2, Outcome, Score
from oracxpred.store.base import Store
from oracxpred.store.sql.engine import make_engine, normalize_url
from oracxpred.store.sql.store import SqlStore
from tests.helpers import need, port_open
from tests.support.databases import MARIADB_ADMIN_URL, PG_ADMIN_URL, throwaway_database

BASE_TIME = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def match(event_id: int, **changes: Any) -> FinishedMatch:
    """A fully populated finished match; ``changes`` override fields."""
    start = BASE_TIME + timedelta(minutes=event_id % 997)
    base = FinishedMatch(
        event_id=event_id,
        collected_at=start + timedelta(minutes=12, microseconds=123456),
        league="FIFA. Ligue virtuelle",
        team1="Manchester City (PES)",
        team2="Arsenal (PES)",
        score1=2,
        score2=1,
        status="Match terminé",
        outcome=Outcome.HOME,
        finish_source=FinishSource.FEED,
        sport_id=85,
        league_id=2665392,
        team1_id=1345,
        team2_id=1423,
        start_time=start,
        odds=Odds1X2(1.85, 3.6, 4.2),
        odds_at=start - timedelta(seconds=30),
        opening_odds=Odds1X2(1.9, 3.5, 4.05),
        opening_odds_at=start - timedelta(minutes=5),
        halftime=Score(1, 0),
    )
    return replace(base, **changes)


def _server(url: str, what: str) -> sa.Engine:
    parsed = sa.make_url(url)
    need(port_open(parsed.host or "127.0.0.1", parsed.port or 0), f"{what} injoignable ({url})")
    return sa.create_engine(parsed, isolation_level="AUTOCOMMIT", poolclass=NullPool)


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[sa.Engine]:
    engine = _server(PG_ADMIN_URL, "PostgreSQL")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def mariadb_admin() -> Iterator[sa.Engine]:
    engine = _server(MARIADB_ADMIN_URL, "MariaDB")
    yield engine
    engine.dispose()


def _fresh_database(admin: sa.Engine) -> Iterator[str]:
    with throwaway_database(admin, "oracx_test") as url:
        yield url


@pytest.fixture
def postgresql_url(pg_admin: sa.Engine) -> Iterator[str]:
    yield from _fresh_database(pg_admin)


@pytest.fixture
def mariadb_url(mariadb_admin: sa.Engine) -> Iterator[str]:
    yield from _fresh_database(mariadb_admin)


@pytest.fixture
def sqlite_url(tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


def _sql_store(url: str) -> Iterator[SqlStore]:
    engine = make_engine(normalize_url(url))
    store = SqlStore(engine)
    try:
        yield store
    finally:
        store.close()
        checked_out = engine.pool.checkedout()  # type: ignore[attr-defined]
        engine.dispose()
        assert checked_out == 0, f"{checked_out} connexion(s) du pool jamais rendue(s)"


@pytest.fixture
def postgresql_store(postgresql_url: str) -> Iterator[SqlStore]:
    yield from _sql_store(postgresql_url)


@pytest.fixture
def mariadb_store(mariadb_url: str) -> Iterator[SqlStore]:
    yield from _sql_store(mariadb_url)


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[SqlStore]:
    yield from _sql_store(sqlite_url)


@pytest.fixture
def csv_store(tmp_path: Any) -> Iterator[Store]:
    from oracxpred.store.csv.store import CsvStore

    store = CsvStore(tmp_path / "matches.csv")
    yield store
    store.close()


SQL_BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.postgres),
    pytest.param("mariadb", marks=pytest.mark.mariadb),
]


@pytest.fixture(params=["csv", *SQL_BACKENDS])
def store(request: pytest.FixtureRequest) -> Store:
    """Every backend, each through its own fixture."""
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture(params=SQL_BACKENDS)
def sql_store(request: pytest.FixtureRequest) -> SqlStore:
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture(params=SQL_BACKENDS)
def sql_url(request: pytest.FixtureRequest) -> str:
    """A fresh, empty database URL of each SQL backend."""
    return request.getfixturevalue(f"{request.param}_url")

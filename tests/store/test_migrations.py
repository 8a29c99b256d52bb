"""Alembic migrations: a fresh schema equal to ``schema.py``, and the adoption of a database
created by the original OracXPred app (12 columns, no key, text times, duplicate ids)."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner

from oracxpred.core.records import ORIGINAL_COLUMNS, FinishSource, Odds1X2, Outcome
from oracxpred.errors import StoreCorrupted
from oracxpred.store.base import MatchQuery
from oracxpred.store.sql import schema
from oracxpred.store.sql.migrate import current_revision, head_revision
from oracxpred.store.sql.store import SqlStore
from tests.store.conftest import match

LEGACY_TYPES = {
    "postgresql": ("text", "double precision", "integer"),
    "sqlite": ("TEXT", "REAL", "INTEGER"),
    "mariadb": ("TEXT", "DOUBLE", "INT"),
}

# The original app's rows, in the order it wrote them: 100 three times, 200 twice.
LEGACY_ROWS: list[tuple[object, ...]] = [
    ("2025-12-06 10:30:45", "100", "FIFA", "Lyon", "Nice", 1.9, 3.4, 4.1, 2, 1, "Fin", "1"),
    ("2025-12-06 10:31:00", "101", None, "Rennes", "Metz", None, None, None, 1, 1, "Fin", "X"),
    ("2025-12-06 10:32:00", "100", "FIFA", "Lyon", "Nice", 1.9, 3.4, 4.1, 2, 1, "Fin", "1"),
    ("2025-12-06T10:33:10", "200", "FIFA", "Brest", "Lens", 0.0, 0.0, 0.0, 0, 3, "Fin", ""),
    ("2025-12-06 10:34:00", "200", "FIFA", "Brest", "Lens", 2.0, 3.0, 3.5, 0, 3, "Fin", "2"),
    ("2025-12-06 10:35:00", "100", "FIFA", "Lyon", "Nice", 1.9, 3.4, 4.1, 2, 1, "Fin", "1"),
]


Row = tuple[object, ...]


def create_legacy(url: str, backend: str, id_type: str, rows: list[Row] = LEGACY_ROWS) -> None:
    text, double, integer = LEGACY_TYPES[backend]
    kinds = [text, id_type, text, text, text, double, double, double, integer, integer, text]
    columns = ", ".join(
        f"{name} {kind}" for name, kind in zip(ORIGINAL_COLUMNS, [*kinds, text], strict=True)
    )
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE TABLE matches ({columns})")
            marks = ", ".join(["%s" if backend != "sqlite" else "?"] * 12)
            conn.exec_driver_sql(f"INSERT INTO matches VALUES ({marks})", rows)
    finally:
        engine.dispose()


def table_columns(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [c["name"] for c in sa.inspect(conn).get_columns("matches")]
    finally:
        engine.dispose()


def test_fresh_schema_is_exactly_schema_py(sql_store: SqlStore) -> None:
    assert sql_store.upgrade() == head_revision()
    with sql_store.engine.connect() as conn:
        opts = {"compare_type": True, "version_table": schema.VERSION_TABLE}
        context = MigrationContext.configure(conn, opts=opts)
        drift = compare_metadata(context, schema.metadata)
        assert current_revision(conn) == head_revision()
        tables = set(sa.inspect(conn).get_table_names())
    assert drift == []
    assert tables == {*schema.metadata.tables, schema.VERSION_TABLE}


def test_upgrade_leaves_another_apps_alembic_version_alone(sqlite_url: str) -> None:
    """A Flask-Migrate app keeps its own ``alembic_version``; ours is a separate table."""
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('ae1027a6acf')")
    engine.dispose()
    with SqlStore(sqlite_url) as store:
        assert store.upgrade() == store.upgrade() == head_revision()
    engine = sa.create_engine(sqlite_url)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT * FROM alembic_version").all()
        assert [tuple(row) for row in rows] == [("ae1027a6acf",)]
    engine.dispose()


LEGACY_CASES = [
    pytest.param("sqlite", "TEXT", id="sqlite"),
    pytest.param("postgresql", "text", id="postgresql-text-id", marks=pytest.mark.postgres),
    pytest.param("postgresql", "bigint", id="postgresql-bigint-id", marks=pytest.mark.postgres),
    pytest.param("mariadb", "TEXT", id="mariadb", marks=pytest.mark.mariadb),
]


@pytest.mark.parametrize(("backend", "id_type"), LEGACY_CASES)
def test_original_app_database_is_adopted(
    backend: str, id_type: str, request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    url = request.getfixturevalue(f"{backend}_url")
    create_legacy(url, backend, id_type)
    with caplog.at_level(logging.WARNING, logger="oracxpred.store.sql.migrations"):
        store = SqlStore(url)
        store.upgrade()
    with store:
        warning = " ".join(r.getMessage() for r in caplog.records)
        assert "2 identifiant(s)" in warning
        assert "100, 200" in warning
        assert "3 copie(s)" in warning
        stored = list(store.iter_matches())
        assert [m.event_id for m in stored] == [100, 101, 200]
        first, draw, no_odds = stored
        assert first.collected_at == datetime(2025, 12, 6, 10, 30, 45, tzinfo=UTC)
        assert first.odds == Odds1X2(1.9, 3.4, 4.1)
        assert first.finish_source is FinishSource.FEED
        assert (draw.league, draw.outcome, draw.odds) == ("", Outcome.DRAW, None)
        assert no_odds.collected_at == datetime(2025, 12, 6, 10, 33, 10, tzinfo=UTC)
        assert (no_odds.outcome, no_odds.odds) == (Outcome.AWAY, None)  # "" → from the score
        with store.engine.connect() as conn:
            d = schema.legacy_duplicates
            moved = conn.execute(sa.select(d.c.event_id, d.c.timestamp_utc).order_by(d.c.legacy_id))
            assert [(e, t.minute) for e, t in moved] == [(100, 32), (200, 34), (100, 35)]
        info = store.describe()
        assert info.schema_version == head_revision()
        assert info.row_count == 3
        assert any(
            "matches_legacy_duplicates" in line and "100, 200" in line for line in info.details
        )
        report = store.save_matches([match(100), match(300)])
        assert (report.saved, report.duplicates) == ((300,), (100,))
        assert store.query_matches(MatchQuery(limit=None)).total == 4


@pytest.mark.parametrize(
    ("backend", "id_type"), [LEGACY_CASES[0], LEGACY_CASES[1], LEGACY_CASES[3]]
)
def test_unknown_matches_table_is_refused_untouched(
    backend: str, id_type: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue(f"{backend}_url")
    create_legacy(url, backend, id_type)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE matches ADD COLUMN referee TEXT")
    engine.dispose()
    before = table_columns(url)
    with SqlStore(url) as store, pytest.raises(StoreCorrupted, match="referee"):
        store.upgrade()
    assert table_columns(url) == before


@pytest.mark.parametrize(
    ("backend", "id_type"), [LEGACY_CASES[0], LEGACY_CASES[1], LEGACY_CASES[3]]
)
def test_rows_without_event_id_are_refused_untouched(
    backend: str, id_type: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue(f"{backend}_url")
    rows = [*LEGACY_ROWS, ("2025-12-06 11:00:00", None, "F", "A", "B", 1, 2, 3, 0, 0, "", "N")]
    create_legacy(url, backend, id_type, rows)
    with SqlStore(url) as store, pytest.raises(StoreCorrupted, match="1 ligne"):
        store.upgrade()
    assert table_columns(url) == list(ORIGINAL_COLUMNS)


@pytest.mark.parametrize(
    ("backend", "id_type"), [LEGACY_CASES[0], LEGACY_CASES[1], LEGACY_CASES[3]]
)
def test_unreadable_times_are_refused(
    backend: str, id_type: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue(f"{backend}_url")
    rows = [*LEGACY_ROWS, ("hier soir", "900", "F", "A", "B", 1, 2, 3, 0, 0, "", "N")]
    create_legacy(url, backend, id_type, rows)
    with SqlStore(url) as store, pytest.raises(StoreCorrupted):
        store.upgrade()
    assert table_columns(url) == list(ORIGINAL_COLUMNS)


def test_two_first_opens_at_once_migrate_once(sql_url: str) -> None:
    stores = [SqlStore(sql_url) for _ in range(3)]
    results: list[object] = []

    def open_one(store: SqlStore) -> None:
        try:
            results.append(store.upgrade())
        except Exception as exc:  # noqa: BLE001 - collected for the assertion below
            results.append(exc)

    threads = [threading.Thread(target=open_one, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.close()
    assert results == [head_revision()] * 3


def test_db_upgrade_and_status_commands(sqlite_url: str, tmp_path: object) -> None:
    from oracxpred.cli.db import db

    runner = CliRunner()
    done = runner.invoke(db, ["upgrade", "--database-url", sqlite_url], standalone_mode=False)
    assert done.exception is None
    assert done.return_value == 0
    assert f"révision {head_revision()}" in done.output
    shown = runner.invoke(db, ["status", "--database-url", sqlite_url], standalone_mode=False)
    assert shown.return_value == 0
    assert "Version du schéma : " + head_revision() in shown.output
    assert "Nombre de matchs : 0" in shown.output


def test_head_is_alembics_head_and_a_store_at_head_never_imports_alembic(sqlite_url: str) -> None:
    """The fast path's constant is the scripts' head; opening a store already at head checks
    it with one SELECT and leaves Alembic (≈ 11 MB in a daemon) unimported."""
    import subprocess
    import sys

    from alembic.script import ScriptDirectory

    from oracxpred.store.sql.migrate import alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == head_revision()
    with SqlStore(sqlite_url) as store:
        assert store.upgrade() == head_revision()  # created and migrated here
    code = (
        "import sys; from oracxpred.store.sql.store import SqlStore; "
        f"s = SqlStore({sqlite_url!r}); s.count_matches(); s.close(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]", done.stdout

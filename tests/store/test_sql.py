"""SqlStore quirks beyond the contract: URLs, one statement per batch, atomicity, concurrency,
engine ownership, error classification on real servers."""

from __future__ import annotations

import secrets
import threading
from dataclasses import replace

import pytest
import sqlalchemy as sa

from oracxpred.errors import ConfigError, StoreError, StoreUnavailable
from oracxpred.store.sql import schema
from oracxpred.store.sql import store as sql
from oracxpred.store.sql.engine import CONNECT_TIMEOUT_S, make_engine, normalize_url
from oracxpred.store.sql.migrate import head_revision
from oracxpred.store.sql.store import SqlStore
from tests.helpers import free_port
from tests.store.conftest import match


@pytest.mark.parametrize(
    ("raw", "driver", "database"),
    [
        ("postgres://u:pw@db.example:5433/oracx", "postgresql+psycopg", "oracx"),
        ("postgresql://u@db.example/oracx", "postgresql+psycopg", "oracx"),
        ("postgresql+psycopg://u@db.example/oracx", "postgresql+psycopg", "oracx"),
        ("mysql+pymysql://root@127.0.0.1/oracx", "mysql+pymysql", "oracx"),
        ("mariadb+pymysql://root@127.0.0.1/oracx", "mariadb+pymysql", "oracx"),
        ("sqlite:////tmp/x/oracx.db", "sqlite", "/tmp/x/oracx.db"),
    ],
)
def test_urls_are_normalised_to_the_shipped_drivers(raw: str, driver: str, database: str) -> None:
    url = normalize_url(raw)
    assert (url.drivername, url.database) == (driver, database)


@pytest.mark.parametrize(
    "raw",
    ["oracle://u:Zebra-77@h/db", "postgresql://u:Zebra-77@h", "sqlite://", "sqlite:///:memory:"],
)
def test_bad_urls_are_config_errors_without_password(raw: str) -> None:
    with pytest.raises(ConfigError) as caught:
        normalize_url(raw)
    assert "Zebra-77" not in str(caught.value)


@pytest.mark.postgres
def test_postgresql_connections_are_bounded_in_time(postgresql_store: SqlStore) -> None:
    with postgresql_store.engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        assert driver.info.get_parameters()["connect_timeout"] == str(CONNECT_TIMEOUT_S)
        assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "1min"
        assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "15s"
        assert conn.exec_driver_sql("SHOW TimeZone").scalar() == "UTC"


def test_a_batch_is_one_insert_statement(sql_store: SqlStore) -> None:
    sql_store.save_matches([match(1)])  # schema ready, so only the batch is counted below
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            statements.append(statement)

    sa.event.listen(sql_store.engine, "before_cursor_execute", count)
    try:
        report = sql_store.save_matches([match(i) for i in range(1, 41)])
    finally:
        sa.event.remove(sql_store.engine, "before_cursor_execute", count)
    assert len(statements) == 1
    assert statements[0].count("VALUES") == 1
    assert len(report.saved) == 39
    assert report.duplicates == (1,)


def test_a_refused_row_rolls_back_the_whole_batch(sql_store: SqlStore) -> None:
    """Row 1200 is refused (NOT NULL) after the first 1000 went in: nothing stays."""
    batch = [match(i) for i in range(1, 1500)]
    batch[1199] = replace(batch[1199], league=None)  # type: ignore[arg-type]
    with pytest.raises(StoreError):
        sql_store.save_matches(batch)
    assert sql_store.count_matches() == 0


@pytest.mark.mariadb
def test_mariadb_refuses_a_value_insert_ignore_would_truncate(mariadb_store: SqlStore) -> None:
    with pytest.raises(StoreError, match="code"):
        mariadb_store.save_matches([match(1), match(2, score1=2**40)])
    assert mariadb_store.count_matches() == 0


@pytest.mark.mariadb
def test_mysql_without_returning_still_reports_exactly(
    mariadb_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    mariadb_store.save_matches([match(1)])
    monkeypatch.setattr(mariadb_store.engine.dialect, "insert_returning", False)
    report = mariadb_store.save_matches([match(1), match(2), match(3)])
    assert report.saved == (2, 3)
    assert report.duplicates == (1,)


def test_concurrent_writers_store_each_match_once(sql_url: str) -> None:
    """Two processes' worth of stores race on overlapping batches: the unique index, not a
    check-then-insert, decides, so every id is reported saved by exactly one of them."""
    stores = [SqlStore(sql_url) for _ in range(2)]
    stores[0].upgrade()
    results: list[list[int]] = [[], []]
    errors: list[BaseException] = []

    def write(k: int) -> None:
        try:
            for start in range(0, 200, 20):
                batch = [match(i) for i in range(start + k * 10, start + k * 10 + 20)]
                results[k].extend(stores[k].save_matches(batch).saved)
        except BaseException as exc:  # noqa: BLE001 - reported below, in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors
        assert sorted(results[0] + results[1]) == list(range(210))
        assert stores[0].count_matches() == 210
    finally:
        for s in stores:
            s.close()


def test_a_given_engine_is_never_disposed(sqlite_url: str) -> None:
    engine = make_engine(normalize_url(sqlite_url))
    try:
        with SqlStore(engine) as store:
            store.save_matches([match(1)])
        with engine.connect() as conn:  # still usable, schema still there
            assert conn.execute(sa.select(sa.func.count()).select_from(schema.matches)).scalar()
    finally:
        engine.dispose()


def test_opening_does_not_connect() -> None:
    url = f"postgresql://u:pw@127.0.0.1:{free_port()}/x"
    with SqlStore(url) as store:
        assert store.target == f"postgresql+psycopg://u:***@127.0.0.1:{url.split(':')[3]}"
        with pytest.raises(StoreUnavailable, match="connexion refusée"):
            store.count_matches()


def test_iter_matches_holds_no_connection_between_pages(
    sql_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql, "PAGE", 3)
    sql_store.save_matches([match(i) for i in range(10)])
    seen = []
    for m in sql_store.iter_matches():
        seen.append(m.event_id)
        assert sql_store.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    assert seen == list(range(10))


def test_heartbeats_are_pruned(sql_store: SqlStore, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.store.test_contract import beat

    monkeypatch.setattr(schema, "HEARTBEATS_KEPT", 120)
    for minute in range(130):
        sql_store.record_heartbeat(beat(minute))
    with sql_store.engine.connect() as conn:
        kept = conn.execute(sa.select(sa.func.count()).select_from(schema.heartbeats)).scalar()
    assert kept == 120
    assert sql_store.recent_heartbeats(1) == [beat(129)]


def test_describe_reports_server_and_schema(sql_store: SqlStore) -> None:
    info = sql_store.describe()
    assert info.schema_version == head_revision()
    assert info.server_version
    assert info.target == sql_store.target
    assert info.row_count == 0
    assert info.last_collection is None


@pytest.mark.postgres
def test_describe_finds_a_read_only_account(
    postgresql_store: SqlStore, postgresql_url: str
) -> None:
    postgresql_store.upgrade()
    role = f"oracx_lecteur_{secrets.token_hex(4)}"
    with postgresql_store.engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    try:
        reader = sa.make_url(postgresql_url).set(username=role)
        with SqlStore(reader.render_as_string(hide_password=False)) as store:
            info = store.describe()
        assert not info.writable
        assert info.row_count == 0
    finally:
        with postgresql_store.engine.begin() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {role}")
            conn.exec_driver_sql(f"DROP ROLE {role}")


@pytest.mark.postgres
def test_postgresql_missing_database_is_not_an_outage(postgresql_url: str) -> None:
    url = sa.make_url(postgresql_url).set(database="oracx_absente_zz")
    store = SqlStore(url.render_as_string(hide_password=False))
    with store, pytest.raises(StoreError, match="n'existe pas") as caught:
        store.describe()
    assert not isinstance(caught.value, StoreUnavailable)


@pytest.mark.mariadb
def test_mariadb_missing_database_is_not_an_outage(mariadb_url: str) -> None:
    url = sa.make_url(mariadb_url).set(database="oracx_absente_zz")
    store = SqlStore(url.render_as_string(hide_password=False))
    with store, pytest.raises(StoreError, match="n'existe pas") as caught:
        store.describe()
    assert not isinstance(caught.value, StoreUnavailable)


@pytest.mark.parametrize(
    "scheme", ["postgresql", pytest.param("mysql+pymysql", marks=pytest.mark.mariadb)]
)
def test_unreachable_servers_are_outages(scheme: str) -> None:
    refused = SqlStore(f"{scheme}://u:pw@127.0.0.1:{free_port()}/x")
    unknown = SqlStore(f"{scheme}://u:pw@serveur-inexistant.invalid/x")
    with refused, unknown:
        with pytest.raises(StoreUnavailable, match="connexion refusée"):
            refused.describe()
        with pytest.raises(StoreUnavailable, match="hôte inconnu"):
            unknown.describe()


def test_sqlite_creates_missing_folders(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "a" / "b" / "store.db"
    with SqlStore(f"sqlite:///{path}") as store:
        store.save_matches([match(1)])
    assert path.is_file()

"""The single-active lease itself: file locks, PostgreSQL and MariaDB locks, fallback, takeover."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket

import pytest
import sqlalchemy as sa

from oracxpred.collector.lease import FileLease, describe_holder, lease_for
from oracxpred.collector.lease.sql import MariaDbLease, PostgresLease
from oracxpred.config import Settings
from oracxpred.store.sql.store import SqlStore
from tests.helpers import free_port, wait_until
from tests.service.support import mariadb_database, postgres_database, python

HOLD_AND_WAIT = """
import sys, time
from pathlib import Path
from oracxpred.config import Settings
from oracxpred.collector.lease import lease_for
lease = lease_for(Settings(csv_path=Path(sys.argv[1]), database_url=sys.argv[2] or None))
print("held" if lease.ensure() else "standby", flush=True)
time.sleep(600)
"""


def hold_in_child(csv_path, database_url=""):
    code = HOLD_AND_WAIT.replace("sys.argv[1]", repr(str(csv_path)))
    code = code.replace("sys.argv[2]", repr(database_url))
    child = python(code)
    wait_until(lambda: child.lines, timeout=30, what="child lease outcome")
    return child


def settings(tmp_path, url=None, **kw):
    return Settings(csv_path=tmp_path / "m.csv", database_url=url, **kw)


@pytest.fixture
def logs(caplog, monkeypatch):
    """The package's log records, whatever an earlier setup_logging() did to propagation."""
    monkeypatch.setattr(logging.getLogger("oracxpred"), "propagate", True)
    caplog.set_level(logging.INFO, logger="oracxpred")
    return caplog


@pytest.fixture
def pg_url():
    with postgres_database() as url:
        store = SqlStore(url)
        store.upgrade()  # the collector_lease table comes with the schema
        store.close()
        yield url


# -- files (CSV, SQLite, degraded SQL) -------------------------------------------------------


def test_file_lease_admits_one_holder_and_names_it(tmp_path):
    first, second = lease_for(settings(tmp_path)), lease_for(settings(tmp_path))
    with first, second:
        assert isinstance(first, FileLease)
        assert first.ensure()
        assert not second.ensure()
        assert first.lock_path.name == "m.collector.lock"
        info = json.loads(first.info_path.read_text(encoding="utf-8"))
        assert info["pid"] == os.getpid()
        assert info["host"] == socket.gethostname()
        holder = second.holder()
        assert holder is not None
        assert (holder.host, holder.pid) == (socket.gethostname(), os.getpid())
        assert first.ensure()  # renewal by the holder
        first.release()
        assert not first.info_path.exists()
        assert second.holder() is None
        assert second.ensure()
        assert not first.ensure()


def test_file_lease_is_taken_over_after_kill_9(tmp_path):
    child = hold_in_child(tmp_path / "m.csv")
    try:
        assert child.lines == ["held"]
        with lease_for(settings(tmp_path)) as lease:
            assert not lease.ensure()
            holder = lease.holder()
            assert holder is not None
            assert holder.pid == child.pid
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            # The OS released the lock; the dead holder's details are no longer believed.
            assert lease.holder() is None
            assert lease.ensure()
    finally:
        child.stop()


def test_describe_holder_reports_the_csv_holder(tmp_path):
    assert describe_holder(settings(tmp_path)) is None
    with lease_for(settings(tmp_path)) as lease:
        assert lease.ensure()
        found = describe_holder(settings(tmp_path))
    assert found is not None
    assert found["pid"] == os.getpid()
    assert found["mechanism"] == "fichier"
    assert {"host", "since", "valid_until"} <= set(found)
    assert describe_holder(settings(tmp_path)) is None


def test_sqlite_lease_is_a_file_lock_beside_the_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'db' / 'o.db'}"
    first, second = lease_for(settings(tmp_path, url)), lease_for(settings(tmp_path, url))
    with first, second:
        assert isinstance(first, FileLease)
        assert first.lock_path == tmp_path / "db" / "o.collector.lock"
        assert first.ensure()
        assert not second.ensure()


def test_unreachable_database_falls_back_to_the_local_lock(tmp_path, logs):
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"
    first, second = lease_for(settings(tmp_path, url)), lease_for(settings(tmp_path, url))
    with first, second:
        assert isinstance(first, PostgresLease)
        assert first.ensure()
        assert not second.ensure()
        assert (tmp_path / "m.collector.lock").exists()
        holder = second.holder()
        assert holder is not None
        assert holder.pid == os.getpid()
    assert "verrou local" in logs.text


def test_unusable_lock_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    from oracxpred.errors import LeaseUnavailable

    with (
        lease_for(Settings(csv_path=blocker / "m.csv")) as lease,
        pytest.raises(LeaseUnavailable, match="inutilisable"),
    ):
        lease.ensure()


# -- PostgreSQL ------------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_lease_one_holder_row_and_release(tmp_path, pg_url):
    first, second = lease_for(settings(tmp_path, pg_url)), lease_for(settings(tmp_path, pg_url))
    with first, second:
        assert isinstance(first, PostgresLease)
        assert first.ensure()
        assert not second.ensure()
        holder = second.holder()
        assert holder is not None
        assert (holder.host, holder.pid) == (socket.gethostname(), os.getpid())
        assert holder.mechanism == "postgresql"
        found = describe_holder(settings(tmp_path, pg_url))
        assert found is not None
        assert found["pid"] == os.getpid()
        # The lock lives on its own connection: disposing of another engine's pool (as the
        # store does on reconnects) leaves it in place.
        engine = sa.create_engine(SqlStore(pg_url).engine.url)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT holder FROM collector_lease")).all()
        engine.dispose()
        assert len(rows) == 1
        assert rows[0][0].startswith(f"{socket.gethostname()}:{os.getpid()}:")
        assert first.ensure()
        first.release()
        assert second.holder() is None
        assert describe_holder(settings(tmp_path, pg_url)) is None
        assert second.ensure()
    assert not (tmp_path / "m.collector.lock").exists()


@pytest.mark.postgres
def test_postgres_lease_is_freed_when_the_holder_is_killed(tmp_path, pg_url):
    child = hold_in_child(tmp_path / "child.csv", pg_url)
    try:
        assert child.lines == ["held"]
        with lease_for(settings(tmp_path, pg_url)) as lease:
            assert not lease.ensure()
            holder = lease.holder()
            assert holder is not None
            assert holder.pid == child.pid
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            wait_until(lease.ensure, timeout=30, what="advisory lock freed by the server")
            holder = lease.holder()
            assert holder is not None
            assert holder.pid == os.getpid()
    finally:
        child.stop()


@pytest.mark.postgres
def test_postgres_holder_notices_a_lost_lock_and_retakes_it(tmp_path, pg_url, logs):
    with lease_for(settings(tmp_path, pg_url)) as lease:
        assert lease.ensure()
        # An operator (or a server restart) ends the lock's session.
        engine = sa.create_engine(SqlStore(pg_url).engine.url)
        with engine.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = 'oracxpred-collector-lease'"
                    " AND datname = current_database()"
                )
            )
            conn.commit()
        engine.dispose()
        assert lease.ensure()
    assert "Bail de collecte perdu" in logs.text


# -- MariaDB ---------------------------------------------------------------------------------


@pytest.mark.mariadb
def test_mariadb_lease_one_holder_and_takeover_after_kill_9(tmp_path):
    with mariadb_database() as url:
        store = SqlStore(url)
        store.upgrade()
        store.close()
        child = hold_in_child(tmp_path / "child.csv", url)
        try:
            assert child.lines == ["held"]
            with lease_for(settings(tmp_path, url)) as lease:
                assert isinstance(lease, MariaDbLease)
                assert not lease.ensure()
                holder = lease.holder()
                assert holder is not None
                assert holder.pid == child.pid
                os.kill(child.pid, signal.SIGKILL)
                child.wait()
                wait_until(lease.ensure, timeout=30, what="GET_LOCK freed by the server")
                described = describe_holder(settings(tmp_path, url))
                assert described is not None
                assert described["pid"] == os.getpid()
        finally:
            child.stop()


@pytest.mark.postgres
def test_postgres_lease_survives_an_outage_on_the_local_lock_then_returns(
    tmp_path, pg_url, monkeypatch, logs
):
    """Database cut: the holder loses its session (the server frees the lock), keeps
    collecting under the local file lock, and goes back to the database lock — or to
    standby if another host took it meanwhile."""
    from oracxpred.collector.lease import sql as lease_sql
    from tests.store.test_spool import TcpProxy

    monkeypatch.setattr(lease_sql, "RETRY_DB_AFTER_S", 0.0)  # retry at every ensure()
    proxy = TcpProxy(("127.0.0.1", 5432))
    proxy.restore()
    via_proxy = pg_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    try:
        with (
            lease_for(settings(tmp_path / "a", via_proxy)) as a,
            lease_for(settings(tmp_path / "b", pg_url)) as b,
        ):
            assert a.ensure()
            assert not b.ensure()
            proxy.cut()
            assert a.ensure()  # degraded: the local lock
            assert (tmp_path / "a" / "m.collector.lock").exists()
            assert "Bail de collecte perdu" in logs.text
            wait_until(b.ensure, timeout=30, what="the server freeing the cut session's lock")
            proxy.restore()
            assert not a.ensure()  # back on the database, where b holds the lease
            assert not a.held
            assert "le bail de collecte y est repris" in logs.text
            b.release()
            assert a.ensure()
            holder = a.holder()
            assert holder is not None
            assert holder.mechanism == "postgresql"
    finally:
        proxy.cut()

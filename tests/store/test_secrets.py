"""A wrong password carrying a recognisable secret never shows up in a message, a traceback or
a log line; the error says "authentication refused", and is not mistaken for an outage.

PostgreSQL here trusts every local connection (pg_hba ``trust``), so it never checks a
password. A tiny server speaking the PostgreSQL wire protocol stands in: it asks the real
psycopg driver for the password in clear, records it (proof the secret really went through
the driver) and answers like PostgreSQL does, ``FATAL 28P01 password authentication failed``.
MariaDB does check passwords: there the test uses a real account.
"""

from __future__ import annotations

import logging
import secrets
import socket
import struct
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pymysql
import pytest
import sqlalchemy as sa

from oracxpred.config import Settings
from oracxpred.errors import ConfigError, StoreError, StoreUnavailable
from oracxpred.store.factory import open_store
from oracxpred.store.sql.errors import AUTH, LOST, NO_DATABASE, REFUSED, classify
from oracxpred.store.sql.errors import UNKNOWN_HOST as DNS
from oracxpred.store.sql.store import SqlStore
from tests.helpers import debug_log

SECRET = "Zx9-Secret-Quartz-7781"


class FakePostgres:
    """Answers one login at a time like a PostgreSQL that rejects the password."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.passwords: list[str] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.thread.join(timeout=10)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                try:
                    self._login(conn)
                except (OSError, struct.error):
                    pass

    @staticmethod
    def _read(conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise OSError("client gone")
            data += chunk
        return data

    def _login(self, conn: socket.socket) -> None:
        while True:  # SSLRequest / GSSENCRequest come first: refuse both
            length, code = struct.unpack("!ii", self._read(conn, 8))
            self._read(conn, length - 8)
            if code in (80877103, 80877104):
                conn.sendall(b"N")
                continue
            break
        conn.sendall(b"R" + struct.pack("!ii", 8, 3))  # AuthenticationCleartextPassword
        _kind, length = struct.unpack("!ci", self._read(conn, 5))
        self.passwords.append(self._read(conn, length - 4).rstrip(b"\0").decode())
        fields = [
            b"SFATAL",
            b"VFATAL",
            b"C28P01",
            b'Mpassword authentication failed for user "collecteur"',
        ]
        body = b"".join(f + b"\0" for f in fields) + b"\0"
        conn.sendall(b"E" + struct.pack("!i", len(body) + 4) + body)


@pytest.fixture
def fake_pg() -> Iterator[FakePostgres]:
    server = FakePostgres()
    yield server
    server.close()


def assert_no_secret(error: BaseException, caplog: pytest.LogCaptureFixture) -> None:
    shown = "".join(traceback.format_exception(error)) + repr(error) + caplog.text
    assert SECRET not in shown
    assert error.__cause__ is None
    assert error.__suppress_context__


def test_postgresql_wrong_password(
    fake_pg: FakePostgres, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"postgresql://collecteur:{SECRET}@127.0.0.1:{fake_pg.port}/oracx"
    caplog.set_level(logging.DEBUG)
    with SqlStore(url) as store, pytest.raises(StoreError) as caught:
        store.describe()
    assert SECRET in fake_pg.passwords  # the driver did send it
    assert not isinstance(caught.value, StoreUnavailable)
    assert "authentification refusée" in str(caught.value)
    assert f"collecteur:***@127.0.0.1:{fake_pg.port}" in str(caught.value)
    assert_no_secret(caught.value, caplog)

    settings = Settings(database_url=url, csv_path=tmp_path / "m.csv")
    with pytest.raises(StoreError, match="authentification refusée") as again:
        open_store(settings)  # a configuration error: not spooled, not degraded
    assert_no_secret(again.value, caplog)


def test_test_db_reports_the_wrong_password_without_it(
    fake_pg: FakePostgres, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from oracxpred.collector.once import check_store

    url = f"postgres://collecteur:{SECRET}@127.0.0.1:{fake_pg.port}/oracx"
    caplog.set_level(logging.DEBUG)
    assert check_store(Settings(database_url=url, csv_path=tmp_path / "m.csv")) == 1
    assert "authentification refusée" in caplog.text
    assert SECRET not in caplog.text


@pytest.mark.mariadb
def test_mariadb_wrong_password_on_a_real_account(
    mariadb_url: str, mariadb_admin: sa.Engine, caplog: pytest.LogCaptureFixture
) -> None:
    user = f"oracx_{secrets.token_hex(4)}"
    database = sa.make_url(mariadb_url).database
    with mariadb_admin.connect() as conn:  # '%%': PyMySQL formats the statement with %
        conn.exec_driver_sql(f"CREATE USER '{user}'@'%%' IDENTIFIED BY 'le-bon-mot-de-passe'")
        conn.exec_driver_sql(f"GRANT ALL ON {database}.* TO '{user}'@'%%'")
    try:
        base = sa.make_url(mariadb_url).set(username=user)
        good = base.set(password="le-bon-mot-de-passe").render_as_string(hide_password=False)
        with SqlStore(good) as store:
            assert store.describe().row_count == 0  # the account works: passwords are checked
        caplog.set_level(logging.DEBUG)
        bad = base.set(password=SECRET).render_as_string(hide_password=False)
        with debug_log() as debug, SqlStore(bad) as store, pytest.raises(StoreError) as caught:
            store.count_matches()
        assert not isinstance(caught.value, StoreUnavailable)
        assert "authentification refusée" in str(caught.value)
        assert "(code 1045)" not in str(caught.value)  # the driver's text: DEBUG only
        assert "(code 1045)" in debug.getvalue()
        assert SECRET not in debug.getvalue()
        assert_no_secret(caught.value, caplog)
    finally:
        with mariadb_admin.connect() as conn:
            conn.exec_driver_sql(f"DROP USER '{user}'@'%%'")


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://u:{SECRET}@127.0.0.1:1/x",
        f"postgresql://u:{SECRET}@hote-inconnu.invalid/x",
        f"mysql+pymysql://u:{SECRET}@127.0.0.1:1/x",
        f"postgresql://u:{quote(SECRET + '@/', safe='')}@127.0.0.1:1/x",
    ],
)
def test_outage_messages_mask_the_password(url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with SqlStore(url) as store, pytest.raises(StoreUnavailable) as caught:
        store.count_matches()
    assert ":***@" in str(caught.value)
    assert_no_secret(caught.value, caplog)
    assert "%40%2F" not in str(caught.value)


def test_bad_scheme_message_masks_the_password() -> None:
    with pytest.raises(ConfigError) as caught:
        SqlStore(f"oracle://u:{SECRET}@h/db")
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (psycopg.errors.InvalidPassword("password authentication failed"), AUTH),
        (psycopg.errors.InvalidCatalogName('database "x" does not exist'), NO_DATABASE),
        (psycopg.OperationalError('FATAL:  database "x" does not exist'), NO_DATABASE),
        (psycopg.OperationalError("failed to resolve host 'x': Name or service not known"), DNS),
        (psycopg.OperationalError("connection failed: ... Connection refused"), REFUSED),
        (psycopg.OperationalError("server closed the connection unexpectedly"), LOST),
        (pymysql.err.OperationalError(1045, "Access denied for user 'u'@'h'"), AUTH),
        (pymysql.err.OperationalError(1049, "Unknown database 'x'"), NO_DATABASE),
        (pymysql.err.OperationalError(2003, "Can't connect to MySQL server on 'h' (111)"), REFUSED),
        (pymysql.err.OperationalError(2005, "Unknown MySQL server host 'h' (-2)"), DNS),
    ],
)
def test_driver_errors_are_classified(error: Exception, kind: object) -> None:
    assert classify(error) == kind

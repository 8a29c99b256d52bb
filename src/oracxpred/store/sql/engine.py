"""Database URLs, engines with bounded timeouts, and the Alembic upgrade run at open."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event

from oracxpred import messages
from oracxpred.errors import ConfigError
from oracxpred.logs import mask_url

CONNECT_TIMEOUT_S = 5
"""Seconds to open a connection: an unreachable server must not stall a cycle."""

STATEMENT_TIMEOUT_MS = 60_000
"""Longest ordinary statement (a 50k-row import chunk takes well under a second)."""

LOCK_TIMEOUT_MS = 15_000
"""Longest wait for a row or table lock held by someone else (PostgreSQL)."""

_DRIVERS = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",  # Heroku style
    "postgresql+psycopg": "postgresql+psycopg",
    "sqlite": "sqlite",
    "mysql+pymysql": "mysql+pymysql",
    "mariadb+pymysql": "mariadb+pymysql",
}


def normalize_url(raw: str) -> sa.URL:
    """The URL with the driver we ship: ``postgres://`` and ``postgresql://`` use psycopg 3."""
    scheme, sep, _rest = raw.strip().partition("://")
    driver = _DRIVERS.get(scheme.lower())
    if not sep or driver is None:
        raise ConfigError(messages.DB_URL_SCHEME.format(url=mask_url(raw)))
    try:
        url = sa.make_url(driver + "://" + raw.strip().partition("://")[2])
    except sa.exc.ArgumentError:
        raise ConfigError(messages.DB_URL_UNREADABLE.format(url=mask_url(raw))) from None
    if driver == "sqlite" and url.database in (None, "", ":memory:"):
        raise ConfigError(messages.DB_URL_SQLITE_FILE)
    if driver != "sqlite" and not url.database:
        raise ConfigError(messages.DB_URL_NO_DATABASE.format(url=mask_url(raw)))
    return url


def masked(url: sa.URL) -> str:
    """The URL as logs and messages show it: never the password."""
    return mask_url(url.render_as_string(hide_password=True))


def secrets_of(url: sa.URL) -> tuple[str, ...]:
    """Strings that must never reach a message: the password, raw and URL-encoded."""
    found = [url.password, url.query.get("password")]
    out: list[str] = []
    for value in found:
        if isinstance(value, str) and value:
            out += [value, quote(value, safe=""), quote(value)]
    return tuple(sorted(set(out), key=len, reverse=True))


def make_engine(url: sa.URL) -> sa.Engine:
    """An engine whose connects and statements are bounded in time."""
    options: dict[str, Any] = {"pool_pre_ping": True}
    name = url.get_backend_name()
    if name == "postgresql":
        options["connect_args"] = {
            "connect_timeout": CONNECT_TIMEOUT_S,
            "application_name": "oracxpred",
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS} "
            f"-c lock_timeout={LOCK_TIMEOUT_MS} -c TimeZone=UTC",
            # A server that vanished without a FIN is noticed within ~30 s, not hours.
            "keepalives": 1,
            "keepalives_idle": 15,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        }
        options |= {"pool_size": 5, "max_overflow": 5, "pool_timeout": 10, "pool_recycle": 1800}
    elif name in ("mysql", "mariadb"):
        if "charset" not in url.query:
            url = url.update_query_dict({"charset": "utf8mb4"})
        options["connect_args"] = {
            "connect_timeout": CONNECT_TIMEOUT_S,
            "read_timeout": STATEMENT_TIMEOUT_MS // 1000,
            "write_timeout": STATEMENT_TIMEOUT_MS // 1000,
            "init_command": "SET time_zone = '+00:00'",
        }
        options |= {"pool_size": 5, "max_overflow": 5, "pool_timeout": 10, "pool_recycle": 1800}
    elif name == "sqlite":
        Path(url.database or "").expanduser().parent.mkdir(parents=True, exist_ok=True)
        options["connect_args"] = {"timeout": CONNECT_TIMEOUT_S}
    engine = sa.create_engine(url, **options)
    if name == "sqlite":
        _sqlite_transactions(engine)
    return engine


def _sqlite_transactions(engine: sa.Engine) -> None:
    """Let SQLAlchemy, not pysqlite, emit BEGIN, so DDL is transactional (migrations roll back
    whole) and a batch is atomic; recipe from the SQLAlchemy SQLite dialect docs
    ("Serializable isolation / Savepoints / Transactional DDL")."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={CONNECT_TIMEOUT_S * 1000}")
            # WAL: readers (the web app) never block the writer. The mode is stored in the
            # file; switching does not wait on the busy handler, so a connection racing the
            # first one just leaves it to that one.
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                try:
                    cursor.execute("PRAGMA journal_mode=WAL")
                except sqlite3.OperationalError:
                    pass
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))

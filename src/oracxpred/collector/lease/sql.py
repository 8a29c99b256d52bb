"""The lease on an SQL store: PostgreSQL advisory lock, MariaDB ``GET_LOCK``, SQLite file lock.

Dedicated connection. Each SQL lease opens its own connection through a ``NullPool`` engine
built from the store's URL, and keeps it for as long as it holds the lock. A session lock dies
with its session, so the lock must not live on a pooled connection: the store's pool may
recycle it (``pool_recycle``), invalidate it after a failed pre-ping, or drop it when the
spooling store reconnects, and any of these would silently hand the lock to a standby. A
``NullPool`` connection is closed only by us. It runs in autocommit, so the lock session never
sits "idle in transaction", and every statement is bounded (connect, statement and TCP
keepalive timeouts): a hung database cannot freeze the scheduler.

Locks are scoped to the store: PostgreSQL advisory locks are per database, the MariaDB lock name
includes the database name (``GET_LOCK`` names are server-wide).
"""

from __future__ import annotations

import abc
import math
import os
import secrets
import threading
import time
import zlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from oracxpred import messages
from oracxpred.collector.lease.base import HOST, Holder, Lease, utc_now, validity_s
from oracxpred.collector.lease.file import FileLease
from oracxpred.config import Settings
from oracxpred.logs import get_logger, mask_secrets
from oracxpred.store.sql.engine import normalize_url
from oracxpred.store.sql.lease_rows import LEASE_SCOPE, LeaseRow, delete_row, read_row, write_row

log = get_logger("collector.lease")

LOCK_NAMESPACE = 0x4F584350
"""First key of the two-key advisory lock ("OXCP"); the second one is derived from the table."""

RETRY_DB_AFTER_S = 30.0
"""While degraded, the database is tried again only this often (an unreachable host costs a
connect timeout per try)."""

KEEPALIVE = {"idle": 30, "interval": 10, "count": 3}
"""TCP keepalives, both ends: a dead holder host is dropped by PostgreSQL within ~60 s
(server-side ``tcp_keepalives_*`` are per-session settings:
https://www.postgresql.org/docs/current/runtime-config-connection.html)."""


def _reason(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return mask_secrets(text[0] if text else type(exc).__name__)


class SqlLease(Lease):
    """A lock held on a dedicated connection, plus a ``collector_lease`` row for readers."""

    def __init__(self, url: URL, settings: Settings, fallback: FileLease) -> None:
        self._url = url
        self._timeout = max(1, math.ceil(settings.timeout_s))
        self._interval_s = settings.interval_min * 60
        self._validity = timedelta(seconds=validity_s(self._interval_s))
        self._fallback = fallback
        self._scope = LEASE_SCOPE
        self._token = secrets.token_hex(4)
        self._engine: Engine | None = None
        self._conn: Connection | None = None
        self._since: datetime | None = None
        self._degraded = False
        self._retry_at = 0.0  # monotonic time before which a degraded lease stays local
        self._guard = threading.RLock()

    # -- dialect hooks -------------------------------------------------------------------

    def connect_args(self) -> dict[str, Any]:
        return {}

    def prepare(self, conn: Connection) -> None:
        """Per-session settings right after connecting."""

    @abc.abstractmethod
    def try_lock(self, conn: Connection) -> bool: ...

    @abc.abstractmethod
    def still_mine(self, conn: Connection) -> bool: ...

    @abc.abstractmethod
    def unlock(self, conn: Connection) -> None: ...

    @abc.abstractmethod
    def lock_taken(self, conn: Connection) -> bool: ...

    # -- Lease ---------------------------------------------------------------------------

    @property
    def held(self) -> bool:
        return self._conn is not None or self._fallback.held

    def _connect(self) -> Connection:
        if self._engine is None:
            self._engine = sa.create_engine(
                self._url, poolclass=NullPool, connect_args=self.connect_args()
            )
        conn = self._engine.connect()
        try:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            self.prepare(conn)
        except SQLAlchemyError:
            conn.close()
            raise
        return conn

    def ensure(self) -> bool:
        with self._guard:
            if self._conn is not None:
                try:
                    if self.still_mine(self._conn):
                        self._write_row(self._conn)
                        return True
                    log.warning(messages.LEASE_LOST)
                except SQLAlchemyError as exc:
                    log.warning(messages.LEASE_LOST_CONNECTION, _reason(exc))
                self._drop()
            if self._degraded and time.monotonic() < self._retry_at:
                return self._fallback.ensure()
            try:
                conn = self._connect()
            except SQLAlchemyError as exc:
                return self._degrade(exc)
            try:
                got = self.try_lock(conn)
            except SQLAlchemyError as exc:
                conn.close()
                return self._degrade(exc)
            if got:
                self._conn, self._since = conn, utc_now()
                self._write_row(conn)
            else:
                conn.close()
            if self._degraded:
                log.info(messages.LEASE_DB_BACK)
                self._degraded = False
            self._fallback.release()
            return got

    def _degrade(self, exc: SQLAlchemyError) -> bool:
        self._retry_at = time.monotonic() + RETRY_DB_AFTER_S
        if not self._degraded:
            log.warning(
                messages.LEASE_DB_UNREACHABLE,
                _reason(exc),
                self._fallback.lock_path,
            )
            self._degraded = True
        return self._fallback.ensure()

    def _write_row(self, conn: Connection) -> None:
        assert self._since is not None
        row = LeaseRow(
            holder=f"{HOST[:180]}:{os.getpid()}:{self._token}",
            acquired_at=self._since,
            expires_at=utc_now() + self._validity,
        )
        try:
            write_row(conn, self._scope, row)
        except SQLAlchemyError as exc:
            log.debug(messages.LEASE_ROW_NOT_WRITTEN, _reason(exc))

    def holder(self) -> Holder | None:
        with self._guard:
            if self._conn is not None and self._since is not None:
                now = utc_now()
                return Holder(HOST, os.getpid(), self._since, now + self._validity, self.mechanism)
            if self._degraded and time.monotonic() < self._retry_at:
                return self._fallback.holder()
            try:
                conn = self._connect()
            except SQLAlchemyError:
                return self._fallback.holder()
            try:
                return self._read_holder(conn) if self.lock_taken(conn) else None
            except SQLAlchemyError:
                return None
            finally:
                conn.close()

    def _read_holder(self, conn: Connection) -> Holder:
        try:
            row = read_row(conn, self._scope)
        except SQLAlchemyError:
            row = None
        if row is None:
            return Holder("inconnu", 0, utc_now(), None, self.mechanism)
        host, _, _token = row.holder.rpartition(":")
        host, _, pid = host.rpartition(":")
        return Holder(host, int(pid or 0), row.acquired_at, row.expires_at, self.mechanism)

    def _drop(self) -> None:
        conn, self._conn, self._since = self._conn, None, None
        if conn is not None:
            try:
                conn.invalidate()
                conn.close()
            except SQLAlchemyError:
                pass

    def release(self) -> None:
        with self._guard:
            conn = self._conn
            if conn is not None:
                try:
                    delete_row(conn, self._scope, f":{os.getpid()}:{self._token}")
                    self.unlock(conn)
                except SQLAlchemyError as exc:
                    log.debug(messages.LEASE_NOT_RELEASED, _reason(exc))
                finally:
                    self._conn, self._since = None, None
                    conn.close()
            self._fallback.release()

    def close(self) -> None:
        self.release()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


class PostgresLease(SqlLease):
    mechanism = "postgresql"

    def __init__(self, url: URL, settings: Settings, fallback: FileLease) -> None:
        super().__init__(url, settings, fallback)
        key = zlib.crc32(f"oracxpred.collector:{self._scope}".encode()) & 0x7FFFFFFF
        self.keys = {"k1": LOCK_NAMESPACE, "k2": key}

    def connect_args(self) -> dict[str, Any]:
        server = " ".join(f"-c tcp_keepalives_{k}={v}" for k, v in KEEPALIVE.items())
        return {
            "connect_timeout": self._timeout,
            "application_name": "oracxpred-collector-lease",
            "keepalives": 1,
            **{f"keepalives_{k}": v for k, v in KEEPALIVE.items()},
            "options": f"-c statement_timeout={self._timeout * 1000} {server}",
        }

    def try_lock(self, conn: Connection) -> bool:
        sql = sa.text("SELECT pg_try_advisory_lock(:k1, :k2)")
        return bool(conn.execute(sql, self.keys).scalar())

    def _count(self, conn: Connection, mine: bool) -> int:
        # Two int4 keys show as classid/objid with objsubid = 2 (PostgreSQL docs, pg_locks).
        sql = (
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND classid::bigint = :k1 AND objid::bigint = :k2 AND objsubid = 2"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        if mine:
            sql += " AND pid = pg_backend_pid()"
        return int(conn.execute(sa.text(sql), self.keys).scalar() or 0)

    def still_mine(self, conn: Connection) -> bool:
        return self._count(conn, mine=True) > 0

    def lock_taken(self, conn: Connection) -> bool:
        return self._count(conn, mine=False) > 0

    def unlock(self, conn: Connection) -> None:
        conn.execute(sa.text("SELECT pg_advisory_unlock(:k1, :k2)"), self.keys)


class MariaDbLease(SqlLease):
    mechanism = "mariadb"

    def __init__(self, url: URL, settings: Settings, fallback: FileLease) -> None:
        super().__init__(url, settings, fallback)
        name = f"oracxpred.collector.{url.database}.{self._scope}"
        # GET_LOCK names are limited to 64 characters.
        self.name = name if len(name) <= 64 else f"oracxpred.collector.{zlib.crc32(name.encode())}"

    def connect_args(self) -> dict[str, Any]:
        t = self._timeout
        return {"connect_timeout": t, "read_timeout": t, "write_timeout": t}

    def prepare(self, conn: Connection) -> None:
        # The server closes a session idle this long, freeing the lock of a vanished host.
        idle = int(max(60, 3 * self._interval_s + 30))
        conn.execute(sa.text(f"SET SESSION wait_timeout = {idle}"))

    def try_lock(self, conn: Connection) -> bool:
        return conn.execute(sa.text("SELECT GET_LOCK(:n, 0)"), {"n": self.name}).scalar() == 1

    def still_mine(self, conn: Connection) -> bool:
        sql = sa.text("SELECT IS_USED_LOCK(:n) = CONNECTION_ID()")
        return conn.execute(sql, {"n": self.name}).scalar() == 1

    def lock_taken(self, conn: Connection) -> bool:
        sql = sa.text("SELECT IS_USED_LOCK(:n)")
        return conn.execute(sql, {"n": self.name}).scalar() is not None

    def unlock(self, conn: Connection) -> None:
        conn.execute(sa.text("SELECT RELEASE_LOCK(:n)"), {"n": self.name})


def sql_lease(settings: Settings, local: FileLease) -> Lease | None:
    """The lease for ``settings.database_url``; None for an in-memory SQLite database."""
    assert settings.database_url
    url = normalize_url(settings.database_url)
    backend = url.get_backend_name()
    if backend == "postgresql":
        return PostgresLease(url, settings, local)
    if backend in ("mysql", "mariadb"):
        return MariaDbLease(url, settings, local)
    if url.database and url.database != ":memory:":
        return FileLease(Path(url.database), settings.interval_min * 60)
    return None

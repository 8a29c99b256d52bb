"""Alembic, run programmatically: no ``alembic.ini``, the scripts live in ``migrations/``."""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from oracxpred import messages
from oracxpred.errors import StoreUnavailable
from oracxpred.store.sql.schema import VERSION_TABLE

SCRIPT_LOCATION = "oracxpred.store.sql:migrations"
MIGRATION_LOCK = "oracxpred-schema"
MIGRATION_LOCK_WAIT_S = 120
"""How long a second process waits for the one migrating (a large adoption takes a while)."""


def alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: sa.Connection) -> str | None:
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def upgrade(engine: sa.Engine) -> str:
    """Bring the schema to head; a no-op (one SELECT) when it is already there.

    Concurrent openers are serialized by a server-side lock (PostgreSQL advisory lock, MariaDB
    GET_LOCK, SQLite BEGIN IMMEDIATE), so two collectors starting together never race on DDL.
    """
    head = head_revision()
    with engine.connect() as conn:
        current = current_revision(conn)
        conn.rollback()
        if current == head:
            return head
    name = engine.dialect.name
    with engine.connect() as conn:
        conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        if name in ("mysql", "mariadb"):
            lock = {"n": MIGRATION_LOCK, "w": MIGRATION_LOCK_WAIT_S}
            got = conn.execute(sa.text("SELECT GET_LOCK(:n, :w)"), lock).scalar()
            conn.commit()
            if got != 1:
                raise StoreUnavailable(messages.MIGRATION_BUSY)
        try:
            with conn.begin():
                if name == "postgresql":
                    conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
                    conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{MIGRATION_LOCK_WAIT_S}s'")
                    conn.execute(
                        sa.text("SELECT pg_advisory_xact_lock(hashtext(:n))"),
                        {"n": MIGRATION_LOCK},
                    )
                command.upgrade(alembic_config(conn), "head")
        finally:
            if name in ("mysql", "mariadb"):
                conn.execute(sa.text("SELECT RELEASE_LOCK(:n)"), {"n": MIGRATION_LOCK})
                conn.commit()
    return head

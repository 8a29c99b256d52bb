"""Alembic, run programmatically: no ``alembic.ini``, the scripts live in ``migrations/``.

Alembic itself (≈ 11 MB of a daemon's memory, with Mako) is imported only when a migration
has to run: a store already at head is checked with one plain ``SELECT`` on the version table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from oracxpred import messages
from oracxpred.errors import StoreUnavailable
from oracxpred.store.sql.schema import VERSION_TABLE

SCRIPT_LOCATION = "oracxpred.store.sql:migrations"
MIGRATION_LOCK = "oracxpred-schema"
MIGRATION_LOCK_WAIT_S = 120
"""How long a second process waits for the one migrating (a large adoption takes a while)."""


HEAD = "0006"
"""The newest migration (``migrations/versions``); a test checks it is Alembic's head."""

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(connection: sa.Connection | None = None) -> Config:
    from alembic.config import Config  # only when migrating (module docstring)

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return HEAD


def current_revision(connection: sa.Connection) -> str | None:
    """The schema's revision, None when the version table is absent (a new or foreign one)."""
    if not sa.inspect(connection).has_table(VERSION_TABLE):
        return None
    rows = connection.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
    revisions = list(rows)
    return revisions[0] if len(revisions) == 1 else None


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
                from alembic import command  # only when migrating (module docstring)

                command.upgrade(alembic_config(conn), "head")
        finally:
            if name in ("mysql", "mariadb"):
                conn.execute(sa.text("SELECT RELEASE_LOCK(:n)"), {"n": MIGRATION_LOCK})
                conn.commit()
    return head

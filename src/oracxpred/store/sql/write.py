"""The write statements of ``SqlStore``: idempotent multi-row inserts, the tracking upsert.

Idempotence comes from the unique index on ``event_id``, never from check-then-insert:
PostgreSQL/SQLite ``INSERT … ON CONFLICT (event_id) DO NOTHING RETURNING event_id``; MariaDB
``INSERT IGNORE … RETURNING event_id``, where any warning other than "duplicate key" rolls the
batch back, since IGNORE would otherwise also hide truncations and out-of-range values.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

from oracxpred import messages
from oracxpred.errors import StoreError
from oracxpred.store.sql import schema

M, T = schema.matches, schema.tracking

ROWS_PER_STATEMENT = 1000
"""Rows per INSERT. Executed as an executemany that SQLAlchemy's "insertmanyvalues" renders as
ONE multi-row ``INSERT … VALUES (…), (…)`` (its page size is 1000 too), compiled once: 2.5×
faster than ``.values(rows)``. 25 parameters a row stays below every backend's limit."""


DUPLICATE_KEY = 1062
"""MariaDB's warning for a row INSERT IGNORE skipped on the unique index."""


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert(dialect: str) -> Any:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def insert_new(conn: sa.Connection, rows: Sequence[dict[str, Any]]) -> set[int]:
    """Insert the rows not stored yet; returns the event ids actually written."""
    name = conn.dialect.name
    if name in ("postgresql", "sqlite"):
        statement = _insert(name)(M).on_conflict_do_nothing(index_elements=["event_id"])
        return set(conn.execute(statement.returning(M.c.event_id), list(rows)).scalars())
    return _insert_ignore(conn, rows)


def _insert_ignore(conn: sa.Connection, rows: Sequence[dict[str, Any]]) -> set[int]:
    ids = [r["event_id"] for r in rows]
    statement = sa.insert(M).prefix_with("IGNORE")
    if conn.dialect.insert_returning:  # MariaDB ≥ 10.5
        saved = set(conn.execute(statement.returning(M.c.event_id), list(rows)).scalars())
    else:  # MySQL: the ids present before, under a lock that keeps them so until commit
        query = sa.select(M.c.event_id).where(M.c.event_id.in_(ids)).with_for_update()
        before = set(conn.execute(query).scalars())
        conn.execute(statement, list(rows))
        saved = set(ids) - before
    warnings = conn.exec_driver_sql("SELECT @@warning_count").scalar() or 0
    if warnings != len(rows) - len(saved):
        shown = conn.exec_driver_sql("SHOW WARNINGS LIMIT 3").all()
        raise StoreError(
            messages.BATCH_REFUSED.format(
                reasons="; ".join(f"{w[2]} (code {w[1]})" for w in shown if w[1] != DUPLICATE_KEY)
            )
        )
    return saved


def insert_odds(conn: sa.Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Insert the timeline rows not stored yet (unique key ``uq_odds_selection``); how many
    were new. MariaDB: INSERT IGNORE, and any warning but "duplicate key" refuses the batch."""
    name = conn.dialect.name
    table = schema.odds
    if name in ("postgresql", "sqlite"):
        statement = _insert(name)(table).on_conflict_do_nothing()
        return len(conn.execute(statement.returning(table.c.id), list(rows)).all())
    written = int(conn.execute(sa.insert(table).prefix_with("IGNORE"), list(rows)).rowcount)
    warnings = conn.exec_driver_sql("SELECT @@warning_count").scalar() or 0
    if warnings != len(rows) - written:
        shown = conn.exec_driver_sql("SHOW WARNINGS LIMIT 3").all()
        raise StoreError(
            messages.BATCH_REFUSED.format(
                reasons="; ".join(f"{w[2]} (code {w[1]})" for w in shown if w[1] != DUPLICATE_KEY)
            )
        )
    return written


def tracking_upsert(conn: sa.Connection, text: str) -> Any:
    """Replace the one tracking row (id 1) in a single statement."""
    values = {"id": 1, "state": text, "updated_at": sa.func.now()}
    name = conn.dialect.name
    if name in ("mysql", "mariadb"):
        upsert: Any = mysql.insert(T).values(values)
        return upsert.on_duplicate_key_update(state=text, updated_at=sa.func.now())
    upsert = _insert(name)(T).values(values)
    return upsert.on_conflict_do_update(
        index_elements=["id"], set_={"state": text, "updated_at": sa.func.now()}
    )

"""The ``collector_lease`` table as the SQL lease sees it: one row per store, who collects.

The public seam between the collector's lease (``collector/lease/sql.py``) and the schema: the
lease holds its lock on its own connection and reads and writes its row only through these.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from oracxpred.store.sql.schema import collector_lease, matches

LEASE_SCOPE = matches.name
"""The name of the lease row (and of the lock) of a store: its matches table."""


class LeaseRow(NamedTuple):
    holder: str  # "host:pid:token"
    acquired_at: datetime
    expires_at: datetime | None


def write_row(conn: Connection, scope: str, row: LeaseRow) -> None:
    """Create or replace the row of ``scope``."""
    table = collector_lease
    values = row._asdict()
    done = conn.execute(table.update().where(table.c.name == scope).values(values))
    if done.rowcount == 0:
        conn.execute(table.insert().values(name=scope, **values))


def read_row(conn: Connection, scope: str) -> LeaseRow | None:
    table = collector_lease
    found = conn.execute(
        sa.select(table.c.holder, table.c.acquired_at, table.c.expires_at).where(
            table.c.name == scope
        )
    ).first()
    if found is None:
        return None
    return LeaseRow(str(found.holder), found.acquired_at, found.expires_at)


def delete_row(conn: Connection, scope: str, holder_suffix: str) -> None:
    """Remove the row of ``scope`` if its holder ends with ``holder_suffix`` (ours)."""
    table = collector_lease
    conn.execute(
        table.delete().where(table.c.name == scope, table.c.holder.endswith(holder_suffix))
    )

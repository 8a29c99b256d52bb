"""The cursor's ``seq`` on SQL backends: taken inside the insert's transaction, after a lock
that serialises writers, and guarded by the unique index ``uq_matches_seq``.

``next_seq`` locks first (PostgreSQL: a transaction advisory lock; MariaDB: ``FOR UPDATE``
on the version table's one row; SQLite: ``BEGIN IMMEDIATE``, one writer at a time), so two
collectors never read the same maximum, and a transaction commits before the next one
numbers: a reader never sees seq N+1 while N is still to come. Should a writer ever slip past
the lock, the unique index refuses the duplicate seq and the batch is rolled back (nothing
half stored).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from oracxpred.store.sql import schema

M = schema.matches
SEQ_LOCK = "oracxpred-seq"
CHANNEL = "oracxpred_matches"
"""PostgreSQL ``NOTIFY`` channel: one notification per stored batch, payload the highest seq."""


def next_seq(conn: sa.Connection) -> int:
    """The first free seq, with the writers' lock held until this transaction ends."""
    name = conn.dialect.name
    if name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:n))"), {"n": SEQ_LOCK})
    elif name in ("mysql", "mariadb"):
        # The one row of the version table, locked until commit: a plain record lock. Locking
        # the highest ``seq`` instead takes gap locks, which two writers can both hold, and
        # their inserts then deadlock.
        conn.execute(sa.text(f"SELECT version_num FROM {schema.VERSION_TABLE} FOR UPDATE"))
    query = sa.select(M.c.seq).where(M.c.seq.is_not(None)).order_by(M.c.seq.desc()).limit(1)
    top = conn.execute(query).scalar()
    return int(top or 0) + 1


def number_unsequenced(conn: sa.Connection, order: str, ingested: datetime | None) -> int:
    """Give the next seqs to the rows without one, in ``order`` (SQL, e.g. ``id``);
    ``ingested`` None keeps ``timestamp_utc`` as their ingestion time. Returns the highest seq
    given, or 0 when no row lacked one."""
    base = next_seq(conn) - 1
    params: dict[str, object] = {"base": base}
    when = "m.timestamp_utc"
    if ingested is not None:
        params["ingested"] = ingested
        when = ":ingested"
    numbered = (
        f"SELECT id, ROW_NUMBER() OVER (ORDER BY {order}) AS n FROM matches WHERE seq IS NULL"
    )
    if conn.dialect.name in ("mysql", "mariadb"):
        sql = (
            f"UPDATE matches m JOIN ({numbered}) r ON m.id = r.id "
            f"SET m.seq = :base + r.n, m.ingested_at_utc = COALESCE(m.ingested_at_utc, {when})"
        )
    else:
        sql = (
            f"UPDATE matches AS m SET seq = :base + r.n, "
            f"ingested_at_utc = COALESCE(m.ingested_at_utc, {when}) "
            f"FROM ({numbered}) AS r WHERE m.id = r.id"
        )
    statement = sa.text(sql)
    if ingested is not None:
        statement = statement.bindparams(sa.bindparam("ingested", type_=schema.UtcDateTime()))
    count = conn.execute(statement, params).rowcount
    return base + int(count) if count else 0


def notify(conn: sa.Connection, seq: int) -> None:
    """PostgreSQL: tell listeners, in the insert's transaction (sent only if it commits)."""
    if conn.dialect.name == "postgresql" and seq:
        conn.execute(sa.text("SELECT pg_notify(:c, :s)"), {"c": CHANNEL, "s": str(seq)})

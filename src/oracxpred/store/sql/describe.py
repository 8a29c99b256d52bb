"""``SqlStore.describe``: what ``--test-db`` prints, probed for real (connect, count, write)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from oracxpred import messages
from oracxpred.errors import StoreNotWritable
from oracxpred.store.base import StoreInfo
from oracxpred.store.sql import migrate as sql_migrate
from oracxpred.store.sql import schema
from oracxpred.store.sql.errors import classify

_BACKENDS = {"postgresql": "postgresql", "sqlite": "sqlite", "mysql": "mysql", "mariadb": "mysql"}
IDS_SHOWN = 10


def server_version(conn: sa.Connection) -> str:
    name = conn.dialect.name
    if name == "postgresql":
        return "PostgreSQL " + str(conn.exec_driver_sql("SHOW server_version").scalar())
    if name == "sqlite":
        return "SQLite " + str(conn.exec_driver_sql("SELECT sqlite_version()").scalar())
    version = str(conn.exec_driver_sql("SELECT VERSION()").scalar())
    return version if "mariadb" in version.lower() else "MySQL " + version


def last_collection(conn: sa.Connection) -> datetime | None:
    """The latest heartbeat, or for a freshly adopted table its newest row."""
    h, m = schema.heartbeats, schema.matches
    last = conn.execute(sa.select(sa.func.max(h.c.started_at))).scalar()
    if last is None:
        last = conn.execute(sa.select(sa.func.max(m.c.timestamp_utc))).scalar()
    if isinstance(last, str):  # SQLite aggregates lose the column type
        last = datetime.fromisoformat(last)
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return last


def legacy_details(conn: sa.Connection) -> list[str]:
    d = schema.legacy_duplicates
    copies, ids = conn.execute(
        sa.select(sa.func.count(), sa.func.count(sa.distinct(d.c.event_id)))
    ).one()
    if not copies:
        return []
    shown = conn.execute(
        sa.select(d.c.event_id).distinct().order_by(d.c.event_id).limit(IDS_SHOWN)
    ).scalars()
    listed = ", ".join(str(i) for i in shown) + (" …" if ids > IDS_SHOWN else "")
    return [messages.SQL_LEGACY_DUPLICATES.format(copies=copies, ids=ids, listed=listed)]


def writable(engine: sa.Engine) -> bool:
    """Write for real inside a transaction that is rolled back: permissions, read-only
    replicas, read-only SQLite files all show up here and nowhere earlier."""
    h = schema.heartbeats
    probe = {"started_at": datetime.now(UTC), "ok": False, "host": "probe", "pid": 0}
    probe |= {"saved": 0, "pending": 0, "duplicates": 0, "rejected": 0, "error": ""}
    with engine.connect() as conn:
        try:
            conn.execute(sa.insert(h).values(probe))
        except sa.exc.DBAPIError as exc:
            if classify(exc)[0] is StoreNotWritable:
                return False
            raise
        finally:
            conn.rollback()
    return True


def describe(engine: sa.Engine, target: str) -> StoreInfo:
    with engine.connect() as conn:
        version = server_version(conn)
        revision = sql_migrate.current_revision(conn)
        count = conn.execute(sa.select(sa.func.count()).select_from(schema.matches)).scalar_one()
        last = last_collection(conn)
        details = legacy_details(conn)
    head = sql_migrate.head_revision()
    if revision != head:
        details.append(f"Migrations en attente : schéma {revision or 'absent'}, attendu {head}.")
    return StoreInfo(
        backend=_BACKENDS.get(engine.dialect.name, engine.dialect.name),
        target=target,
        writable=writable(engine),
        row_count=int(count),
        schema_version=revision,
        server_version=version,
        last_collection=last,
        details=tuple(details),
    )

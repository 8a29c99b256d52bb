"""Revision 0004 (through 0002 and 0003) on a database created at 0001 by an earlier release:
the heartbeat columns and the quarantine table are added, old heartbeats read with no
interval, and the result is exactly ``schema.py`` on every SQL backend."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from oracxpred.store.sql import schema
from oracxpred.store.sql.migrate import current_revision, head_revision
from oracxpred.store.sql.store import SqlStore

AT = datetime(2026, 1, 1, tzinfo=UTC)


def _as_at_0001(store: SqlStore) -> None:
    """Take back what 0004 added, as a database left by the release before it."""
    with store.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE rejected_events"))
        for column in ("interval_s", "events"):
            conn.execute(sa.text(f"ALTER TABLE heartbeats DROP COLUMN {column}"))
        conn.execute(sa.text(f"UPDATE {schema.VERSION_TABLE} SET version_num = '0001'"))
        conn.execute(
            sa.text(
                "INSERT INTO heartbeats (started_at, finished_at, ok, host, pid, saved, pending,"
                " duplicates, rejected, error) VALUES (:at, :at, :ok, 'h', 1, 0, 0, 0, 0, '')"
            ),
            {"at": AT.replace(tzinfo=None), "ok": True},
        )


def test_0004_upgrades_a_database_left_at_0001(sql_url: str) -> None:
    with SqlStore(sql_url) as store:
        store.upgrade()
        _as_at_0001(store)
    with SqlStore(sql_url) as store:
        assert store.upgrade() == head_revision()
        [beat] = store.recent_heartbeats(5)
        assert (beat.interval_s, beat.events) == (None, 0)
        with store.engine.connect() as conn:
            opts = {"compare_type": True, "version_table": schema.VERSION_TABLE}
            drift = compare_metadata(MigrationContext.configure(conn, opts=opts), schema.metadata)
            assert current_revision(conn) == head_revision()
        assert drift == []
        assert store.recent_rejections() == []

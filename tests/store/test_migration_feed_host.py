"""Migration 0003: a database created at 0001 gets ``heartbeats.feed_host``, old rows read ''."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from oracxpred.store.base import Heartbeat
from oracxpred.store.sql.migrate import alembic_config, current_revision, head_revision
from oracxpred.store.sql.store import SqlStore


def test_upgrade_from_0001_adds_feed_host(sql_url: str) -> None:
    engine = sa.create_engine(sql_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0001")
            # 0001 builds today's schema.py: drop the new column to stand for an old database.
            conn.exec_driver_sql("ALTER TABLE heartbeats DROP COLUMN feed_host")
            conn.exec_driver_sql(
                "INSERT INTO heartbeats (started_at, ok, host, pid, saved, pending, duplicates,"
                " rejected, error) VALUES ('2025-06-01 12:00:00', TRUE, 'h', 1, 0, 0, 0, 0, '')"
            )
            assert current_revision(conn) == "0001"
    finally:
        engine.dispose()
    store = SqlStore(sql_url)
    try:
        assert store.upgrade() == head_revision()
        assert [b.feed_host for b in store.recent_heartbeats()] == [""]
        now = datetime.now(UTC)
        store.record_heartbeat(Heartbeat(now, now, True, "h", 2, feed_host="mirror.example:443"))
        assert store.recent_heartbeats(1)[0].feed_host == "mirror.example:443"
    finally:
        store.close()

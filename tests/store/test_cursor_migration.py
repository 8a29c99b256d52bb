"""Revision 0006 on a database left at 0005 with matches: the cursor columns are added, the
rows numbered by (collection time, event id) with their collection time as ingestion time, and
the result is exactly ``schema.py``, on every SQL backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from oracxpred.store.sql import schema
from oracxpred.store.sql.migrate import current_revision, head_revision
from oracxpred.store.sql.store import SqlStore
from tests.store.conftest import BASE_TIME, match


def _as_at_0005(store: SqlStore) -> None:
    """Take back what 0006 added, as a database left by the release before it."""
    with store.engine.begin() as conn:
        on = " ON matches" if conn.dialect.name in ("mysql", "mariadb") else ""
        conn.execute(sa.text(f"DROP INDEX {schema.SEQ_INDEX}{on}"))
        for column in ("ingested_at_utc", "seq"):
            conn.execute(sa.text(f"ALTER TABLE matches DROP COLUMN {column}"))
        conn.execute(sa.text(f"UPDATE {schema.VERSION_TABLE} SET version_num = '0005'"))


def test_0006_numbers_the_rows_of_a_database_left_at_0005(sql_url: str) -> None:
    late = BASE_TIME + timedelta(days=1)
    rows = [
        replace(match(30), collected_at=late),
        replace(match(20), collected_at=BASE_TIME),
        replace(match(10), collected_at=BASE_TIME),
        replace(match(40), collected_at=BASE_TIME - timedelta(hours=1)),
    ]
    with SqlStore(sql_url) as store:
        store.upgrade()
        store.save_matches(rows)
        _as_at_0005(store)
    with SqlStore(sql_url) as store:
        assert store.upgrade() == head_revision()
        page = store.matches_after(0, 100)
        assert [(i.seq, i.match.event_id) for i in page.items] == [
            (1, 40),
            (2, 10),
            (3, 20),
            (4, 30),
        ]
        assert [i.ingested_at for i in page.items] == [i.match.collected_at for i in page.items]
        assert {i.match for i in page.items} == set(rows)
        store.save_matches([match(50), match(10)])
        newer = store.matches_after(page.next_seq, 100)
        assert [(i.seq, i.match.event_id) for i in newer.items] == [(5, 50)]
        with store.engine.connect() as conn:
            opts = {"compare_type": True, "version_table": schema.VERSION_TABLE}
            drift = compare_metadata(MigrationContext.configure(conn, opts=opts), schema.metadata)
            assert current_revision(conn) == head_revision()
        assert drift == []


def test_0006_on_a_fresh_database_is_the_schema(sql_url: str) -> None:
    with SqlStore(sql_url) as store:
        assert store.upgrade() == head_revision()
        assert store.matches_after(0, 10).items == ()

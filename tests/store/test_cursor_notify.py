"""PostgreSQL: ``NOTIFY oracxpred_matches, '<highest seq of the batch>'`` in the insert's
transaction, received by a connection that LISTENs (collector saves and COPY imports)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from oracxpred.store.sql.sequence import CHANNEL
from oracxpred.store.sql.store import SqlStore
from oracxpred.store.transfer.files import import_csv
from tests.store.conftest import match

pytestmark = pytest.mark.postgres


def _listener(url: str) -> psycopg.Connection[tuple[object, ...]]:
    plain = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = psycopg.connect(plain, autocommit=True)
    conn.execute(f"LISTEN {CHANNEL}")
    return conn


def _payloads(conn: psycopg.Connection[tuple[object, ...]], count: int) -> list[str]:
    return [n.payload for n in conn.notifies(timeout=10, stop_after=count)]


def test_each_stored_batch_notifies_its_highest_seq(postgresql_url: str) -> None:
    with SqlStore(postgresql_url) as store:
        store.upgrade()
        listener = _listener(postgresql_url)
        try:
            store.save_matches([match(1), match(2), match(3)])
            store.save_matches([match(2)])  # nothing new: no notification
            store.save_matches([match(4)])
            assert _payloads(listener, 2) == ["3", "4"]
            assert [n.payload for n in listener.notifies(timeout=0.2)] == []
        finally:
            listener.close()


def test_a_copy_import_notifies_too(postgresql_url: str, tmp_path: Path) -> None:
    from oracxpred.store.csv.store import CsvStore

    source = CsvStore(tmp_path / "matches.csv")
    source.save_matches([match(n) for n in range(1, 6)])
    with SqlStore(postgresql_url) as store:
        store.upgrade()
        store.save_matches([match(100)])
        listener = _listener(postgresql_url)
        try:
            import_csv(source.path, store, progress=False)
            assert _payloads(listener, 1) == ["6"]
        finally:
            listener.close()
        items = store.matches_after(0, 100).items
        assert [(i.seq, i.match.event_id) for i in items] == [
            (1, 100),
            *((n + 1, n) for n in range(1, 6)),
        ]

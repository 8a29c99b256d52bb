"""Webhooks on a SQL store: the delivery position is a row of ``checkpoints`` (not a file),
survives a restart of the process, and nothing is sent twice or skipped: in-process against
SQLite, PostgreSQL and MariaDB, and end to end with the real collector (``--database-url``)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from oracxpred.push.webhooks import Pusher, checkpoint_name, shown
from oracxpred.simulator.server import start_simulator
from oracxpred.store.base import Store
from oracxpred.store.factory import open_sql
from oracxpred.store.sql.engine import normalize_url
from tests.helpers import run_collector
from tests.service.support import (
    advance_until_new_finish,
    mariadb_database,
    postgres_database,
)
from tests.service.webhook_receiver import Receiver
from tests.store.conftest import match

SECRET = "clé-sql"
ENV = {"ORACXPRED_WEBHOOK_SECRET": SECRET}
BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.postgres),
    pytest.param("mariadb", marks=pytest.mark.mariadb),
]


class Limited(Receiver):
    """A real receiver that acknowledges the first ``limit`` POSTs it gets, then answers
    ``status`` (503) to every later one, until ``limit`` is set back to None."""

    limit: int | None = None

    @property
    def mode(self) -> str:
        if self.limit is not None and len(self.got) > self.limit:
            return "failing"
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        self._mode = value


@pytest.fixture
def receiver() -> Iterator[Limited]:
    hook = Limited(SECRET)
    hook.status = 503
    hook.start()
    yield hook
    hook.stop()


@contextlib.contextmanager
def database(kind: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database of ``kind`` (dropped afterwards), as a URL."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    elif kind == "postgresql":
        with postgres_database() as url:
            yield url
    else:
        with mariadb_database() as url:
            yield url


def checkpoint_rows(url: str) -> dict[str, dict[str, Any]]:
    """The ``checkpoints`` table as another connection reads it: {name: JSON data}."""
    engine = sa.create_engine(normalize_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT name, data FROM checkpoints")).all()
    finally:
        engine.dispose()
    return {str(name): json.loads(data) for name, data in rows}


def got_seqs(receiver: Receiver) -> list[int]:
    """Every POST that reached the receiver, in arrival order (retries included)."""
    return [int(r["body"]["seq"]) for r in receiver.got]


def _pusher(store: Store, receiver: Receiver) -> Pusher:
    return Pusher(
        store, [receiver.url], SECRET, timeout_s=2.0, backoff_base_s=0.0, backoff_cap_s=0.0
    )


@pytest.mark.parametrize("kind", BACKENDS)
def test_the_position_is_a_checkpoints_row_that_survives_restarts(
    kind: str, tmp_path: Path, receiver: Limited
) -> None:
    name = checkpoint_name(receiver.url)
    with database(kind, tmp_path) as url:
        store = open_sql(url)
        store.save_matches([match(1), match(2)])  # before the webhook existed: not sent
        before = store.last_seq()
        first = _pusher(store, receiver)
        first.prepare()
        assert checkpoint_rows(url) == {name: {"url": shown(receiver.url), "last_seq": before}}
        store.save_matches([match(i) for i in range(10, 16)])
        wanted = [item.seq for item in store.matches_after(before, 100).items]
        assert len(wanted) == 6
        receiver.limit = 3  # three acknowledged, then the receiver fails mid-batch
        assert first.deliver() == 3
        assert checkpoint_rows(url)[name]["last_seq"] == wanted[2]
        assert first.pending == 3
        first.close()
        store.close()  # the process ends with three matches owed

        again = open_sql(url)  # a new process: new engine, position read from the table
        again.save_matches([match(20)])
        wanted.append(again.last_seq())
        receiver.limit = None
        second = _pusher(again, receiver)
        second.prepare()
        assert second.deliver() == 4
        assert second.pending == 0
        second.close()
        again.close()
        assert checkpoint_rows(url)[name]["last_seq"] == wanted[-1]

        third_store = open_sql(url)  # and once more with nothing new: nothing is re-sent
        third = _pusher(third_store, receiver)
        third.prepare()
        assert third.deliver() == 0
        third.close()
        third_store.close()
    assert receiver.accepted == wanted  # each acknowledged once, in order, none skipped
    # Every POST: the three taken, the refused fourth, then its retry and the rest.
    assert got_seqs(receiver) == [*wanted[:4], *wanted[3:]]
    assert all(receiver.valid(r) for r in receiver.got)
    assert [r["body"]["event_id"] for r in receiver.got[4:]] == [13, 14, 15, 20]
    assert not list(tmp_path.glob("*webhook*"))  # no state file: the table holds it


def _stored_seqs(url: str) -> list[int]:
    with contextlib.closing(open_sql(url)) as store:
        return [item.seq for item in store.matches_after(0, 1000).items]


def _stored_ids(url: str) -> set[int]:
    with contextlib.closing(open_sql(url)) as store:
        return {item.match.event_id for item in store.matches_after(0, 1000).items}


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_one_shot_runs_on_sql_resume_from_the_checkpoints_row(kind: str, tmp_path: Path) -> None:
    """Real collector runs against the simulator: down at the first run (everything owed is
    kept), up at the second (owed first, then the new ones), a third run re-sends nothing."""
    hook = Receiver(SECRET)
    with start_simulator() as sim, database(kind, tmp_path) as url:
        try:
            advance_until_new_finish(sim, set())
            args = [
                "--feed-url",
                sim.feed_url,
                "--database-url",
                url,
                "--csv-path",  # the spool beside it, in the test's folder
                str(tmp_path / "m.csv"),
                "--no-archive",
                "--webhook-url",
                hook.url,
            ]
            down = run_collector(*args, env=ENV)
            assert down.returncode == 0, down.stderr
            first = _stored_seqs(url)
            assert first
            assert checkpoint_rows(url)[checkpoint_name(hook.url)]["last_seq"] == 0
            hook.start()
            advance_until_new_finish(sim, _stored_ids(url))
            up = run_collector(*args, env=ENV)
            assert up.returncode == 0, up.stderr
            second = _stored_seqs(url)
            assert len(second) > len(first)
            assert hook.accepted == second  # the first run's matches, then this run's
            assert checkpoint_rows(url)[checkpoint_name(hook.url)]["last_seq"] == second[-1]
            advance_until_new_finish(sim, _stored_ids(url))
            last = run_collector(*args, env=ENV)
            assert last.returncode == 0, last.stderr
            third = _stored_seqs(url)
            assert len(third) > len(second)
        finally:
            hook.stop()
    assert hook.accepted == third
    assert got_seqs(hook) == third  # not one POST twice
    assert all(hook.valid(r) for r in hook.got)

"""The collector keeps its tracker state in memory between cycles (``Collector._saved_state``)
and starts from it only while the store's stamp shows that nobody replaced the stored copy.

A second collector, in this process or in a real one-shot subprocess (as after a lease
takeover, or a cron run beside a stopped daemon), writes the state in between: the first one
must then work from that state, not from its memory. Real HTTP feed (``StaticFeed``), real
stores (CSV, PostgreSQL behind the outage spool, as ``open_store`` builds them).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from oracxpred.collector.cycle import Collector
from oracxpred.config import Settings
from oracxpred.store.base import Store
from oracxpred.store.factory import open_store
from tests.helpers import StaticFeed, run_collector
from tests.service.support import postgres_database

EVENT_ID = 733141641


def feed(odds: tuple[float, float, float], *, finished: bool = False) -> bytes:
    """One FIFA event, pre-match with ``odds`` or finished 2-1."""
    start = int(time.time()) + 3600
    sc: dict[str, object] = {"FS": {}, "GS": 128, "I": "Paris avant le début du jeu"}
    if finished:
        sc = {"FS": {"S1": 2, "S2": 1}, "GS": 1, "CPS": "Jeu terminé"}
    event = {
        "I": EVENT_ID,
        "S": start,
        "SI": 85,
        "LI": 2986291,
        "L": "FC 26. 5x5 Rush. Superligue",
        "O1": "Chelsea",
        "O2": "PSV Eindhoven",
        "SC": sc,
        "E": [{"G": 1, "T": t, "C": c} for t, c in zip((1, 2, 3), odds, strict=True)],
    }
    return json.dumps({"Success": True, "Value": [event]}).encode()


class Spy:
    """Counts the real store's ``load_tracking`` calls (the store itself is untouched)."""

    def __init__(self, store: Store) -> None:
        self.loads = 0
        original = store.load_tracking

        def load_tracking() -> dict[str, Any] | None:
            self.loads += 1
            return original()

        store.load_tracking = load_tracking  # type: ignore[method-assign]


@contextlib.contextmanager
def collector(settings: Settings) -> Iterator[tuple[Collector, Spy]]:
    store = open_store(settings)
    spy = Spy(store)
    c = Collector(settings, store)
    try:
        yield c, spy
    finally:
        c.close()
        store.close()


def one_shot(settings: Settings) -> None:
    """A real one-shot run of ``collector_service.py`` on the same store."""
    args = ["--feed-url", settings.feed_url, "--csv-path", str(settings.csv_path)]
    env = {"DATABASE_URL": settings.database_url} if settings.database_url else None
    done = run_collector(*args, env=env)
    assert done.returncode == 0, done.stderr


def closing_odds_stored(settings: Settings) -> tuple[float, float | None, float]:
    store = open_store(settings)
    try:
        (row,) = list(store.iter_matches())
    finally:
        store.close()
    assert row.event_id == EVENT_ID
    assert row.odds is not None
    return row.odds.home, row.odds.draw, row.odds.away


@dataclass
class Case:
    settings: Settings
    server: StaticFeed


@pytest.fixture(params=["csv", pytest.param("postgresql", marks=pytest.mark.postgres)])
def case(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Case]:
    with StaticFeed(feed((2.0, 3.0, 4.0))) as server:
        base = Settings(feed_url=server.feed_url, csv_path=tmp_path / "m.csv", retries=0)
        if request.param == "csv":
            yield Case(base, server)
        else:
            with postgres_database() as url:
                yield Case(base.with_(database_url=url), server)


def test_unchanged_state_is_not_loaded_again(case):
    settings = case.settings
    with collector(settings) as (c, spy):
        for _ in range(4):
            c.run_cycle()
        assert spy.loads == 1  # the first cycle only: then the stamp matches every time
        case.server.body = feed((2.0, 3.0, 4.0), finished=True)
        report = c.run_cycle()
    assert [m.event_id for m in report.saved] == [EVENT_ID]
    assert closing_odds_stored(settings) == (2.0, 3.0, 4.0)


def test_state_written_by_another_process_is_picked_up(case):
    """A one-shot run moves the closing odds while this collector holds the old state in
    memory: the match must be stored with the odds that run saw last."""
    settings, server = case.settings, case.server
    with collector(settings) as (c, spy):
        c.run_cycle()
        c.run_cycle()
        assert spy.loads == 1
        server.body = feed((2.5, 3.1, 2.9))
        one_shot(settings)
        server.body = feed((2.0, 3.0, 4.0), finished=True)
        report = c.run_cycle()
        assert spy.loads == 2  # the stamp changed: loaded again
    assert [m.event_id for m in report.saved] == [EVENT_ID]
    assert closing_odds_stored(settings) == (2.5, 3.1, 2.9)


def test_two_collectors_in_turn_each_see_the_others_state(case):
    """A lease moving back and forth between two collectors of one process (the web app's
    and a daemon's, say): each starts from what the other saved."""
    settings, server = case.settings, case.server
    with collector(settings) as (a, spy_a), collector(settings) as (b, spy_b):
        a.run_cycle()
        server.body = feed((2.2, 3.3, 3.4))
        b.run_cycle()
        server.body = feed((2.4, 3.3, 3.0))
        a.run_cycle()
        server.body = feed((2.0, 3.0, 4.0), finished=True)
        report = b.run_cycle()
        assert (spy_a.loads, spy_b.loads) == (2, 2)
    assert [m.event_id for m in report.saved] == [EVENT_ID]
    assert closing_odds_stored(settings) == (2.4, 3.3, 3.0)


def test_a_failed_state_save_forgets_the_state_in_memory(tmp_path):
    """When the state cannot be written, the next cycle loads what the store really holds."""
    with StaticFeed(feed((2.0, 3.0, 4.0))) as server:
        settings = Settings(feed_url=server.feed_url, csv_path=tmp_path / "m.csv", retries=0)
        with collector(settings) as (c, spy):
            c.run_cycle()
            tracking = Path(f"{tmp_path / 'm'}.tracking.json")
            tracking.unlink()
            tracking.mkdir()  # the atomic replace now fails: the cycle fails
            with pytest.raises(Exception, match="tracking"):
                c.run_cycle()
            assert c._saved_state is None
            tracking.rmdir()
            c.run_cycle()
            assert spy.loads == 3


@pytest.mark.postgres
def test_postgresql_stamp_is_the_stored_text(tmp_path):
    """The stamp is the row's JSON text: a write by anyone else changes it, even one that only
    touches the row (same state saved again keeps it, which is right: same content)."""
    with postgres_database() as url:
        settings = Settings(database_url=url, csv_path=tmp_path / "m.csv")
        store = open_store(settings)
        try:
            stamp = store.save_tracking({"version": 1, "matches": [], "saved": []})
            assert store.tracking_stamp() == stamp
            engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
            with engine.begin() as conn:
                conn.execute(sa.text("UPDATE tracking_state SET state = '{\"x\": 1}'"))
            engine.dispose()
            assert store.tracking_stamp() != stamp
            assert store.load_tracking() == {"x": 1}
        finally:
            store.close()

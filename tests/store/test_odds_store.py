"""The odds timeline on every backend (``Store.save_odds``/``iter_odds``): stored exactly,
idempotent on ``(event_id, group, type, param, observed_at)``, 2-way and removal rows kept."""

from __future__ import annotations

import pytest

from oracxpred.core.odds import diff
from oracxpred.core.records import OddsRow, Phase, Price
from oracxpred.store.base import Store
from oracxpred.store.csv.store import CsvStore

T0 = 1_782_879_000
A = Price(1, 1, None, 2.0, False, False)
B = Price(17, 9, 2.5, 1.85, False, True)


def timeline() -> tuple[OddsRow, ...]:
    first = diff(5, [], [A, B], observed_at=T0, server_time=T0 - 2, phase=Phase.PREMATCH)
    blocked = Price(1, 1, None, None, True, False)
    second = diff(5, [A, B], [blocked], observed_at=T0 + 60, server_time=None, phase=Phase.LIVE)
    return first + second


@pytest.fixture(params=["csv_store", "sqlite_store", "postgresql_store", "mariadb_store"])
def store(request: pytest.FixtureRequest) -> Store:
    return request.getfixturevalue(request.param)


def test_the_timeline_is_stored_exactly_and_a_replay_adds_nothing(store: Store) -> None:
    rows = timeline()
    assert store.save_odds(rows) == 4
    assert tuple(store.iter_odds()) == rows
    assert store.save_odds(rows) == 0
    assert store.save_odds(rows[:1]) == 0
    assert tuple(store.iter_odds(5)) == rows
    assert tuple(store.iter_odds(6)) == ()
    assert store.save_odds(()) == 0


def test_the_csv_timeline_is_odds_csv_beside_matches_csv(tmp_path) -> None:
    store = CsvStore(tmp_path / "matches.csv")
    store.save_odds(timeline())
    lines = (tmp_path / "odds.csv").read_text().splitlines()
    assert lines[0] == (
        "event_id,observed_at_utc,server_time_utc,phase,group,type,param,price,blocked,"
        "central,removed"
    )
    assert lines[2] == "5,2026-07-01T04:10:00Z,2026-07-01T04:09:58Z,prematch,17,9,2.5,1.85,0,1,0"
    # A fresh process (cron) learns the last polls from the tail: still idempotent.
    assert CsvStore(tmp_path / "matches.csv").save_odds(timeline()) == 0


def test_a_torn_last_odds_line_is_moved_aside(tmp_path) -> None:
    store = CsvStore(tmp_path / "matches.csv")
    rows = timeline()
    store.save_odds(rows[:2])
    with (tmp_path / "odds.csv").open("a") as f:
        f.write("5,2026-07-01T04:1")
    assert CsvStore(tmp_path / "matches.csv").save_odds(rows) == 2
    assert tuple(CsvStore(tmp_path / "matches.csv").iter_odds()) == rows
    assert list(tmp_path.glob("odds.csv.torn-*"))

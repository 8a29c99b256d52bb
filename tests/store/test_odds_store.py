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


def day(event_base: int, start: int, polls: int) -> list[OddsRow]:
    """A day of polls: each poll, every event's price moves (one row per event and poll)."""
    rows: list[OddsRow] = []
    for i in range(polls):
        for event_id in range(event_base, event_base + 50):
            price = 1.5 + (i % 7) / 10
            rows.append(
                OddsRow(event_id, start + 60 * i, None, Phase.PREMATCH, 1, 1, None, price, *FLAGS)
            )
    return rows


FLAGS = (False, False, False)


def test_csv_replays_of_old_days_into_a_big_file_add_nothing(tmp_path) -> None:
    """Days replayed out of order into a file far larger than any tail, by fresh processes
    each time (the side file says only the latest poll): never a duplicate row."""
    first, second = day(1000, T0, 400), day(2000, T0 + 86_400, 400)
    path = tmp_path / "matches.csv"
    assert CsvStore(path).save_odds(second) == len(second)
    assert CsvStore(path).save_odds(first) == len(first)  # an older day, never stored yet
    assert (tmp_path / "odds.csv").stat().st_size > 2_000_000
    for rows in (second, first, second):
        store = CsvStore(path)
        for i in range(0, len(rows), 500):  # replayed poll by poll batches
            assert store.save_odds(rows[i : i + 500]) == 0
    assert len(list(CsvStore(path).iter_odds())) == len(first) + len(second)


def test_csv_latest_poll_side_file_lost_or_stale_is_rebuilt(tmp_path) -> None:
    path = tmp_path / "matches.csv"
    rows = day(1000, T0, 3)
    CsvStore(path).save_odds(rows[:100])
    side = tmp_path / "odds.csv.max"
    assert side.read_text().split()[1] == str(T0 + 60)
    side.unlink()  # lost
    assert CsvStore(path).save_odds(rows[:100]) == 0
    side.write_text("99999999 1\n")  # covers more than the file: ignored
    assert CsvStore(path).save_odds(rows) == 50
    side.write_text("not numbers")
    assert CsvStore(path).save_odds(rows) == 0
    assert len(list(CsvStore(path).iter_odds())) == 150


def test_csv_two_processes_appending_in_turn_stay_idempotent(tmp_path) -> None:
    """A daemon and a one-shot run share the file: each reads what the other appended."""
    path = tmp_path / "matches.csv"
    a, b = CsvStore(path), CsvStore(path)
    rows = day(1000, T0, 4)
    assert a.save_odds(rows[:50]) == 50
    assert b.save_odds(rows[:100]) == 50
    assert a.save_odds(rows[:150]) == 50
    assert a.save_odds(rows[50:100]) == 0  # an older poll: a's full read knows b's rows
    assert b.save_odds(rows) == 50
    assert len(list(CsvStore(path).iter_odds())) == 200

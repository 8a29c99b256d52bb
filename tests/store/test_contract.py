"""Every promise of ``store/base.py``, on every backend (csv, sqlite, postgresql, mariadb)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from oracxpred.core.records import FinishedMatch, FinishSource, Odds1X2, Outcome, Score
from oracxpred.store.base import Heartbeat, MatchQuery, SaveReport, Store
from oracxpred.store.querying import compute_league_stats, filter_sort_page
from tests.store.conftest import BASE_TIME, match


def test_saved_match_reads_back_identical(store: Store) -> None:
    full = match(101)
    sparse = FinishedMatch(
        event_id=102,
        collected_at=datetime(2025, 6, 2, 8, 30, tzinfo=UTC),
        league="Ligue d'origine",
        team1="Équipe « A »",
        team2='=HYPERLINK("x")',
        score1=0,
        score2=0,
        status="",
        outcome=Outcome.DRAW,
        finish_source=FinishSource.RESULTS,
    )
    assert store.save_matches([full, sparse]) == SaveReport(saved=(101, 102))
    assert list(store.iter_matches()) == [full, sparse]


def test_save_is_idempotent_on_event_id(store: Store) -> None:
    store.save_matches([match(1), match(2)])
    changed = replace(match(2), score1=7, team1="Autre équipe")
    report = store.save_matches([changed, match(3)])
    assert report == SaveReport(saved=(3,), duplicates=(2,))
    assert store.count_matches() == 3
    assert [m for m in store.iter_matches() if m.event_id == 2] == [match(2)]


def test_same_teams_with_another_id_is_another_match(store: Store) -> None:
    """Virtual leagues replay the same pairing all day: team names never identify a match."""
    report = store.save_matches([match(10), replace(match(10), event_id=11)])
    assert report.saved == (10, 11)
    assert store.count_matches() == 2


def test_repeat_inside_one_batch_is_written_once(store: Store) -> None:
    report = store.save_matches([match(5), replace(match(5), score1=9), match(6)])
    assert report == SaveReport(saved=(5, 6), duplicates=(5,))
    assert [m.score1 for m in store.iter_matches()] == [2, 2]


def test_empty_batch_writes_nothing(store: Store) -> None:
    assert store.save_matches([]) == SaveReport()
    assert store.count_matches() == 0
    assert list(store.iter_matches()) == []


def test_large_batch_is_saved_whole(store: Store) -> None:
    batch = [match(100_000 + i) for i in range(2500)]
    report = store.save_matches(batch)
    assert len(report.saved) == 2500
    assert not report.duplicates
    again = store.save_matches([*batch[-10:], match(1)])
    assert again.saved == (1,)
    assert len(again.duplicates) == 10
    assert store.count_matches() == 2501


def test_iter_matches_follows_storage_order(store: Store) -> None:
    store.save_matches([match(30), match(10)])
    store.save_matches([match(20)])
    assert [m.event_id for m in store.iter_matches()] == [30, 10, 20]


def test_stored_ids_is_the_stored_subset(store: Store) -> None:
    store.save_matches([match(1), match(2), match(3)])
    assert store.stored_ids([2, 3, 4, 2]) == {2, 3}
    assert store.stored_ids([]) == set()


def test_tracking_round_trips_and_is_replaced(store: Store) -> None:
    assert store.load_tracking() is None
    state = {"events": {"123": {"phase": "live", "odds": [1.85, 3.6, 4.2]}}, "note": "été ✓"}
    store.save_tracking(state)
    assert store.load_tracking() == state
    store.save_tracking({"events": {}})
    assert store.load_tracking() == {"events": {}}


def test_large_tracking_state_round_trips(store: Store) -> None:
    state = {"events": {str(i): {"team": "x" * 40, "seen": i} for i in range(3000)}}
    assert len(json.dumps(state)) > 200_000  # beyond MariaDB's TEXT
    store.save_tracking(state)
    assert store.load_tracking() == state


def beat(minute: int, **changes: object) -> Heartbeat:
    started = BASE_TIME + timedelta(minutes=minute)
    base = Heartbeat(
        started_at=started,
        finished_at=started + timedelta(seconds=3),
        ok=True,
        host="hôte",
        pid=4242,
        saved=2,
        pending=1,
        duplicates=0,
        rejected=1,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_heartbeats_come_back_newest_first(store: Store) -> None:
    assert store.recent_heartbeats() == []
    failed = beat(2, ok=False, error="Flux injoignable", finished_at=None)
    for hb in (beat(0), beat(1), failed):
        store.record_heartbeat(hb)
    assert store.recent_heartbeats() == [failed, beat(1), beat(0)]
    assert store.recent_heartbeats(limit=2) == [failed, beat(1)]


def test_describe_probes_the_store(store: Store) -> None:
    store.save_matches([match(1), match(2)])
    store.record_heartbeat(beat(5))
    info = store.describe()
    assert info.backend == store.backend
    assert info.backend in ("csv", "sqlite", "postgresql", "mysql")
    assert info.writable
    assert info.row_count == 2
    assert info.schema_version
    assert info.last_collection == beat(5).started_at


def test_last_collection_is_the_newest_cycle_else_the_newest_row(store: Store) -> None:
    """Same meaning on every backend: the newest recorded cycle, whatever it saved; a store
    filled by an import or another app (no cycle recorded) falls back on its newest row."""
    assert store.describe().last_collection is None
    store.save_matches([match(1), match(2)])
    newest_row = max(m.collected_at for m in store.iter_matches())
    assert store.describe().last_collection == newest_row
    store.record_heartbeat(beat(5000, saved=0))  # an empty cycle, days after the rows
    store.record_heartbeat(beat(4000))
    assert store.describe().last_collection == beat(5000).started_at


def test_context_manager_closes(store: Store) -> None:
    with store as same:
        assert same is store
        same.save_matches([match(1)])


def dataset() -> list[FinishedMatch]:
    """Leagues, teams, outcomes and dates varied enough for every filter, with ties on the
    start time (order falls back to collection time, then event id) and rows without start."""
    # Leagues differing only by case or by a trailing space stay apart (MariaDB's PAD SPACE).
    leagues = ["FIFA. Ligue virtuelle", "Penalty. Coupe", "FIFA. ligue virtuelle"]
    leagues.append("FIFA. Ligue virtuelle ")
    teams = ["Atlético (PES)", "ÉQUIPE de France", "Arsenal", "50%_club", "Real Madrid"]
    rows = []
    for i in range(60):
        score1, score2 = i % 4, (i * 7) % 3
        outcome = (
            Outcome.HOME if score1 > score2 else Outcome.AWAY if score1 < score2 else Outcome.DRAW
        )
        rows.append(
            match(
                1000 + i,
                league=leagues[i % 4],
                team1=teams[i % 5],
                team2=teams[(i + 2) % 5],
                score1=score1,
                score2=score2,
                outcome=outcome,
                start_time=None if i % 9 == 0 else BASE_TIME + timedelta(minutes=(i // 3) * 5),
                collected_at=BASE_TIME + timedelta(minutes=i, seconds=30),
                odds=None if i % 5 == 0 else Odds1X2(1.5 + i / 100, 3.4, 5.0 - i / 50),
                halftime=Score(0, 0),
            )
        )
    return rows


QUERIES = [
    MatchQuery(),
    MatchQuery(limit=None),
    MatchQuery(offset=10, limit=7),
    MatchQuery(offset=100, limit=10),
    MatchQuery(limit=0),
    MatchQuery(league="FIFA. Ligue virtuelle"),
    MatchQuery(league="inconnue"),
    MatchQuery(league="FIFA. Ligue virtuelle "),
    MatchQuery(team="atlético"),
    MatchQuery(team="équipe DE"),
    MatchQuery(team="%_"),
    MatchQuery(team="REAL", outcome=Outcome.DRAW),
    MatchQuery(outcome=Outcome.AWAY, limit=None),
    MatchQuery(date_from=BASE_TIME + timedelta(minutes=20), date_to=BASE_TIME + timedelta(hours=1)),
    MatchQuery(date_from=BASE_TIME + timedelta(minutes=45)),
    MatchQuery(date_to=(BASE_TIME + timedelta(minutes=15)).replace(tzinfo=None)),
]


def test_query_matches_agrees_with_the_reference(store: Store) -> None:
    store.save_matches(dataset())
    for query in QUERIES:
        assert store.query_matches(query) == filter_sort_page(store.iter_matches(), query), query


def test_league_stats_agree_with_the_reference(store: Store) -> None:
    store.save_matches(dataset())
    for query in (None, MatchQuery(team="arsenal"), MatchQuery(outcome=Outcome.HOME)):
        got = store.league_stats(query)
        want = compute_league_stats(store.iter_matches(), query)
        assert [s.league for s in got] == [s.league for s in want]
        for g, w in zip(got, want, strict=True):
            assert (g.matches, g.goals, g.outcomes, g.with_odds) == (
                w.matches,
                w.goals,
                w.outcomes,
                w.with_odds,
            )
            assert g.implied == pytest.approx(w.implied, rel=1e-9)


def another_writer(store: Store) -> Store:
    """A second store object on the same data, as another process would open it."""
    from oracxpred.store.csv.store import CsvStore
    from oracxpred.store.sql.store import SqlStore

    if isinstance(store, CsvStore):
        return CsvStore(store.path)
    assert isinstance(store, SqlStore)
    return SqlStore(store._engine)


def test_tracking_stamp_changes_with_any_writer(store: Store) -> None:
    """Equal stamps mean the stored state is the one this save wrote; a write by anyone else
    changes the stamp, even a write of the previous state back."""
    first = {"version": 1, "matches": [{"team1": "Été \ud800 ✓"}], "saved": [[1, 2]]}
    stamp = store.save_tracking(first)
    assert stamp is not None
    assert store.tracking_stamp() == stamp
    assert store.tracking_stamp() == stamp  # reading changes nothing
    assert store.load_tracking() == first  # a lone surrogate comes back exact
    other = another_writer(store)
    try:
        other_stamp = other.save_tracking({"version": 1, "matches": [], "saved": []})
        assert store.tracking_stamp() == other_stamp != stamp
        assert store.load_tracking() == {"version": 1, "matches": [], "saved": []}
        assert other.save_tracking(first) == stamp  # same content, same stamp
    finally:
        other.close()

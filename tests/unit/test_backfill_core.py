"""Backfill planning and audit arithmetic (core/backfill.py, core/audit.py): pure, every branch."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oracxpred.core import audit as A
from oracxpred.core import backfill as B
from oracxpred.core.records import FinishedMatch, FinishSource, Outcome, ResultItem, Score
from oracxpred.core.results import parse_results
from oracxpred.errors import FeedFormatError
from tests.helpers import load_fixture

DAY = B.DAY_S
T0 = 1_796_000_000 // DAY * DAY  # a UTC midnight


def item(event_id: int, start: int | None, score=(2, 1), half=(1, 0), **kw) -> ResultItem:
    values: dict[str, Any] = {
        "event_id": event_id,
        "score": Score(*score),
        "halftime": None if half is None else Score(*half),
        "team1": "A",
        "team2": "B",
        "league": "L",
        "league_id": 7,
        "start_time": start,
        "team1_id": 1,
        "team2_id": 2,
        "sport_id": 85,
    }
    return ResultItem(**(values | kw))


def row(event_id: int, start: int | None, score=(2, 1), half=(1, 0), **kw) -> FinishedMatch:
    values: dict[str, Any] = {
        "event_id": event_id,
        "collected_at": datetime.fromtimestamp(T0 + 10, tz=UTC),
        "league": "L",
        "team1": "A",
        "team2": "B",
        "score1": score[0],
        "score2": score[1],
        "status": "x",
        "outcome": Outcome.HOME,
        "finish_source": FinishSource.FEED,
        "league_id": 7,
        "team1_id": 1,
        "team2_id": 2,
        "start_time": None if start is None else datetime.fromtimestamp(start, tz=UTC),
        "halftime": None if half is None else Score(*half),
    }
    return FinishedMatch(**(values | kw))


# -- dates and ranges ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2026-06-03", False, 1780444800),
        ("2026-06-03", True, 1780444800 + DAY),
        ("2026-06-03T10:30", True, 1780444800 + 37800),
        ("2026-06-03 10:30:15Z", False, 1780444800 + 37815),
        (" 2026-06-03T00:00+00:00 ", False, 1780444800),
    ],
)
def test_moments_are_utc(text, end, expected):
    assert B.parse_moment(text, end=end) == expected


@pytest.mark.parametrize(
    ("text", "words"), [("hier", "AAAA-MM-JJ"), ("2026-02-30", "n'existe pas")]
)
def test_bad_moments_say_why_in_french(text, words):
    with pytest.raises(ValueError, match=words):
        B.parse_moment(text, end=False)


def test_ranges():
    upper = T0 + 3000
    assert B.resolve_range(2, None, None, upper) == (upper - 2 * DAY, upper)
    assert B.resolve_range(None, T0 + 1, T0 + 601, upper) == (T0, T0 + 900)
    assert B.resolve_range(None, T0, T0 + 10 * DAY, upper) == (T0, upper)  # capped
    for args, words in [
        ((0, None, None), "positif"),
        ((None, T0, None), "ensemble"),
        ((None, T0 + 5, T0 + 5), "précéder"),
        ((None, upper + 300, upper + 900), "trop récente"),
    ]:
        with pytest.raises(ValueError, match=words):
            B.resolve_range(*args, upper)


# -- windows ------------------------------------------------------------------------------------


def test_a_fresh_range_is_one_window_per_day():
    lower, upper = T0 + 900, T0 + 900 + 3 * DAY
    assert B.plan_windows(lower, upper, []) == [
        (lower, lower + DAY),
        (lower + DAY, lower + 2 * DAY),
        (lower + 2 * DAY, upper),
    ]


def test_done_spans_are_never_asked_again():
    lower, upper = T0, T0 + 3 * DAY
    done = [(T0 + DAY, T0 + DAY + 600), (T0, T0 + 300), (T0 + 2 * DAY, T0 + 4 * DAY)]
    assert B.plan_windows(lower, upper, done) == [
        (T0 + 300, T0 + DAY),
        (T0 + DAY + 600, T0 + 2 * DAY),
    ]
    assert B.plan_windows(lower, upper, [(T0 - DAY, T0 + 5 * DAY)]) == []
    assert B.missing_spans(lower, upper, [(T0 - 600, T0 - 300)]) == [(lower, upper)]


@given(
    st.lists(st.tuples(st.integers(0, 900), st.integers(1, 300)), max_size=8),
    st.integers(1, 900),
)
def test_windows_and_done_spans_tile_the_range(raw, length):
    lower, upper = T0, T0 + length * 300
    done = [(T0 + a * 300, T0 + (a + n) * 300) for a, n in raw]
    windows = B.plan_windows(lower, upper, done)
    covered = B.merge_spans(
        [*windows, *[(max(a, lower), min(b, upper)) for a, b in done if a < upper and b > lower]]
    )
    assert covered == [(lower, upper)]
    for a, b in windows:
        assert a % 300 == b % 300 == 0
        assert 0 < b - a <= DAY
    assert sum(b - a for a, b in windows) == sum(
        b - a for a, b in B.missing_spans(lower, upper, done)
    )


def test_half_open_ownership():
    assert B.owns((T0, T0 + 600), T0)
    assert not B.owns((T0, T0 + 600), T0 + 600)
    assert B.owns((T0, T0 + 600), None)
    assert B.listing_windows(T0, T0 + 3 * DAY) == [(T0, T0 + 2 * DAY), (T0 + 2 * DAY, T0 + 3 * DAY)]
    assert B.floor_step(T0 + 299) == T0
    assert B.ceil_step(T0 + 1) == T0 + 300


# -- checkpoint ---------------------------------------------------------------------------------


def test_checkpoint_round_trip():
    point = B.Checkpoint(T0)
    point.mark_done(7, (T0 - 600, T0 - 300))
    point.mark_done(7, (T0 - 300, T0))
    point.progress(8).name = "Huit"
    assert point.to_dict()["leagues"]["7"]["done"] == [[T0 - 600, T0]]
    again = B.checkpoint_from_dict(json.loads(json.dumps(point.to_dict())))
    assert again == point
    point.listing, point.listed = {7: "Sept"}, (T0 - DAY, T0)
    again = B.checkpoint_from_dict(json.loads(json.dumps(point.to_dict())))
    assert again.listing == {7: "Sept"}
    assert again.listed == (T0 - DAY, T0)
    assert B.leagues_to_do(again, [7, 8], T0 - 600, T0) == [8]


@pytest.mark.parametrize(
    "raw",
    [
        None,
        {"version": 2, "upper": 1, "leagues": {}},
        {"version": 1, "upper": True, "leagues": {}},
        {"version": 1, "upper": 1},
        {"version": 1, "upper": 1, "leagues": {"x": {"name": "", "done": []}}},
        {"version": 1, "upper": 1, "leagues": {"1": {"name": "", "done": [[1]]}}},
        {"version": 1, "upper": 1, "leagues": {}, "listing": {"1": "a"}, "listed": [1, "2"]},
    ],
)
def test_a_damaged_checkpoint_is_refused(raw):
    with pytest.raises(ValueError, match="point de reprise illisible"):
        B.checkpoint_from_dict(raw)


# -- rows and listing ---------------------------------------------------------------------------


def test_backfill_rows_come_from_the_real_results_capture(fixtures_dir):
    data = load_fixture(fixtures_dir, "results_v3_games_excerpt.json")
    parsed = parse_results(json.dumps(data).encode())
    collected = datetime(2026, 12, 2, tzinfo=UTC)
    first = B.backfill_row(parsed.items[0], 1, collected)
    assert first.finish_source is FinishSource.BACKFILL
    assert (first.event_id, first.score1, first.score2) == (754871785, 5, 0)
    assert (first.team1_id, first.team2_id, first.league_id, first.sport_id) == (
        377351, 506723, 1252965, 103,
    )  # fmt: skip
    assert first.start_time == datetime.fromtimestamp(1789990800, tz=UTC)
    assert first.odds is None
    assert first.opening_odds is None
    assert first.halftime is None
    bare = B.backfill_row(item(5, None, league_id=None), 9, collected)
    assert bare.league_id == 9
    assert bare.start_time is None
    assert bare.halftime == Score(1, 0)


def test_champs_listing():
    answer = {
        "items": [
            {"id": 1, "name": "Un", "gamesCount": 3},
            {"champId": 2, "champName": "Deux"},
            {"id": 3},
            {"id": True, "name": "bool"},
            {"id": -4},
            "junk",
        ]
    }
    assert B.parse_champs(json.dumps(answer).encode()) == {1: "Un", 2: "Deux", 3: ""}
    assert B.parse_champs(b"{}") == {}
    for bad, words in [(b"<html>", "JSON"), (b"[]", "liste"), (b'{"items": 3}', "liste")]:
        with pytest.raises(FeedFormatError, match=words):
            B.parse_champs(bad)


# -- audit --------------------------------------------------------------------------------------


def test_day_spans_cut_on_midnights():
    assert A.day_spans(T0 + 600, T0 + 2 * DAY + 300) == [
        (T0 + 600, T0 + DAY),
        (T0 + DAY, T0 + 2 * DAY),
        (T0 + 2 * DAY, T0 + 2 * DAY + 300),
    ]
    assert A.day_label(T0) == datetime.fromtimestamp(T0, tz=UTC).strftime("%Y-%m-%d")


def test_audit_finds_every_kind_of_difference():
    days = A.day_spans(T0, T0 + 2 * DAY)
    items = [
        item(1, T0 + 600),
        item(2, T0 + 1200),  # missing
        item(3, T0 + 1800, score=(3, 1)),  # score differs
        item(4, T0 + 2400),  # swapped
        item(5, T0 + DAY),  # second day, fine
        item(5, T0 + DAY),  # repeated by the next call: counted once
        item(6, T0 + 3 * DAY),  # outside every day
        item(7, None),  # unknown start: cannot be placed
        item(8, T0 + 3000, half=None),  # half-time unknown on one side: not a difference
        item(9, T0 + 3600),  # half-time differs
        item(10, T0 + 4200, team1="X", team2="Y", team1_id=None),  # score differs, no ids
    ]
    rows = [
        row(1, T0 + 600),
        row(3, T0 + 1800),
        row(4, T0 + 2400, score=(1, 2), team1="B", team2="A"),
        row(5, T0 + DAY),
        row(8, T0 + 3000),
        row(9, T0 + 3600, half=(0, 0)),
        row(10, T0 + 4200, score=(1, 2), team1="X", team2="Y", team1_id=None),
        row(11, None),  # collected on day one, unknown to the service
        row(12, T0 + 5 * DAY),  # outside
    ]
    first, second = A.audit_league(7, "L", days, items, rows)
    assert (first.expected, first.stored, first.missing, first.swapped) == (7, 7, [2], [4])
    assert [(m.event_id, m.stored, m.service) for m in first.mismatched] == [
        (3, "2-1 (mi-temps 1-0)", "3-1 (mi-temps 1-0)"),
        (9, "2-1 (mi-temps 0-0)", "2-1 (mi-temps 1-0)"),
        (10, "1-2 (mi-temps 1-0)", "2-1 (mi-temps 1-0)"),
    ]
    assert first.unknown == [11]
    assert not first.complete
    assert first.ratio == pytest.approx(6 / 7)
    assert second.complete
    assert second.ratio == 1.0
    assert second.expected == 1
    assert first.as_dict()["mismatched"][0] == {
        "event_id": 3,
        "stored": "2-1 (mi-temps 1-0)",
        "service": "3-1 (mi-temps 1-0)",
    }
    assert second.as_dict()["complete"] is True
    assert A.summary_ratio([first, second]) == pytest.approx(7 / 8)
    assert A.summary_ratio([]) == 1.0
    assert A.DayAudit(7, "L", "d").ratio == 1.0


def test_swaps_are_found_by_team_ids_too():
    days = A.day_spans(T0, T0 + DAY)
    stored = row(1, T0, score=(1, 2), team1="Autre", team2="Nom", team1_id=2, team2_id=1)
    (audit,) = A.audit_league(7, "L", days, [item(1, T0)], [stored])
    assert audit.swapped == [1]
    assert not audit.mismatched


def test_a_score_mismatch_without_half_time_shows_the_final_scores_only():
    days = A.day_spans(T0, T0 + DAY)
    stored = row(1, T0, score=(0, 0), half=None)
    (audit,) = A.audit_league(7, "L", days, [item(1, T0, score=(3, 1), half=None)], [stored])
    assert [(m.event_id, m.stored, m.service) for m in audit.mismatched] == [(1, "0-0", "3-1")]

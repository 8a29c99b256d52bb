"""``core.validate``: the one rule for what may be stored, on matches and on hostile cells."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings

from oracxpred.core.cells import RowError
from oracxpred.core.finish import SETTLED_PRICE, outcome_of
from oracxpred.core.records import (
    MATCH_COLUMNS,
    FinishedMatch,
    FinishSource,
    Odds1X2,
    Outcome,
    Score,
)
from oracxpred.core.validate import (
    EARLIEST,
    match_problem,
    valid_row_to_match,
)
from tests.hostile_rows import canonical_cells, hostile_row

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
GOOD = FinishedMatch(
    event_id=7,
    collected_at=NOW,
    league="FIFA",
    team1="Lyon",
    team2="Nice",
    score1=2,
    score2=1,
    status="Fin",
    outcome=Outcome.HOME,
    finish_source=FinishSource.FEED,
    start_time=NOW - timedelta(minutes=10),
    odds=Odds1X2(2.1, 3.4, 3.05),
    opening_odds=Odds1X2(2.0, 3.5, 3.1),
    halftime=Score(1, 0),
)


def test_a_good_match_passes() -> None:
    assert match_problem(GOOD, NOW) is None
    assert match_problem(replace(GOOD, collected_at=NOW + timedelta(days=1)), NOW) is None
    assert match_problem(replace(GOOD, collected_at=EARLIEST, odds=None), NOW) is None


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"event_id": 0}, "event_id invalide : 0"),
        ({"event_id": -5}, "event_id invalide : -5"),
        ({"score1": -2}, "score1 négatif : -2"),
        ({"score2": -1, "outcome": Outcome.HOME}, "score2 négatif : -1"),
        ({"halftime": Score(0, -1)}, "mi-temps négatif : 0--1"),
        ({"league": ""}, "league vide"),
        ({"team1": " \t"}, "team1 vide"),
        ({"team2": ""}, "team2 vide"),
        ({"collected_at": datetime(3025, 1, 1, tzinfo=UTC)}, "timestamp_utc hors période"),
        ({"start_time": datetime(2014, 12, 31, tzinfo=UTC)}, "start_time_utc hors période"),
        ({"odds_at": NOW + timedelta(days=1, seconds=1)}, "odds_at_utc hors période"),
        ({"opening_odds_at": datetime(2000, 1, 1, tzinfo=UTC)}, "opening_odds_at_utc"),
        ({"outcome": Outcome.AWAY}, "outcome 2 contredit le score 2-1 (attendu 1)"),
        ({"odds": Odds1X2(1.001, 3.4, 3.05)}, "odds_1 invalide : 1.001"),
        ({"odds": Odds1X2(2.1, 1.0, 3.05)}, "odds_x invalide"),
        ({"opening_odds": Odds1X2(2.1, 3.4, math.nan)}, "opening_odds_2 invalide"),
    ],
)
def test_each_impossible_value_is_named(changes: dict[str, object], words: str) -> None:
    problem = match_problem(replace(GOOD, **changes), NOW)  # type: ignore[arg-type]
    assert problem is not None
    assert words in problem


def _row(**changes: str) -> dict[str, str]:
    cells = dict(zip(MATCH_COLUMNS, canonical_cells(7), strict=True))
    return cells | changes


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"odds_1": "1.001"}, "odds_1 invalide : '1.001'"),
        ({"odds_x": "0"}, "odds_x invalide"),  # a zero beside real prices
        ({"odds_2": "inf"}, "odds_2 invalide"),
        ({"opening_odds_1": "-2,5"}, "opening_odds_1 invalide"),
        ({"outcome": "N"}, "contredit le score"),
        ({"event_id": "-5"}, "event_id invalide"),
    ],
)
def test_rows_with_impossible_cells_are_refused(changes: dict[str, str], words: str) -> None:
    with pytest.raises(RowError, match=words):
        valid_row_to_match(_row(**changes), NOW)


@pytest.mark.parametrize(
    "odds",
    [("", "", ""), ("0", "0.0", "00"), ("nan", "0", ""), ("2.1", "nan", "3.05"), ("abc", "", "")],
)
def test_empty_or_zero_triples_mean_no_odds(odds: tuple[str, str, str]) -> None:
    row = _row(odds_1=odds[0], odds_x=odds[1], odds_2=odds[2])
    if odds[0] == "abc":
        with pytest.raises(RowError, match="odds_1 invalide : 'abc'"):
            valid_row_to_match(row, NOW)
        return
    assert valid_row_to_match(row, NOW).odds is None


@settings(max_examples=400, deadline=None)
@given(hostile_row())
def test_whatever_hostile_row_is_accepted_is_a_possible_match(cells: list[str]) -> None:
    """Either a French ``RowError``, or a match that holds every promise of the rule."""
    row = dict(zip(MATCH_COLUMNS, cells, strict=False))
    try:
        match = valid_row_to_match(row, NOW)
    except RowError:
        return
    assert match.event_id > 0
    assert min(match.score1, match.score2) >= 0
    assert all(name.strip() for name in (match.league, match.team1, match.team2))
    assert match.outcome is outcome_of(Score(match.score1, match.score2))
    for moment in (match.collected_at, match.start_time, match.odds_at, match.opening_odds_at):
        assert moment is None or EARLIEST <= moment <= NOW + timedelta(days=1)
    for odds in (match.odds, match.opening_odds):
        prices = () if odds is None else (odds.home, odds.draw, odds.away)
        assert all(p is None or p > SETTLED_PRICE for p in prices)
    assert match_problem(match, NOW) is None

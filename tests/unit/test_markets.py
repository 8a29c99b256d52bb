"""French market names (core/markets.py): FIFA's table, lines, unknown codes, hostile values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oracxpred.core.markets import (
    line_text,
    market_label,
    outcome_label,
    selection_label,
    sort_key,
)


@pytest.mark.parametrize(
    ("group", "kind", "param", "label"),
    [
        (1, 1, None, "1X2 : 1"),
        (1, 2, None, "1X2 : X"),
        (1, 3, None, "1X2 : 2"),
        (8, 4, None, "Double chance : 1X"),
        (8, 5, None, "Double chance : 12"),
        (8, 6, None, "Double chance : X2"),
        (2, 7, -2.5, "Handicap : équipe 1 -2,5"),
        (2, 8, 2.5, "Handicap : équipe 2 +2,5"),
        (2, 7, 0.0, "Handicap : équipe 1 0"),
        (2, 7, -0.0, "Handicap : équipe 1 0"),
        (17, 9, 2.5, "Total : plus de 2,5"),
        (17, 10, 10.0, "Total : moins de 10"),
        (15, 11, 1.5, "Total équipe 1 : plus de 1,5"),
        (15, 12, 1.5, "Total équipe 1 : moins de 1,5"),
        (62, 13, 0.5, "Total équipe 2 : plus de 0,5"),
        (62, 14, 0.5, "Total équipe 2 : moins de 0,5"),
        (19, 180, None, "Les deux équipes marquent : oui"),
        (19, 181, None, "Les deux équipes marquent : non"),
        (17, 9, 2.25, "Total : plus de 2,25"),
        (17, 9, 2.0, "Total : plus de 2"),
    ],
)
def test_fifa_selections_have_french_names(
    group: int, kind: int, param: float | None, label: str
) -> None:
    assert selection_label(group, kind, param) == label


def test_unknown_group_and_type_are_named_never_dropped() -> None:
    assert market_label(99) == "Marché G=99"
    assert outcome_label(99, 77, None) == "Issue T=77"
    assert outcome_label(99, 77, 3.5) == "Issue T=77 3,5"
    assert selection_label(99, 77, -1.0) == "Marché G=99 : Issue T=77 -1"
    assert market_label(None) == "Marché G=?"
    assert outcome_label(None, None, None) == "Issue T=?"


def test_float_codes_equal_to_a_known_code_are_that_code() -> None:
    assert market_label(17.0) == "Total"
    assert outcome_label(2.0, 7.0, 1.0) == "équipe 1 +1"
    assert market_label(17.5) == "Marché G=17,5"
    assert market_label(3e20) == "Marché G=3e+20"
    assert market_label(math.nan) == "Marché G=NaN"
    assert market_label(math.inf) == "Marché G=∞"
    assert market_label(-math.inf) == "Marché G=-∞"


def test_lines() -> None:
    assert line_text(17, None) == ""
    assert line_text(17, 2.5) == "2,5"
    assert line_text(2, 2.5) == "+2,5"
    assert line_text(2, -1.25) == "-1,25"
    assert line_text(2, math.inf) == "+∞"
    assert line_text(17, math.inf) == "∞"
    assert line_text(17, -math.inf) == "-∞"
    assert line_text(17, math.nan) == "NaN"
    assert line_text(2, 12_345_678.0) == "+1,23457e+07"
    assert line_text(2, 10**400) == "+∞"
    assert line_text(2, -(10**400)) == "-∞"
    assert line_text(17, 3) == "3"


def test_display_order_puts_known_markets_first_then_line_then_type() -> None:
    keys = [(99, 1, None), (17, 10, 2.5), (17, 9, 2.5), (17, 9, 1.5), (1, 3, None), (8, 4, None)]
    keys.append((17, 9, math.nan))
    ordered = sorted(keys, key=lambda k: sort_key(*k))
    assert ordered[:2] == [(1, 3, None), (8, 4, None)]
    assert ordered[2][:2] == (17, 9)
    assert math.isnan(ordered[2][2] or 0.0)
    assert ordered[3:] == [(17, 9, 1.5), (17, 9, 2.5), (17, 10, 2.5), (99, 1, None)]


codes = st.one_of(st.none(), st.integers(), st.floats(allow_nan=True, allow_infinity=True))


@given(codes, codes, codes)
def test_any_values_give_a_non_empty_one_line_label(
    group: float | None, kind: float | None, param: float | None
) -> None:
    for label in (
        selection_label(group, kind, param),
        market_label(group),
        outcome_label(group, kind, param),
    ):
        assert label.strip()
        assert "\n" not in label
        assert "\r" not in label

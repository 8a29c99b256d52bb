"""FinishedMatch <-> CSV cells: canonical writing, lenient reading, formula neutralising."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oracxpred.core.cells import (
    RowError,
    format_utc,
    match_to_row,
    neutralize,
    parse_int,
    parse_utc,
    row_to_match,
    unneutralize,
)
from oracxpred.core.records import (
    MATCH_COLUMNS,
    ORIGINAL_COLUMNS,
    FinishedMatch,
    FinishSource,
    Odds1X2,
    Outcome,
    Score,
)

HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "'=already quoted",
    "''+x",
    'Real "Madrid", B',
    "line\nbreak\r\nand\rcr",
    "Équipe ⚽ 東京 \u2028 \x00 end",
    "",
    "'",
]


def _match(**overrides: object) -> FinishedMatch:
    values: dict[str, object] = {
        "event_id": 612345678,
        "collected_at": datetime(2025, 12, 6, 10, 30, 45, tzinfo=UTC),
        "league": "FIFA 23. Virtual League",
        "team1": "Arsenal",
        "team2": "Chelsea",
        "score1": 2,
        "score2": 1,
        "status": "Jeu terminé",
        "outcome": Outcome.HOME,
        "finish_source": FinishSource.FEED,
    }
    values.update(overrides)
    return FinishedMatch(**values)  # type: ignore[arg-type]


def _original_row(**cells: str) -> dict[str, str]:
    row = {
        "timestamp_utc": "2025-12-06 10:30:45",
        "event_id": "612345678",
        "league": "FIFA 23. Virtual League",
        "team1": "Arsenal",
        "team2": "Chelsea",
        "odds_1": "1.85",
        "odds_x": "3.4",
        "odds_2": "4.1",
        "score1": "2",
        "score2": "1",
        "status": "Jeu terminé",
        "outcome": "1",
    }
    row.update(cells)
    return row


def test_row_is_keyed_by_match_columns_in_canonical_form():
    m = _match(
        odds=Odds1X2(1.85, 3.4, 4.1),
        start_time=datetime(2025, 12, 6, 12, 0, tzinfo=timezone(timedelta(hours=2))),
        halftime=Score(1, 0),
        league_id=2665392,
    )
    row = match_to_row(m)
    assert tuple(row) == MATCH_COLUMNS
    assert row["timestamp_utc"] == "2025-12-06T10:30:45Z"
    assert row["start_time_utc"] == "2025-12-06T10:00:00Z"
    assert (row["odds_1"], row["odds_x"], row["odds_2"]) == ("1.85", "3.4", "4.1")
    assert row["outcome"] == "1"
    assert row["halftime_score1"] == "1"
    assert row["league_id"] == "2665392"
    assert {row["sport_id"], row["opening_odds_1"], row["odds_at_utc"]} == {""}
    assert row["finish_source"] == "feed"


def test_draw_is_written_n():
    assert match_to_row(_match(score1=1, score2=1, outcome=Outcome.DRAW))["outcome"] == "N"


def test_microseconds_are_kept():
    moment = datetime(2025, 12, 6, 10, 30, 45, 123456, tzinfo=UTC)
    assert format_utc(moment) == "2025-12-06T10:30:45.123456Z"
    assert parse_utc(format_utc(moment)) == moment


def test_naive_datetime_is_taken_as_utc():
    assert format_utc(datetime(2025, 1, 2, 3, 4, 5)) == "2025-01-02T03:04:05Z"


@pytest.mark.parametrize(
    "text",
    [
        "2025-12-06 10:30:45",
        "2025-12-06T10:30:45",
        "2025-12-06T10:30:45Z",
        "2025-12-06T10:30:45+00:00",
        "2025-12-06T11:30:45+01:00",
        " 2025-12-06T10:30:45.000Z ",
    ],
)
def test_original_timestamps_are_read_as_utc(text):
    moment = parse_utc(text)
    assert moment == datetime(2025, 12, 6, 10, 30, 45, tzinfo=UTC)
    assert moment.tzinfo is UTC


@pytest.mark.parametrize("text", ["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"])
def test_a_time_outside_the_calendar_in_utc_is_a_row_error(text):
    with pytest.raises(RowError, match="date invalide"):
        parse_utc(text)


def test_original_row_with_only_twelve_columns_is_read():
    m = row_to_match(_original_row())
    assert m.event_id == 612345678
    assert m.collected_at == datetime(2025, 12, 6, 10, 30, 45, tzinfo=UTC)
    assert m.odds == Odds1X2(1.85, 3.4, 4.1)
    assert m.outcome is Outcome.HOME
    assert m.finish_source is FinishSource.FEED
    absent = (m.start_time, m.league_id, m.halftime, m.opening_odds, m.odds_at, m.sport_id)
    assert absent == (None,) * 6


@pytest.mark.parametrize(
    ("cell", "score", "expected"),
    [
        ("1", ("2", "1"), Outcome.HOME),
        ("N", ("1", "1"), Outcome.DRAW),
        ("X", ("0", "0"), Outcome.DRAW),
        ("x", ("0", "0"), Outcome.DRAW),
        ("2", ("0", "3"), Outcome.AWAY),
        ("", ("3", "0"), Outcome.HOME),
        ("", ("2", "2"), Outcome.DRAW),
        ("", ("0", "1"), Outcome.AWAY),
    ],
)
def test_original_outcome_forms_are_accepted(cell, score, expected):
    row = _original_row(outcome=cell, score1=score[0], score2=score[1])
    assert row_to_match(row).outcome is expected


def test_spreadsheet_style_numbers_and_missing_odds_are_accepted():
    row = _original_row(event_id="612345678.0", score1="2.0", odds_1="", odds_x="", odds_2="")
    m = row_to_match(row)
    assert (m.event_id, m.score1, m.odds) == (612345678, 2, None)
    assert row_to_match(_original_row(odds_1="0", odds_x="0", odds_2="0")).odds is None
    assert row_to_match(_original_row(odds_1="1,85")).odds == Odds1X2(1.85, 3.4, 4.1)


def test_none_cells_from_a_short_dict_row_mean_empty():
    row: dict[str, str | None] = {**_original_row(), "league_id": None, "finish_source": None}
    m = row_to_match(row)
    assert m.league_id is None
    assert m.finish_source is FinishSource.FEED


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"event_id": "abc"}, "event_id invalide"),
        ({"event_id": ""}, "event_id invalide"),
        ({"score1": "deux"}, "score1 invalide"),
        ({"timestamp_utc": ""}, "timestamp_utc vide"),
        ({"timestamp_utc": "hier"}, "date invalide"),
        ({"outcome": "W"}, "outcome invalide"),
        ({"odds_x": "3,4,5"}, "odds_x invalide"),
        ({"finish_source": "guess"}, "finish_source invalide"),
        ({"league_id": "L1"}, "league_id invalide"),
    ],
)
def test_bad_rows_raise_row_error_with_french_reason(cells, reason):
    with pytest.raises(RowError, match=reason) as info:
        row_to_match(_original_row(**cells))
    assert info.value.reason.startswith(reason)


def test_row_without_an_original_column_is_refused():
    row = _original_row()
    del row["team2"]
    with pytest.raises(RowError, match="colonne\\(s\\) absente\\(s\\) : team2"):
        row_to_match(row)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+33", "'+33"),
        ("-x", "'-x"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("'x", "'x"),
        ("a=b", "a=b"),
        ("", ""),
        ("'", "'"),
    ],
)
def test_neutralize_prefixes_formula_cells_and_unneutralize_inverts_it(text, written):
    assert neutralize(text) == written
    assert unneutralize(written) == text


def test_unneutralize_keeps_a_quote_our_writer_did_not_add():
    assert unneutralize("'Arsenal") == "'Arsenal"
    assert unneutralize("=raw from the original app") == "=raw from the original app"


def test_hostile_text_is_neutralized_only_in_text_columns():
    row = match_to_row(_match(team1="=cmd|' /C calc'!A0", status="-", score1=-1, outcome="2"))
    assert row["team1"] == "'=cmd|' /C calc'!A0"
    assert row["status"] == "'-"
    assert row["score1"] == "-1"


def test_parse_int_accepts_only_integers():
    assert parse_int(" 42 ") == 42
    assert parse_int("42.000") == 42
    assert parse_int("4.2") is None
    assert parse_int("") is None


texts = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))
utc_moments = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(-timedelta(hours=5))]),
)
ints = st.integers(min_value=0, max_value=2**53)
prices = st.floats(min_value=1.0, max_value=1000.0, allow_nan=False)
odds = st.builds(Odds1X2, prices, prices, prices)
matches = st.builds(
    FinishedMatch,
    event_id=ints,
    collected_at=utc_moments,
    league=texts,
    team1=texts,
    team2=texts,
    score1=st.integers(0, 99),
    score2=st.integers(0, 99),
    status=texts,
    outcome=st.sampled_from(Outcome),
    finish_source=st.sampled_from(FinishSource),
    sport_id=st.none() | ints,
    league_id=st.none() | ints,
    team1_id=st.none() | ints,
    team2_id=st.none() | ints,
    start_time=st.none() | utc_moments,
    odds=st.none() | odds,
    odds_at=st.none() | utc_moments,
    opening_odds=st.none() | odds,
    opening_odds_at=st.none() | utc_moments,
    halftime=st.none() | st.builds(Score, st.integers(0, 99), st.integers(0, 99)),
)


@given(matches)
def test_row_round_trip_is_exact(m):
    assert row_to_match(match_to_row(m)) == m


@given(matches)
def test_round_trip_through_csv_text_is_exact(m):
    """The cells survive the csv module too: quotes, commas and newlines included."""
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=MATCH_COLUMNS)
    writer.writeheader()
    writer.writerow(match_to_row(m))
    (row,) = csv.DictReader(io.StringIO(buf.getvalue(), newline=""))
    assert row_to_match(row) == m


@given(matches)
def test_original_columns_alone_keep_the_original_fields(m):
    row = {k: v for k, v in match_to_row(m).items() if k in ORIGINAL_COLUMNS}
    back = row_to_match(row)
    assert (back.event_id, back.team1, back.team2, back.league, back.status) == (
        m.event_id,
        m.team1,
        m.team2,
        m.league,
        m.status,
    )
    assert (back.odds, back.outcome, back.collected_at) == (m.odds, m.outcome, m.collected_at)


@given(texts)
def test_no_neutralized_cell_starts_with_a_formula_character(text):
    cell = neutralize(text)
    assert not cell[:1] or cell[0] not in "=+-@\t\r"
    assert unneutralize(cell) == text

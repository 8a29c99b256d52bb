"""``copy_format``: which lines the import's fast path takes, what it hands to COPY, and the
reading thread of ``transfer_copy``. The stored result is compared with the reference path on
a real server in ``tests/store/test_import_copy.py``."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Generator
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings

from oracxpred.core.cells import RowError, row_to_match
from oracxpred.core.records import MATCH_COLUMNS, ORIGINAL_COLUMNS, FinishSource, Odds1X2, Score
from oracxpred.core.validate import valid_row_to_match
from oracxpred.store.transfer.copy import Reader
from oracxpred.store.transfer.copy_format import LineConverter, copy_line, sql_value_error
from tests.hostile_rows import canonical_cells, hostile_row

NOW = datetime(2026, 1, 1, tzinfo=UTC)
OURS = LineConverter(MATCH_COLUMNS, NOW)
ORIGINAL = LineConverter(ORIGINAL_COLUMNS, NOW)


def _line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


def _with(width: int, **changes: str) -> list[str]:
    cells = canonical_cells(7, width)
    for name, value in changes.items():
        cells[MATCH_COLUMNS.index(name)] = value
    return cells


def test_a_canonical_line_goes_verbatim() -> None:
    cells = canonical_cells(7)
    assert OURS.convert(_line(cells)) == (7, ",".join(cells))
    assert OURS.convert(",".join(cells)) == (7, ",".join(cells))  # last line, no newline


def test_an_original_line_gets_the_missing_columns() -> None:
    cells = canonical_cells(7, 12)
    cells[0] = "2025-12-06 10:30:45"
    event_id, line = ORIGINAL.convert(_line(cells)) or (0, "")
    assert event_id == 7
    assert line.split(",") == [*cells, *[""] * 12, "feed"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"outcome": "X", "score1": "1"}, {"outcome": "N"}),
        ({"outcome": "n", "score1": "1"}, {"outcome": "N"}),
        ({"outcome": "", "score1": "0", "score2": "3"}, {"outcome": "2"}),
        ({"odds_x": ""}, {}),  # a 2-way market (FIFA Penalty): odds_x empty, kept
        ({"odds_x": "", "odds_2": ""}, {"odds_1": ""}),
        ({"odds_1": "0.0", "odds_x": "", "odds_2": "0"}, {"odds_1": "", "odds_2": ""}),
        ({"opening_odds_2": ""}, {"opening_odds_1": "", "opening_odds_x": ""}),
        (
            {"odds_1": "0", "odds_x": "0.0", "odds_2": "00"},
            {"odds_1": "", "odds_x": "", "odds_2": ""},
        ),
        ({"halftime_score2": ""}, {"halftime_score1": ""}),
        ({"finish_source": ""}, {"finish_source": "feed"}),
        ({"finish_source": "RESULTS"}, {"finish_source": "results"}),
    ],
)
def test_lenient_cells_are_rewritten_as_row_to_match_reads_them(
    changes: dict[str, str], expected: dict[str, str]
) -> None:
    cells = _with(25, **changes)
    converted = OURS.convert(_line(cells))
    assert converted is not None
    want = dict(zip(MATCH_COLUMNS, cells, strict=True)) | expected
    assert converted[1].split(",") == list(want.values())


@pytest.mark.parametrize(
    "changes",
    [
        {"timestamp_utc": "2023-02-29 10:00:00"},  # not a leap year
        {"timestamp_utc": "1900-02-29 10:00:00"},
        {"start_time_utc": "2025-04-31T10:00:00Z"},
        {"odds_at_utc": "2025-12-06T10:30:45.1234567Z"},  # PostgreSQL would round, not cut
        {"odds_at_utc": "2025-12-06T10:30:45+02:00"},
        {"timestamp_utc": "0000-01-01 00:00:00"},
        {"event_id": "5.0"},
        {"event_id": "1234567890123456789"},  # 19 digits: maybe beyond bigint
        {"score1": "1234567890"},  # 10 digits: maybe beyond integer
        {"league_id": "none"},
        {"odds_1": "1e3"},
        {"odds_1": "2,5"},
        {"odds_1": "abc"},
        {"team1": "'=cmd()"},  # neutralised: row_to_match removes the quote
        {"team1": "Ly\x00on"},
        {"team1": "octet \udcff"},
        {"status": "a,b"},  # quoted by the writer
        {"outcome": "3"},
        {"finish_source": "autre"},
        # what core.validate refuses: the reference path words the reason
        {"event_id": "-5"},
        {"event_id": "0"},
        {"score1": "-2"},
        {"halftime_score2": "-1"},
        {"league": ""},
        {"team2": "   "},
        {"timestamp_utc": "3025-12-06T10:30:45Z"},
        {"timestamp_utc": "2014-12-31T23:59:59Z"},
        {"start_time_utc": "2026-01-02T00:00:00Z"},  # one day after NOW: the boundary
        {"opening_odds_at_utc": "2026-01-03T00:00:00Z"},
        {"outcome": "2"},  # the score is 2-1
        {"outcome": "X"},
        {"odds_1": "1.001"},
        {"odds_1": "1.0010"},
        {"odds_x": "1"},
        {"odds_2": "0.5"},
        {"odds_2": "0"},
        {"opening_odds_1": "1.00"},
        {"odds_1": "-2.1"},
    ],
)
def test_anything_unusual_takes_the_reference_path(changes: dict[str, str]) -> None:
    assert OURS.convert(_line(_with(25, **changes))) is None


@pytest.mark.parametrize("price", ["1.0011", "1.002", "1.01", "1.1", "2", "10", "1.001000001"])
def test_prices_just_above_the_settled_one_stay_on_the_fast_path(price: str) -> None:
    assert OURS.convert(_line(_with(25, odds_1=price))) is not None


def test_unknown_headers_have_no_fast_path() -> None:
    converter = LineConverter([*MATCH_COLUMNS, "extra"], NOW)
    assert not converter.enabled
    assert converter.convert(_line([*canonical_cells(7), "x"])) is None


@settings(max_examples=400, deadline=None)
@given(hostile_row())
def test_a_fast_line_is_a_row_the_reference_accepts(cells: list[str]) -> None:
    """Whatever the fast path takes, the reference (``valid_row_to_match``) takes too, with the
    same id and within the database's limits (stored values are compared in tests/store)."""
    converted = OURS.convert(_line(cells))
    if converted is None:
        return
    row = dict(zip(MATCH_COLUMNS, cells, strict=True))
    try:
        match = valid_row_to_match(row, NOW)
    except RowError as exc:  # pragma: no cover - the failure message says which row
        pytest.fail(f"voie rapide acceptée, référence refusée ({exc.reason}) : {cells!r}")
    assert converted[0] == match.event_id
    assert sql_value_error(match) is None
    assert len(next(csv.reader([converted[1]]))) == len(MATCH_COLUMNS)


def test_copy_line_quotes_text_and_writes_nulls_empty() -> None:
    match = row_to_match(
        dict(zip(ORIGINAL_COLUMNS, _with(12, team1='Real "Madrid",\r\nB', odds_1="0"), strict=True))
    )
    line = copy_line(match)
    cells = next(csv.reader([line]))
    assert cells[0] == "2025-12-06T10:07:45+00:00"
    assert cells[3] == 'Real "Madrid",\r\nB'
    assert cells[5:8] == ["", "", ""]
    assert cells[12:] == [""] * 12 + ["feed"]


def test_copy_line_writes_every_field() -> None:
    match = row_to_match(dict(zip(MATCH_COLUMNS, canonical_cells(7), strict=True)))
    assert match.odds == Odds1X2(2.1, 3.4, 3.05)
    assert match.halftime == Score(1, 0)
    assert match.finish_source is FinishSource.FEED
    cells = next(csv.reader([copy_line(match)]))
    assert cells[12] == datetime(2025, 12, 6, 10, tzinfo=UTC).isoformat()
    assert cells[21] == "2025-12-06T09:55:00.500000+00:00"
    assert cells[5:12] == ["2.1", "3.4", "3.05", "2", "1", "Jeu terminé", "1"]
    assert cells[13:17] == ["2665392", "85", "1345", "1423"]
    assert cells[22:] == ["1", "0", "feed"]


def test_sql_value_error_names_the_column() -> None:
    row = dict(zip(MATCH_COLUMNS, _with(25, team2_id=str(2**63), score2="-1"), strict=True))
    assert sql_value_error(row_to_match(row)) == (f"team2_id hors des limites de la base : {2**63}")
    fine = row_to_match(dict(zip(MATCH_COLUMNS, _with(25, score2=str(2**31 - 1)), strict=True)))
    assert sql_value_error(fine) is None


# -- the reading thread ---------------------------------------------------------------------------


def _numbers(count: int, fail: bool = False) -> Generator[int, None, None]:
    yield from range(count)
    if fail:
        raise OSError("lecture impossible")


def test_the_reader_hands_over_everything_in_order() -> None:
    reader = Reader(_numbers(10))
    reader.start()
    assert list(reader) == list(range(10))
    reader.stop()
    assert not reader.is_alive()


def test_the_readers_error_is_raised_in_the_caller() -> None:
    reader = Reader(_numbers(3, fail=True))
    reader.start()
    seen: list[object] = []
    with pytest.raises(OSError, match="lecture impossible"):
        seen.extend(reader)
    reader.stop()
    assert seen == [0, 1, 2]
    assert not reader.is_alive()


def test_a_writer_that_stops_early_ends_the_reader() -> None:
    closed = threading.Event()

    def endless() -> Generator[int, None, None]:
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed.set()

    reader = Reader(endless())
    reader.start()
    for n in reader:
        if n == 5:
            break
    reader.stop()
    assert not reader.is_alive()
    assert closed.is_set()  # the file behind the source is closed

"""Results service parsing (core/results.py) against the real capture and hostile bodies."""

from __future__ import annotations

import copy
import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracxpred.core.records import Score
from oracxpred.core.results import (
    MAX_WINDOW_S,
    WINDOW_MARGIN_S,
    WINDOW_STEP_S,
    parse_results,
    parse_score,
    results_query_windows,
)
from oracxpred.errors import FeedFormatError
from tests.helpers import load_fixture

EXCERPT = "results_v3_games_excerpt.json"


def body(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def test_parse_real_capture_keeps_every_item(fixtures_dir):
    """The four MK items have one id per side and a non-empty dopInfo: all must be kept."""
    raw = (fixtures_dir / EXCERPT).read_bytes()
    parsed = parse_results(raw)
    assert parsed.rejections == ()
    assert [i.event_id for i in parsed.items] == [754871785, 754870850, 754870089, 754862258]
    first = parsed.items[0]
    assert first.score == Score(5, 0)
    assert first.halftime is None  # "(1:0 F;…)" are rounds, not halves
    assert (first.team1, first.team2) == ("Kung Jin", "ALIEN")
    assert (first.league, first.league_id, first.start_time) == (
        "Mortal Kombat X",
        1252965,
        1789990800,
    )
    assert [i.score for i in parsed.items[1:]] == [Score(3, 5), Score(2, 5), Score(3, 5)]


@pytest.mark.parametrize(
    ("text", "final", "halftime"),
    [
        ("5:0(1:0 F;1:0 R;1:0 R;1:0 R;1:0 F)", Score(5, 0), None),
        ("2:0 (1:0,1:0)", Score(2, 0), Score(1, 0)),
        ("3:2", Score(3, 2), None),
        ("3:2 (1:2,2:0)", Score(3, 2), Score(1, 2)),
        ("0:0 (0:0,0:0)", Score(0, 0), Score(0, 0)),
        ("10:12", Score(10, 12), None),
        ("2:0 (11:7,11:7)", Score(2, 0), None),  # sets that do not add up: no half-time
        ("3:3 (1:1,1:1,1:1)", Score(3, 3), None),  # three periods are not halves
        (" 4:1 ", Score(4, 1), None),
    ],
)
def test_parse_score_reads_leading_score_and_halves(text, final, halftime):
    assert parse_score(text) == (final, halftime)


@pytest.mark.parametrize("text", ["", "abc", "3-2", ":", "1:", "3:2:1", "(1:0,1:0)", "x 3:2"])
def test_parse_score_refuses_anything_else(text):
    assert parse_score(text) is None


def test_items_are_rejected_one_by_one_with_a_reason(fixtures_dir):
    data = load_fixture(fixtures_dir, EXCERPT)
    good, doubles, bad_score, no_id = (copy.deepcopy(data["items"][i]) for i in range(4))
    doubles["opp1Ids"] = [371209, 371210]
    bad_score["score"] = "annulé"
    no_id["id"] = True
    empty_score = {**copy.deepcopy(good), "id": 1, "score": ""}
    duplicate = copy.deepcopy(good)
    items = [good, doubles, bad_score, no_id, empty_score, duplicate, "not an object"]
    parsed = parse_results(body({"count": 7, "items": items}))
    assert [i.event_id for i in parsed.items] == [good["id"]]
    reasons = {r.event_id: r.reason for r in parsed.rejections}
    assert "exactement un identifiant" in reasons[doubles["id"]]
    assert "score illisible" in reasons[bad_score["id"]]
    assert reasons[1] == "score absent"
    assert "en double" in reasons[good["id"]]
    assert len(parsed.rejections) == 6
    assert all(r.reason for r in parsed.rejections)


def test_missing_optional_fields_do_not_reject():
    item = {"id": 5, "opp1Ids": [1], "opp2Ids": [2], "score": "1:0"}
    (parsed,) = parse_results(body({"count": 1, "items": [item]})).items
    assert (parsed.team1, parsed.league) == ("", "")
    assert (parsed.league_id, parsed.start_time) == (None, None)


def test_count_zero_without_items_is_an_empty_answer():
    parsed = parse_results(b'{"count":0}')
    assert parsed.items == ()
    assert parsed.rejections == ()


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"<!DOCTYPE html><html><body>Access denied</body></html>", "page HTML"),
        (b'{"count":3,"items":[{"id":1', "pas du JSON"),
        (b"\xff\xfe\x00garbage", "pas du JSON"),
        (b"", "pas du JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "pas du JSON"),
        (b"[1, 2]", "pas un objet"),
        (b'"items"', "pas un objet"),
        (b'{"count":3}', "« items » absent"),
        (b'{"Success":false,"Error":"bad"}', "« items » absent"),
        (b'{"count":1,"items":{"id":1}}', "pas une liste"),
        (b'{"count":"1","items":[]}', "« count » invalide"),
    ],
)
def test_broken_envelopes_raise_feed_format_error_in_french(payload, expected):
    with pytest.raises(FeedFormatError, match="Service de résultats") as info:
        parse_results(payload)
    assert expected in str(info.value)


def test_windows_group_one_league_into_one_day_windows():
    day_start = 1_782_864_000  # a multiple of 300
    starts = [day_start + 600 * k for k in range(145)]  # one 5x5 Rush day, and one more
    windows = results_query_windows([(2986291, s) for s in starts] + [(2648573, day_start)])
    assert windows == [
        (2648573, day_start - 300, day_start + 300),
        (2986291, day_start - 300, day_start + 86100),
        (2986291, day_start + 86100, day_start + 86700),
    ]


def test_windows_of_nothing_is_nothing():
    assert results_query_windows([]) == []


def test_unaligned_start_is_inside_its_window():
    ((league, low, high),) = results_query_windows([(7, 1_782_879_123)])
    assert league == 7
    assert (low % WINDOW_STEP_S, high % WINDOW_STEP_S) == (0, 0)
    assert low <= 1_782_879_123 - WINDOW_MARGIN_S
    assert high >= 1_782_879_123 + WINDOW_MARGIN_S


@settings(derandomize=True, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([1, 2, 3]), st.integers(1_700_000_000, 1_700_400_000)),
        max_size=60,
    )
)
def test_windows_cover_every_start_with_few_aligned_short_windows(pending):
    windows = results_query_windows(pending)
    for _league, low, high in windows:
        assert (low % WINDOW_STEP_S, high % WINDOW_STEP_S) == (0, 0)
        assert 0 < high - low <= MAX_WINDOW_S
    for league_id, start in pending:
        assert any(
            league == league_id
            and low <= start - WINDOW_MARGIN_S <= start + WINDOW_MARGIN_S <= high
            for league, low, high in windows
        )
    for first, second in itertools.pairwise(windows):
        if first[0] == second[0]:  # neighbours of one league could not be merged
            assert first[1] < second[1]
            assert second[2] - first[1] > MAX_WINDOW_S

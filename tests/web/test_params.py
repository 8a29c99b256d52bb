"""Every bad query parameter on every route: 400 with a French message, never a 500."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from oracxpred.core.records import Outcome
from oracxpred.web.params import ParamError, parse_filters, parse_moment, parse_paging
from tests.web.support import text_of

FILTERED = ["/", "/statistiques", "/api/matches", "/api/stats", "/export.csv"]
PAGED = ["/", "/api/matches"]

BAD_FILTERS = [
    ("league", "x" * 201, "trop long"),
    ("league", "FC\x0025", "caractères de contrôle"),
    ("team", "Arsenal\nLiverpool", "caractères de contrôle"),
    ("team", "é" * 201, "trop long"),
    ("date_from", "hier", "date attendue"),
    ("date_from", "2025-13-01", "date attendue"),
    ("date_from", "2025-02-30", "date attendue"),
    ("date_from", "06/12/2025", "date attendue"),
    ("date_from", "2025-12-06T25:00", "date attendue"),
    ("date_from", "1969-12-31", "entre 1970 et 2999"),
    ("date_to", "3000-01-01", "entre 1970 et 2999"),
    ("date_to", "0001-01-01T00:00+01:00", "date attendue"),
    ("date_to", "9999-12-31T23:59-01:00", "date attendue"),
    ("outcome", "3", "1, N (ou X) et 2"),
    ("outcome", "nul", "1, N (ou X) et 2"),
    ("outcome", "1N", "1, N (ou X) et 2"),
]
BAD_PAGING = [
    ("page", "0"),
    ("page", "-1"),
    ("page", "deux"),
    ("page", "1.5"),
    ("page", "1000001"),
    ("page", "99999999999999999999999"),
    ("page", "\uff11"),  # a full-width digit: int() would accept it
    ("limit", "0"),
    ("limit", "501"),
    ("limit", "-5"),
    ("limit", "1e2"),
]


def assert_french_400(client: FlaskClient, path: str, params: dict[str, str], words: str) -> str:
    response = client.get(path, query_string=params)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    if path.startswith("/api/"):
        assert response.is_json
        message = response.get_json()["error"]
    else:
        assert response.mimetype == "text/html"
        message = text_of(response.get_data(as_text=True))
    assert words in message
    assert "Traceback" not in message
    return message


@pytest.mark.parametrize("path", FILTERED)
@pytest.mark.parametrize(("name", "value", "words"), BAD_FILTERS)
def test_bad_filter_is_rejected_in_french(
    client: FlaskClient, path: str, name: str, value: str, words: str
) -> None:
    message = assert_french_400(client, path, {name: value}, words)
    assert f"« {name} »" in message


@pytest.mark.parametrize("path", PAGED)
@pytest.mark.parametrize(("name", "value"), BAD_PAGING)
def test_bad_paging_is_rejected_in_french(
    client: FlaskClient, path: str, name: str, value: str
) -> None:
    words = "entier de 1 à 500 attendu" if name == "limit" else "entier de 1 à 1000000"
    assert_french_400(client, path, {name: value}, words)


@pytest.mark.parametrize("path", FILTERED)
def test_inverted_period_is_rejected(client: FlaskClient, path: str) -> None:
    params = {"date_from": "2025-12-06", "date_to": "2025-12-05"}
    assert_french_400(client, path, params, "« date_from » est postérieure à « date_to »")


@pytest.mark.parametrize("path", FILTERED)
def test_hostile_but_valid_text_is_just_a_filter(client: FlaskClient, path: str) -> None:
    """Quotes, SQL and LIKE wildcards are plain text: no error, no match."""
    for value in ("' OR 1=1 --", "%", "_", "\\", "Robert'); DROP TABLE matches;--"):
        response = client.get(path, query_string={"team": value, "league": value})
        assert response.status_code == 200, (value, response.status_code)
        response.close()


def test_large_page_number_is_an_empty_page(client: FlaskClient) -> None:
    body = client.get("/api/matches?page=1000000&limit=500").get_json()
    assert (body["items"], body["page"]) == ([], 1000000)


class TestParsing:
    def test_empty_values_mean_no_filter(self) -> None:
        filters = parse_filters({"league": " ", "team": "", "date_from": "", "outcome": ""})
        assert filters.query() == parse_filters({}).query()
        assert filters.args() == {}

    def test_values_are_trimmed_and_kept_for_links(self) -> None:
        filters = parse_filters({"team": "  Lille OSC ", "outcome": "x", "page": "3"})
        assert (filters.team, filters.outcome) == ("Lille OSC", Outcome.DRAW)
        assert filters.args() == {"team": "Lille OSC", "outcome": "x"}

    def test_whole_days_are_inclusive(self) -> None:
        filters = parse_filters({"date_from": "2025-12-06", "date_to": "2025-12-06"})
        assert filters.date_from == datetime(2025, 12, 6, tzinfo=UTC)
        assert filters.date_to == datetime(2025, 12, 6, 23, 59, 59, 999999, tzinfo=UTC)

    def test_instants_are_converted_to_utc(self) -> None:
        moment = parse_moment("date_from", "2025-12-06T10:30+01:00", end_of_day=False)
        assert moment == datetime(2025, 12, 6, 9, 30, tzinfo=UTC)
        assert moment is not None
        assert moment.utcoffset() == timedelta(0)
        naive = parse_moment("date_from", "2025-12-06 10:30:15", end_of_day=True)
        assert naive == datetime(2025, 12, 6, 10, 30, 15, tzinfo=UTC)
        assert parse_moment("date_to", "2025-12-06T10:30Z", end_of_day=True) == datetime(
            2025, 12, 6, 10, 30, tzinfo=UTC
        )

    def test_paging_defaults_and_bounds(self) -> None:
        assert (parse_paging({}).page, parse_paging({}).limit) == (1, 50)
        paging = parse_paging({"page": "3", "limit": "500"})
        assert (paging.offset, paging.limit) == (1000, 500)
        with pytest.raises(ParamError, match="limit"):
            parse_paging({"limit": "501"})

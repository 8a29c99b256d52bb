"""The JSON API and the CSV export, checked against the stored matches."""

from __future__ import annotations

import csv
import io

import pytest
from flask.testing import FlaskClient

from oracxpred.core.cells import match_to_row, row_to_match
from oracxpred.core.records import MATCH_COLUMNS, Outcome
from oracxpred.store.base import MatchQuery
from oracxpred.store.querying import compute_league_stats, implied_probabilities
from tests.web.conftest import MATCHES
from tests.web.data import HOSTILE_EVENT_ID, HOSTILE_TEAM1, HOSTILE_TEAM2
from tests.web.test_pages import NEWEST_FIRST


class TestMatchesApi:
    def test_page_structure_and_order(self, client: FlaskClient) -> None:
        body = client.get("/api/matches?limit=10&page=2").get_json()
        assert (body["total"], body["page"], body["limit"]) == (len(MATCHES), 2, 10)
        assert body["pages"] == -(-len(MATCHES) // 10)
        assert [i["event_id"] for i in body["items"]] == [m.event_id for m in NEWEST_FIRST[10:20]]

    def test_item_holds_every_stored_field(self, client: FlaskClient) -> None:
        stored = next(m for m in NEWEST_FIRST if m.halftime and m.opening_odds)
        body = client.get(
            "/api/matches", query_string={"team": stored.team1, "limit": 500}
        ).get_json()
        item = next(i for i in body["items"] if i["event_id"] == stored.event_id)
        assert stored.odds is not None
        assert stored.opening_odds is not None
        assert item["odds"] == {
            "1": stored.odds.home,
            "N": stored.odds.draw,
            "2": stored.odds.away,
            "at": match_to_row(stored)["odds_at_utc"],
        }
        assert item["opening_odds"]["2"] == stored.opening_odds.away
        assert item["halftime"] == {
            "score1": stored.halftime.home,  # type: ignore[union-attr]
            "score2": stored.halftime.away,  # type: ignore[union-attr]
        }
        assert item["start_time"] == match_to_row(stored)["start_time_utc"]
        assert (item["outcome"], item["finish_source"]) == (
            stored.outcome.value,
            stored.finish_source.value,
        )
        assert (item["league_id"], item["team1_id"], item["sport_id"]) == (
            stored.league_id,
            stored.team1_id,
            85,
        )

    def test_json_returns_raw_text_values(self, client: FlaskClient) -> None:
        """JSON is not HTML nor a spreadsheet: names come back exactly as stored."""
        item = client.get("/api/matches?limit=1").get_json()["items"][0]
        assert (item["event_id"], item["team1"], item["team2"]) == (
            HOSTILE_EVENT_ID,
            HOSTILE_TEAM1,
            HOSTILE_TEAM2,
        )

    def test_filters_and_echo(self, client: FlaskClient) -> None:
        body = client.get("/api/matches?outcome=2&team=arsenal&limit=500").get_json()
        expected = [
            m.event_id
            for m in NEWEST_FIRST
            if m.outcome == Outcome.AWAY and "Arsenal" in (m.team1, m.team2)
        ]
        assert [i["event_id"] for i in body["items"]] == expected
        assert body["filters"] == {"team": "arsenal", "outcome": "2"}

    @pytest.mark.parametrize("limit", [1, 500])
    def test_limit_bounds_are_accepted(self, client: FlaskClient, limit: int) -> None:
        body = client.get(f"/api/matches?limit={limit}").get_json()
        assert len(body["items"]) == min(limit, len(MATCHES))


class TestStatsApi:
    def test_numbers_match_the_reference_computation(self, client: FlaskClient) -> None:
        body = client.get("/api/stats").get_json()
        expected = compute_league_stats(MATCHES, MatchQuery())
        assert [s["league"] for s in body["leagues"]] == [s.league for s in expected]
        for got, want in zip(body["leagues"], expected, strict=True):
            assert (got["matches"], got["goals"], got["outcomes"]) == (
                want.matches,
                want.goals,
                want.outcomes,
            )
            assert got["with_odds"] == want.with_odds
            assert got["goals_per_match"] == pytest.approx(want.goals / want.matches)
            for key in ("1", "N", "2"):
                assert got["observed"][key] == pytest.approx(want.outcomes[key] / want.matches)
                assert got["implied"][key] == pytest.approx(want.implied[key] / want.with_odds)
        assert body["total"]["matches"] == len(MATCHES)
        assert sum(body["total"]["implied"].values()) == pytest.approx(1.0)

    def test_implied_means_are_margin_free(self, client: FlaskClient) -> None:
        league = "FC 25. Championnat d'Angleterre"
        body = client.get("/api/stats", query_string={"league": league}).get_json()
        (stats,) = body["leagues"]
        priced = [m.odds for m in MATCHES if m.league == league and m.odds is not None]
        mean_home = sum(implied_probabilities(odds)["1"] for odds in priced) / len(priced)
        assert stats["implied"]["1"] == pytest.approx(mean_home)

    def test_empty_selection(self, client: FlaskClient) -> None:
        body = client.get("/api/stats?date_to=1999-01-01").get_json()
        assert body["leagues"] == []
        assert body["total"]["goals_per_match"] is None


class TestExport:
    def read(self, client: FlaskClient, query: str = "") -> list[dict[str, str]]:
        response = client.get("/export.csv" + query)
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert 'filename="oracxpred-matchs.csv"' in response.headers["Content-Disposition"]
        text = response.get_data(as_text=True)
        response.close()
        reader = csv.DictReader(io.StringIO(text, newline=""))
        assert tuple(reader.fieldnames or ()) == MATCH_COLUMNS
        return list(reader)

    def test_whole_selection_newest_first_in_store_format(self, client: FlaskClient) -> None:
        rows = self.read(client)
        assert [int(r["event_id"]) for r in rows] == [m.event_id for m in NEWEST_FIRST]
        assert rows == [match_to_row(m) for m in NEWEST_FIRST]
        assert [row_to_match(r) for r in rows] == NEWEST_FIRST

    def test_formulas_are_neutralised(self, client: FlaskClient) -> None:
        (row,) = [r for r in self.read(client) if int(r["event_id"]) == HOSTILE_EVENT_ID]
        assert row["team2"] == "'" + HOSTILE_TEAM2
        assert row["team1"] == HOSTILE_TEAM1

    def test_filters_apply(self, client: FlaskClient) -> None:
        rows = self.read(client, "?outcome=N&date_from=2025-12-06")
        assert rows
        assert all(r["outcome"] == "N" for r in rows)
        assert {int(r["event_id"]) for r in rows} == {
            m.event_id
            for m in MATCHES
            if m.outcome == Outcome.DRAW
            and (m.start_time or m.collected_at).date().isoformat() >= "2025-12-06"
        }

    def test_empty_selection_is_just_the_header(self, client: FlaskClient) -> None:
        assert self.read(client, "?team=personne") == []


class TestExcelExport:
    """``/export.csv?excel=1``: what ``export-csv --excel`` writes (issue 12, item 11)."""

    def test_bom_semicolons_and_decimal_commas(self, client: FlaskClient) -> None:
        response = client.get("/export.csv?excel=1&outcome=N")
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert 'filename="oracxpred-matchs-excel.csv"' in response.headers["Content-Disposition"]
        raw = response.get_data()
        response.close()
        assert raw.startswith("\ufefftimestamp_utc;event_id;".encode())
        reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";")
        rows = list(reader)
        expected = [m for m in NEWEST_FIRST if m.outcome is Outcome.DRAW]
        assert [int(r["event_id"]) for r in rows] == [m.event_id for m in expected]
        for row, stored in zip(rows, expected, strict=True):
            plain = match_to_row(stored)
            for name in MATCH_COLUMNS:
                decimal = "odds" in name and not name.endswith("_at_utc")
                assert row[name] == (plain[name].replace(".", ",") if decimal else plain[name])
        assert any("," in r["odds_1"] for r in rows)

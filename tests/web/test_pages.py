"""The HTML pages through Flask's test client: matches, statistics, errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from oracxpred.core.records import FinishSource, Outcome
from oracxpred.store.querying import moment_of
from tests.web.conftest import MATCHES
from tests.web.data import HOSTILE_EVENT_ID, NOW
from tests.web.support import event_ids, page, tags, text_of

NEWEST_FIRST = sorted(
    MATCHES, key=lambda m: (moment_of(m), m.collected_at, m.event_id), reverse=True
)


class TestMatchesPage:
    def test_first_page_is_newest_first_and_paginated(self, client: FlaskClient) -> None:
        html = page(client.get("/"))
        assert event_ids(html) == [m.event_id for m in NEWEST_FIRST[:50]]
        assert event_ids(html)[0] == HOSTILE_EVENT_ID
        assert f"{len(MATCHES)} matchs" in text_of(html)
        assert "page 1 sur 2" in text_of(html)
        links = [a["href"] for a in tags(html, "a") if a.get("rel") == "next"]
        assert links == ["/?page=2"]

    def test_second_page_keeps_filters_and_page_size(self, client: FlaskClient) -> None:
        html = page(client.get("/?page=2&limit=20&outcome=1"))
        homes = [m for m in NEWEST_FIRST if m.outcome == Outcome.HOME]
        assert event_ids(html) == [m.event_id for m in homes[20:40]]
        hrefs = {a["href"] for a in tags(html, "a") if a.get("rel") in ("prev", "next")}
        assert "/?outcome=1&limit=20" in hrefs
        assert "/?outcome=1&limit=20&page=3" in hrefs

    def test_page_shows_both_odds_and_finish_source(self, client: FlaskClient) -> None:
        html = page(client.get("/?limit=500"))
        resolved = next(m for m in MATCHES if m.finish_source == FinishSource.RESULTS)
        assert resolved.odds is not None
        assert resolved.opening_odds is not None
        row = html.split(f'data-event-id="{resolved.event_id}"', 1)[1].split("</tr>", 1)[0]
        assert "résolu via le service de résultats" in row
        closing = f"{resolved.odds.home:.3f}".rstrip("0").rstrip(".").replace(".", ",")
        opening = f"{resolved.opening_odds.away:.3f}".rstrip("0").rstrip(".").replace(".", ",")
        assert closing in row
        assert opening in row
        assert "Cotes d&#39;ouverture relevées le" in row
        assert "vu dans le flux" in html

    def test_league_filter_is_exact_and_offered_in_the_form(self, client: FlaskClient) -> None:
        league = "FC 26. 5x5 Rush. Superligue"
        html = page(client.get("/", query_string={"league": league, "limit": 500}))
        expected = [m.event_id for m in NEWEST_FIRST if m.league == league]
        assert event_ids(html) == expected
        options = tags(html, "option")
        assert any(o.get("value") == league and "selected" in o for o in options)

    def test_team_filter_matches_either_side(self, client: FlaskClient) -> None:
        html = page(client.get("/?team=lille+osc&limit=500"))
        expected = [
            m.event_id
            for m in NEWEST_FIRST
            if "lille osc" in m.team1.lower() or "lille osc" in m.team2.lower()
        ]
        assert expected
        assert event_ids(html) == expected

    def test_date_range_whole_days_and_instants(self, client: FlaskClient) -> None:
        day = page(client.get("/?date_from=2025-12-05&date_to=2025-12-05&limit=500"))
        assert sorted(event_ids(day)) == sorted(
            m.event_id for m in MATCHES if moment_of(m).date().isoformat() == "2025-12-05"
        )
        start = (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%MZ")
        recent = page(client.get(f"/?date_from={start}&limit=500"))
        assert sorted(event_ids(recent)) == sorted(
            m.event_id for m in MATCHES if moment_of(m) >= NOW - timedelta(hours=1)
        )

    def test_no_match_message(self, client: FlaskClient) -> None:
        html = page(client.get("/?team=Olympique+Lyonnais"))
        assert event_ids(html) == []
        assert "Aucun match ne correspond aux filtres." in text_of(html)

    def test_page_beyond_the_last(self, client: FlaskClient) -> None:
        html = page(client.get("/?page=40"))
        assert event_ids(html) == []
        assert "au-delà de la dernière" in text_of(html)

    def test_export_and_json_links_carry_the_filters(self, client: FlaskClient) -> None:
        html = page(client.get("/?outcome=N&team=arsenal"))
        hrefs = [a["href"] for a in tags(html, "a")]
        assert "/export.csv?team=arsenal&outcome=N" in hrefs
        assert "/export.csv?team=arsenal&outcome=N&excel=1" in hrefs
        assert "/api/matches?team=arsenal&outcome=N" in hrefs


class TestStatsPage:
    def test_one_card_and_chart_per_league(self, client: FlaskClient) -> None:
        html = page(client.get("/statistiques"))
        leagues = {m.league for m in MATCHES}
        svgs = tags(html, "svg", "chart")
        # one per league, plus the combined calibration and the goals chart
        assert len(svgs) == len(leagues) + 2
        assert len(tags(html, "rect", "goals")) == len(leagues)
        with_odds = {m.league for m in MATCHES if m.odds}
        assert len(tags(html, "rect", "observed")) == 3 * (len(leagues) + 1)
        assert len(tags(html, "rect", "implied")) == 3 * (len(with_odds) + 1)

    def test_figures_of_a_league(self, client: FlaskClient) -> None:
        league = "FC 25. 3x3. Ligue de conférence"
        rows = [m for m in MATCHES if m.league == league]
        html = page(client.get("/statistiques", query_string={"league": league}))
        text = text_of(html)
        goals = sum(m.score1 + m.score2 for m in rows)
        assert f"Matchs {len(rows)}" in text
        assert f"Buts {goals}" in text
        rate = f"{goals / len(rows):.2f}".replace(".", ",")
        assert f"Buts par match {rate}" in text

    def test_filters_apply_to_stats(self, client: FlaskClient) -> None:
        html = page(client.get("/statistiques?team=arsenal"))
        arsenal_leagues = {m.league for m in MATCHES if "Arsenal" in (m.team1, m.team2)}
        assert len(tags(html, "rect", "goals")) == len(arsenal_leagues)

    def test_empty_selection(self, client: FlaskClient) -> None:
        html = page(client.get("/statistiques?date_from=2030-01-01"))
        assert tags(html, "svg") == []
        assert "Aucun match ne correspond aux filtres." in text_of(html)


class TestErrors:
    def test_unknown_page_is_a_french_404(self, client: FlaskClient) -> None:
        response = client.get("/nulle-part")
        assert response.status_code == 404
        assert "Page introuvable" in response.get_data(as_text=True)

    def test_unknown_api_path_is_json(self, client: FlaskClient) -> None:
        response = client.get("/api/inconnu")
        assert (response.status_code, response.is_json) == (404, True)
        assert "aucune page" in response.get_json()["error"]

    @pytest.mark.parametrize("path", ["/", "/api/matches", "/export.csv", "/health"])
    def test_wrong_method_is_a_french_405(self, client: FlaskClient, path: str) -> None:
        response = client.post(path)
        assert response.status_code == 405
        assert "n'accepte pas cette méthode" in text_of(response.get_data(as_text=True))

    def test_every_page_is_french_and_links_local_assets_only(self, client: FlaskClient) -> None:
        for path in ("/", "/statistiques", "/sante", "/nulle-part"):
            html = client.get(path).get_data(as_text=True)
            assert '<html lang="fr">' in html
            sources = [a.get("src", "") for a in tags(html, "img") + tags(html, "script")]
            sources += [a["href"] for a in tags(html, "link")]
            assert sources
            assert all(s.startswith("/static/") for s in sources)

    def test_static_assets_are_served(self, client: FlaskClient) -> None:
        css = client.get("/static/style.css")
        assert css.status_code == 200
        assert b"svg.chart" in css.data
        css.close()
        icon = client.get("/static/favicon.svg")
        assert icon.status_code == 200
        assert icon.mimetype == "image/svg+xml"
        icon.close()

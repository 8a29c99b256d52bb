"""The match endpoints and page (issue 14): ``/api/matches/<id>``, ``/api/matches/<id>/odds``
and ``/match/<id>`` over a real CSV store holding matches and their odds timeline."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oracxpred.config import Settings
from oracxpred.core.odds import ODDS_COLUMNS, diff
from oracxpred.core.records import FinishedMatch, OddsRow, Phase, Price
from oracxpred.store.csv.store import CsvStore
from oracxpred.web.charts import odds_chart
from tests.web.conftest import MATCHES, build_app, fill
from tests.web.data import HOSTILE_EVENT_ID, HOSTILE_TEAM1
from tests.web.support import page, tags, text_of
from tests.web.test_escaping import assert_inert

WITH_TIMELINE = [m for m in MATCHES if m.start_time is not None][-12:]
"""The newest matches with a start time (the hostile one included) get a timeline."""
PLAIN = next(m for m in MATCHES if m.start_time is not None and m not in WITH_TIMELINE)
UNSTORED_EVENT = 799_000_001  # a timeline, no match stored yet


def prematch_prices(m: FinishedMatch, step: int) -> list[Price]:
    """A realistic FIFA grid: 1X2, double chance, handicap, totals (main 2.5), BTTS, unknown."""
    drift = 1 + 0.02 * step
    home, draw, away = 2.1 * drift, 3.4, 3.2 / drift
    return [
        Price(1, 1, None, round(home, 3), False, False),
        Price(1, 2, None, draw, False, False),
        Price(1, 3, None, round(away, 3), False, False),
        Price(8, 4, None, 1.3, False, False),
        Price(8, 5, None, 1.28, False, False),
        Price(8, 6, None, 1.6, False, False),
        Price(2, 7, -1.5, 3.1, False, False),
        Price(2, 8, 1.5, 1.35, False, False),
        Price(17, 9, 2.5, round(1.9 - 0.01 * step, 3), False, True),
        Price(17, 10, 2.5, round(1.9 + 0.01 * step, 3), False, True),
        Price(17, 9, 3.5, 2.6, False, False),
        Price(17, 10, 3.5, 1.45, False, False),
        Price(15, 11, 1.5, 1.9, False, False),
        Price(62, 14, 0.5, 3.5, False, False),
        Price(19, 180, None, 1.7, False, False),
        Price(999, 77, 4.0, 5.5, False, False),
    ]


def live_prices(m: FinishedMatch) -> list[Price]:
    return [
        Price(1, 1, None, 1.4, False, False),
        Price(1, 2, None, 4.5, False, False),
        Price(1, 3, None, 1.001, True, False),  # near decided: blocked
        Price(17, 9, 2.5, 1.2, False, True),
        Price(17, 10, 2.5, 30.0, False, True),  # capped
    ]


def timeline_of(event_id: int, start: int) -> tuple[OddsRow, ...]:
    rows: list[OddsRow] = []
    last: list[Price] = []
    m = MATCHES[0]
    for step, offset in enumerate((-900, -600, -300, -60)):
        now = prematch_prices(m, step)
        rows += diff(event_id, last, now, observed_at=start + offset, server_time=None,
                     phase=Phase.PREMATCH)  # fmt: skip
        last = now
    for offset in (120, 300):
        now = live_prices(m) if offset == 120 else live_prices(m)[:2]
        rows += diff(event_id, last, now, observed_at=start + offset, server_time=start + offset,
                     phase=Phase.LIVE)  # fmt: skip
        last = now
    return tuple(rows)


def fill_odds(store: CsvStore) -> None:
    for m in WITH_TIMELINE:
        assert m.start_time is not None
        store.save_odds(timeline_of(m.event_id, int(m.start_time.timestamp())))
    store.save_odds(timeline_of(UNSTORED_EVENT, int(WITH_TIMELINE[0].start_time.timestamp())))  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def odds_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("web-odds")
    store = fill(folder / "matches.csv")
    fill_odds(store)
    store.close()
    return folder


@pytest.fixture
def odds_app(odds_dir: Path) -> Iterator[Flask]:
    path = odds_dir / "matches.csv"
    with CsvStore(path) as store:
        yield build_app(store, Settings(csv_path=path, timezone="Europe/Paris"))


@pytest.fixture
def odds_client(odds_app: Flask) -> FlaskClient:
    return odds_app.test_client()


TARGET = WITH_TIMELINE[0]


def test_api_match_has_the_list_fields_and_both_lines(odds_client: FlaskClient) -> None:
    listed = odds_client.get("/api/matches", query_string={"limit": 500}).get_json()
    shown = next(i for i in listed["items"] if i["event_id"] == TARGET.event_id)
    got = odds_client.get(f"/api/matches/{TARGET.event_id}").get_json()
    assert {k: got[k] for k in shown} == shown
    closing = {(e["group"], e["type"], e["param"]): e for e in got["closing_line"]}
    opening = {(e["group"], e["type"], e["param"]): e for e in got["opening_line"]}
    assert len(closing) == len(opening) == 16
    assert closing[(1, 1, None)]["price"] == round(2.1 * 1.06, 3)  # the last pre-match poll
    assert opening[(1, 1, None)]["price"] == 2.1
    assert closing[(17, 9, 2.5)] == {
        "group": 17,
        "type": 9,
        "param": 2.5,
        "label": "Total : plus de 2,5",
        "price": 1.87,
        "observed_at_utc": closing[(17, 9, 2.5)]["observed_at_utc"],
    }
    assert closing[(2, 7, -1.5)]["label"] == "Handicap : équipe 1 -1,5"
    assert closing[(999, 77, 4.0)]["label"] == "Marché G=999 : Issue T=77 4"
    assert got["main_total"] == {"line": 2.5, "over": 1.87, "under": 1.93}
    assert [e["group"] for e in got["closing_line"]][:3] == [1, 1, 1]  # display order
    assert set(got["closing_line"][0]) == {
        "group", "type", "param", "label", "price", "observed_at_utc"
    }  # fmt: skip


def test_api_odds_is_the_timeline_in_time_order(odds_client: FlaskClient) -> None:
    got = odds_client.get(f"/api/matches/{TARGET.event_id}/odds").get_json()
    items = got["items"]
    assert got["count"] == len(items) == len(timeline_of(1, 0))
    assert list(items[0]) == list(ODDS_COLUMNS)
    times = [i["observed_at_utc"] for i in items]
    assert times == sorted(times)
    assert {i["phase"] for i in items} == {"prematch", "live"}
    assert any(i["removed"] for i in items)
    assert any(i["blocked"] and i["price"] == 1.001 for i in items)


def test_a_timeline_without_a_stored_match(odds_client: FlaskClient) -> None:
    assert odds_client.get(f"/api/matches/{UNSTORED_EVENT}/odds").get_json()["count"] > 0
    response = odds_client.get(f"/api/matches/{UNSTORED_EVENT}")
    assert response.status_code == 404


def test_a_match_without_timeline_has_empty_lines(odds_client: FlaskClient) -> None:
    got = odds_client.get(f"/api/matches/{PLAIN.event_id}").get_json()
    assert got["closing_line"] == got["opening_line"] == []
    assert got["main_total"] is None
    assert odds_client.get(f"/api/matches/{PLAIN.event_id}/odds").get_json()["items"] == []
    html = page(odds_client.get(f"/match/{PLAIN.event_id}"))
    assert "Aucune cote utilisable" in text_of(html)


@pytest.mark.parametrize("suffix", ["", "/odds"])
def test_unknown_and_invalid_ids(odds_client: FlaskClient, suffix: str) -> None:
    missing = odds_client.get(f"/api/matches/123{suffix}")
    assert missing.status_code == 404
    assert missing.get_json() == {
        "error": "Aucun match enregistré avec l'identifiant 123.",
        "status": 404,
    }
    for bad in ("abc", "-5", "1.5", "9" * 30, "%3Cscript%3E"):
        response = odds_client.get(f"/api/matches/{bad}{suffix}")
        assert response.status_code == 400, bad
        assert "un entier est attendu" in response.get_json()["error"]
        assert response.mimetype == "application/json"  # a reflected value is never HTML


def test_page_unknown_and_invalid_are_french_html(odds_client: FlaskClient) -> None:
    missing = odds_client.get("/match/123")
    assert missing.status_code == 404
    assert "Aucun match enregistré avec l'identifiant 123." in text_of(missing.get_data(True))
    bad = odds_client.get("/match/%3Cscript%3Ealert(1)%3C%5Cscript%3E")
    assert bad.status_code == 400
    assert_inert(bad.get_data(as_text=True))


def test_page_shows_summary_table_and_chart(odds_client: FlaskClient) -> None:
    html = page(odds_client.get(f"/match/{TARGET.event_id}"))
    text = text_of(html)
    assert TARGET.team1 in text
    assert TARGET.league in text
    assert f"{TARGET.score1} – {TARGET.score2}" in text
    assert "Début (Europe/Paris)" in text  # the web time zone setting
    assert TARGET.start_time is not None
    paris = TARGET.start_time.astimezone(ZoneInfo("Europe/Paris"))
    assert paris.strftime("%d/%m/%Y %H:%M") in text
    for label in ("Double chance", "Handicap", "Total équipe 1", "Les deux équipes marquent",
                  "Marché G=999", "plus de 2,5", "équipe 1 -1,5", "2,226", "1,87"):  # fmt: skip
        assert label in text, label
    rows = tags(html, "tr")
    assert len(rows) == 1 + 16
    svg = [t for t in tags(html, "svg") if t.get("data-chart") == "odds"]
    assert len(svg) == 1
    series = [g["data-series"] for g in tags(html, "g", "series")]
    assert series == ["1 (domicile)", "N (nul)", "2 (extérieur)", "Total plus de 2,5",
                      "Total moins de 2,5"]  # fmt: skip
    assert len(tags(html, "line", "kickoff")) == 1
    assert "coup d'envoi" in text
    assert len(tags(html, "polyline")) >= 5


def test_list_links_every_row_to_its_page(odds_client: FlaskClient) -> None:
    html = page(odds_client.get("/"))
    links = [a["href"] for a in tags(html, "a", "match-link")]
    assert f"/match/{HOSTILE_EVENT_ID}" in links
    assert len(links) == 50


def test_hostile_names_on_the_match_page(odds_client: FlaskClient) -> None:
    html = page(odds_client.get(f"/match/{HOSTILE_EVENT_ID}"))
    assert_inert(html)
    assert HOSTILE_TEAM1 in text_of(html)
    got = odds_client.get(f"/api/matches/{HOSTILE_EVENT_ID}").get_json()
    assert got["team1"] == HOSTILE_TEAM1


def test_chart_geometry_gaps_and_kickoff() -> None:
    points = [(0, 2.0), (60, None), (120, 3.0)]
    chart = odds_chart("x", [("a", "#000", False, points)], 90, str)
    assert chart is not None
    assert len(chart.series[0].segments) == 2  # the blocked minute is a gap
    assert chart.kickoff is not None
    assert 0 < chart.kickoff.x1 < chart.width
    assert odds_chart("x", [("a", "#000", False, [(0, None)])], None, str) is None
    flat = odds_chart("x", [("a", "#000", True, [(5, 1.5)])], None, str)
    assert flat is not None
    assert flat.kickoff is None
    ys = [float(p.split(",")[1]) for p in flat.series[0].segments[0].split()]
    assert all(math.isfinite(y) for y in ys)

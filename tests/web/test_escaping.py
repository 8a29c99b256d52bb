"""Untrusted text (feed values, query parameters) never becomes markup on any page."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.data import HOSTILE_LEAGUE, HOSTILE_TEAM1, HOSTILE_TEAM2
from tests.web.support import page, parse, tags, text_of

RAW_MARKUP = ("<script>alert(1)</script>", '<b>"piégée"</b>', "<img src=x onerror")


def assert_inert(html: str) -> None:
    for raw in RAW_MARKUP:
        assert raw not in html
    assert not tags(html, "script")
    assert not tags(html, "b")
    assert not [a for a in parse(html).tags if any(k.startswith("on") for k in a[1])]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?limit=500",
        "/statistiques",
        "/sante",
        "/?team=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/statistiques?league=Ligue+%3Cb%3E%22pi%C3%A9g%C3%A9e%22%3C%2Fb%3E+%26+Cie",
    ],
)
def test_pages_render_hostile_values_as_text(client: FlaskClient, path: str) -> None:
    html = page(client.get(path))
    assert_inert(html)


def test_hostile_names_are_shown_verbatim(client: FlaskClient) -> None:
    html = page(client.get("/"))
    text = text_of(html)
    assert HOSTILE_TEAM1 in text
    assert HOSTILE_TEAM2 in text  # the page shows the name; only CSV cells get the quote
    assert HOSTILE_LEAGUE in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_hostile_league_in_select_svg_and_links(client: FlaskClient) -> None:
    html = page(client.get("/statistiques"))
    assert any(o.get("value") == HOSTILE_LEAGUE for o in tags(html, "option"))
    escaped = "Ligue &lt;b&gt;&#34;piégée&#34;&lt;/b&gt; &amp; Cie"
    # option, card title, calibration chart name (aria-label and <title>), goals bar and label
    assert html.count(escaped) >= 6
    link = "/?league=Ligue+%3Cb%3E%22pi%C3%A9g%C3%A9e%22%3C/b%3E+%26+Cie"
    assert link in [a["href"] for a in tags(html, "a")]


def test_reflected_parameter_in_error_is_escaped(client: FlaskClient) -> None:
    response = client.get("/", query_string={"date_from": "<script>alert(1)</script>"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert_inert(html)
    assert "&lt;script&gt;" in html


def test_reflected_parameter_in_form_is_escaped(client: FlaskClient) -> None:
    html = page(client.get("/", query_string={"team": '"><script>alert(1)</script>'}))
    assert_inert(html)
    values = [a.get("value") for a in tags(html, "input") if a.get("name") == "team"]
    assert values == ['"><script>alert(1)</script>']

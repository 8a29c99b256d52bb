"""Real-browser checks: Debian's headless Chromium (never a Playwright download) against a real
werkzeug server in a thread. Screenshots land in ``artifacts/screenshots/`` (gitignored)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import REPO, need
from tests.web.conftest import MATCHES, served
from tests.web.data import HOSTILE_TEAM1

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = REPO / "artifacts" / "screenshots"
LEAGUES = sorted({m.league for m in MATCHES})


@pytest.fixture(scope="module")
def base_url(filled_dir: Path) -> Iterator[str]:
    """The app over the shared filled store, served for real on 127.0.0.1."""
    with served(filled_dir / "matches.csv") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    need(CHROMIUM.is_file(), f"Chromium absent : {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Visit:
    """One page plus everything the browser complained about while showing it."""

    def __init__(self, browser: Any, base_url: str, width: int) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
        self.page = self.context.new_page()
        self.base = base_url
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.foreign: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", self._request)

    def _console(self, message: Any) -> None:
        if message.type == "error" and "status of 400" not in message.text:
            self.errors.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request: Any) -> None:
        if not request.url.startswith(self.base):
            self.foreign.append(request.url)

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        return response

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()
        assert self.errors == []
        assert self.dialogs == []  # a hostile team name never ran as script
        assert self.foreign == []  # no CDN, no external request of any kind


@pytest.fixture
def visit(browser: Any, base_url: str) -> Iterator[Visit]:
    opened = Visit(browser, base_url, 1366)
    yield opened
    opened.close()


@pytest.fixture
def phone(browser: Any, base_url: str) -> Iterator[Visit]:
    opened = Visit(browser, base_url, 390)
    yield opened
    opened.close()


def test_matches_filter_by_league_and_paginate(visit: Visit) -> None:
    page = visit.page
    visit.goto("/")
    assert page.locator("tr[data-event-id]").count() == 50
    assert page.locator("td.teams").first.inner_text().startswith(HOSTILE_TEAM1)
    visit.shot("matchs")
    league = "FC 25. 3x3. Ligue de conférence"
    page.select_option("select[name=league]", league)
    page.select_option("select[name=limit]", "20")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/?league=*")
    expected = sum(1 for m in MATCHES if m.league == league)
    assert page.locator("#match-count strong").inner_text() == str(expected)
    assert set(page.locator("td.league").all_inner_texts()) == {league}
    assert page.locator("tr[data-event-id]").count() == 20
    page.click("a[rel=next]")
    page.wait_for_url("**page=2*")
    assert page.locator("tr[data-event-id]").count() == min(20, expected - 20)
    assert page.locator(".pagination .current").inner_text() == "2"
    visit.shot("matchs-filtre-ligue-page-2")


def test_matches_filter_by_team_and_outcome(visit: Visit) -> None:
    page = visit.page
    visit.goto("/")
    page.fill("input[name=team]", "arsenal")
    page.select_option("select[name=outcome]", "N")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**team=arsenal*")
    draws = [m for m in MATCHES if m.outcome == "N" and "Arsenal" in (m.team1, m.team2)]
    assert page.locator("tr[data-event-id]").count() == len(draws)
    assert set(page.locator("span.outcome").all_inner_texts()) == {"N"}
    visit.shot("matchs-filtre-equipe-issue")


def test_stats_charts_render(visit: Visit) -> None:
    page = visit.page
    visit.goto("/statistiques")
    with_odds = {m.league for m in MATCHES if m.odds}
    assert page.locator("svg.chart").count() == len(LEAGUES) + 2
    assert page.locator("svg.chart rect.observed").count() == 3 * (len(LEAGUES) + 1)
    assert page.locator("svg.chart rect.implied").count() == 3 * (len(with_odds) + 1)
    assert page.locator("svg.chart rect.goals").count() == len(LEAGUES)
    first = page.locator("svg.chart rect.observed").first.bounding_box()
    assert first is not None
    assert first["height"] > 10
    assert first["width"] > 5
    visit.shot("statistiques")
    page.select_option("select[name=league]", "FC 25. Championnat d'Angleterre")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**league=*")
    assert page.locator("article.league-card").count() == 1
    assert page.locator("svg.chart rect.goals").count() == 1
    visit.shot("statistiques-filtre")


def test_health_page_and_cycles_chart(visit: Visit) -> None:
    page = visit.page
    visit.goto("/sante")
    assert "Collecteur en bonne santé" in page.locator("#verdict").inner_text()
    assert page.locator("svg.chart rect.cycle-ok").count() == 22
    assert page.locator("svg.chart rect.cycle-failed").count() == 2
    box = page.locator("svg.chart rect.cycle-failed").first.bounding_box()
    assert box is not None
    assert box["height"] > 20
    visit.shot("sante")


def test_error_page(visit: Visit) -> None:
    response = visit.goto("/?date_from=%3Cscript%3Ealert(1)%3C/script%3E")
    assert response.status == 400
    assert "date_from" in visit.page.locator("#error-message").inner_text()
    visit.shot("erreur-400")


def test_phone_layout_stacks_rows(phone: Visit) -> None:
    page = phone.page
    phone.goto("/")
    assert page.locator("table.matches thead").is_hidden()
    first, second = (page.locator("tr[data-event-id]").nth(i).bounding_box() for i in (0, 1))
    assert first is not None
    assert second is not None
    assert second["y"] >= first["y"] + first["height"]  # cards, one under the other
    assert first["width"] <= 390
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing forces horizontal scrolling
    phone.shot("matchs-mobile")
    phone.goto("/statistiques")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("statistiques-mobile")
    phone.goto("/sante")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("sante-mobile")


@pytest.mark.parametrize("width", [1400, 1920])
def test_desktop_matches_table_shows_every_column(browser: Any, base_url: str, width: int) -> None:
    """Issue 12, item 14: at 1400 and 1920 px the « Fin établie » column was cut off by the
    table's scroll box. Every header and cell must lie inside the box, nothing to scroll."""
    visit = Visit(browser, base_url, width)
    try:
        page = visit.page
        visit.goto("/")
        box = page.locator(".table-scroll").bounding_box()
        assert box is not None
        overflow = page.evaluate(
            "(() => { const s = document.querySelector('.table-scroll');"
            " return s.scrollWidth - s.clientWidth; })()"
        )
        assert overflow <= 0, f"{overflow} px to scroll at {width} px"
        header = page.locator("table.matches th").last
        assert header.inner_text().strip().lower() == "fin établie"
        cells = [header, *page.locator("td.finish").all()[:10]]
        for cell in cells:
            rect = cell.bounding_box()
            assert rect is not None
            assert rect["x"] + rect["width"] <= box["x"] + box["width"] + 0.5
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        visit.shot(f"matchs-{width}")
    finally:
        visit.close()

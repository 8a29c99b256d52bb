"""The match page in real Chromium: from the list, follow a row's link, see chart and table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import served
from tests.web.data import HOSTILE_EVENT_ID, HOSTILE_TEAM1
from tests.web.test_browser import Visit, browser
from tests.web.test_match import TARGET, odds_dir

pytestmark = pytest.mark.browser
__all__ = ["browser", "odds_dir"]  # fixtures shared with the other modules


@pytest.fixture(scope="module")
def odds_url(odds_dir: Path) -> Iterator[str]:
    with served(odds_dir / "matches.csv") as url:
        yield url


@pytest.fixture
def visit(browser: Any, odds_url: str) -> Iterator[Visit]:
    opened = Visit(browser, odds_url, 1366)
    yield opened
    opened.close()


def test_follow_the_list_link_to_the_match_page(visit: Visit) -> None:
    page = visit.page
    visit.goto("/")
    row = page.locator(f"tr[data-event-id='{TARGET.event_id}']")
    row.locator("a.match-link").click()
    page.wait_for_url(f"**/match/{TARGET.event_id}")
    assert TARGET.team1 in page.locator("h1").inner_text()
    chart = page.locator("svg[data-chart=odds]")
    box = chart.bounding_box()
    assert box is not None
    assert box["width"] > 300
    assert box["height"] > 100
    assert page.locator("svg[data-chart=odds] polyline").count() >= 5
    line = page.locator("svg[data-chart=odds] polyline").first.bounding_box()
    assert line is not None
    assert line["width"] > 50  # a drawn curve, not an empty shape
    assert page.locator("svg[data-chart=odds] line.kickoff").count() == 1
    assert page.locator("table.markets tbody tr").count() == 16
    text = page.locator("table.markets").inner_text()
    assert "Total" in text
    assert "plus de 2,5" in text
    assert "Les deux équipes marquent" in text
    visit.shot("match-cotes")


def test_hostile_match_page_runs_no_script(visit: Visit) -> None:
    visit.goto(f"/match/{HOSTILE_EVENT_ID}")
    assert HOSTILE_TEAM1 in visit.page.locator("h1").inner_text()
    assert visit.page.locator("svg[data-chart=odds]").count() == 1
    visit.shot("match-hostile")

"""The « À venir » page in real Chromium, after real collector runs: the simulator's pre-match
events with a countdown that keeps running in the page, a 2-way Penalty event from a real
capture (with a hostile team name that must stay text), and the stale answer."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from oracxpred.simulator.server import start_simulator
from tests.helpers import StaticFeed, run_collector
from tests.web.conftest import served as serve_app
from tests.web.test_browser import Visit, browser
from tests.web.test_upcoming import penalty_capture

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # fixture shared with the other browser modules

HOSTILE = '<img src=x onerror="alert(1)">Les Bleus'


def served(csv_path: Path, clock: Callable[[], datetime]) -> AbstractContextManager[str]:
    return serve_app(csv_path, ORACXPRED_CLOCK=clock, ORACXPRED_HEALTH_MAX_AGE_S=600)


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store after one real run against the simulator, its clock set to now: the browser's
    countdown uses the real time."""
    path = tmp_path_factory.mktemp("upcoming-sim") / "matches.csv"
    with start_simulator(seed=5, start_epoch=int(time.time())) as sim:
        done = run_collector("--feed-url", sim.feed_url, "--csv-path", str(path), "--no-archive")
        assert done.returncode == 0, done.stdout + done.stderr
    return path


@pytest.fixture
def page_of(browser: Any) -> Iterator[Callable[[str], Visit]]:
    opened: list[Visit] = []

    def open_at(base: str) -> Visit:
        opened.append(Visit(browser, base, 1366))
        return opened[-1]

    yield open_at
    for visit in opened:
        visit.close()  # no script error, no dialog, no foreign request


def test_the_countdown_keeps_running_in_the_page(simulated, page_of) -> None:
    with served(simulated, now) as base:
        visit = page_of(base)
        response = visit.goto("/a-venir")
        assert response.status == 200
        page = visit.page
        rows = page.locator("#upcoming tbody tr")
        assert rows.count() > 0
        api = json.loads(page.evaluate("fetch('/api/upcoming').then(r => r.text())"))
        assert rows.count() == len(api["items"])
        ahead = [i for i in api["items"] if i["countdown_s"] is not None and i["countdown_s"] > 5]
        assert ahead, "the simulator lists matches that start in more than a few seconds"
        cell = page.locator(f"tr[data-event='{ahead[0]['event_id']}'] td.countdown")
        first = cell.inner_text()
        assert "min" in first or first.endswith(" s")
        # The script rewrites the text every second: wait for the change (a condition, no sleep).
        page.wait_for_function(
            "([id, text]) => document.querySelector(`tr[data-event='${id}'] td.countdown`)"
            ".textContent !== text",
            arg=[ahead[0]["event_id"], first],
            timeout=10_000,
        )
        assert page.locator("#upcoming td.opening-total").first.inner_text() != "—"
        assert page.locator("#upcoming td.main-total").first.inner_text().count(",") >= 2
        assert page.locator("nav a[aria-current=page]").inner_text() == "À venir"
        visit.shot("a-venir")


def test_a_two_way_event_and_a_hostile_name_show_as_text(fixtures_dir, tmp_path, page_of) -> None:
    raw, event_id = penalty_capture(fixtures_dir)
    body = json.loads(raw)
    body["Value"][0]["O1"] = HOSTILE
    path = tmp_path / "matches.csv"
    with StaticFeed(json.dumps(body).encode()) as feed:
        done = run_collector("--feed-url", feed.feed_url, "--csv-path", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    with served(path, now) as base:
        visit = page_of(base)
        assert visit.goto("/a-venir").status == 200
        row = visit.page.locator(f"tr[data-event='{event_id}']")
        assert row.get_attribute("class") == "two-way"
        assert HOSTILE in row.locator("td").nth(1).inner_text()
        assert visit.page.locator("img[src=x]").count() == 0
        opening = row.locator("td.opening").inner_text()
        assert opening.count("/") == 1, opening  # home / away, no draw column
        assert row.locator("td.opening .two-way").get_attribute("title") == (
            "Marché à deux issues : pas de match nul"
        )
        visit.shot("a-venir-penalty")


def test_a_stale_collector_shows_why_the_list_is_missing(simulated, page_of) -> None:
    with served(simulated, lambda: now() + timedelta(hours=3)) as base:
        visit = page_of(base)
        assert visit.goto("/a-venir").status == 503
        verdict = visit.page.locator("#verdict")
        assert "Liste indisponible" in verdict.inner_text()
        assert visit.page.locator("#upcoming").count() == 0
        reason = json.loads(visit.page.evaluate("fetch('/api/upcoming').then(r => r.text())"))[
            "reason"
        ]
        assert reason
        assert reason in verdict.inner_text()
        # The browser reports the two 503 answers it was given: expected here, nothing else.
        assert all("status of 503" in e for e in visit.errors), visit.errors
        visit.errors.clear()

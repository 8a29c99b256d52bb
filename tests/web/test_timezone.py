"""Display time zone (``ORACXPRED_TIMEZONE``): times converted, zone named in the headers,
storage and API in UTC; an unknown zone is a French error at start. Checked in Chromium."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from oracxpred.config import Settings, load_settings
from oracxpred.errors import ConfigError
from oracxpred.store.csv.store import CsvStore
from oracxpred.web import create_app
from oracxpred.web.formatting import fmt_dt
from tests.web.conftest import MATCHES, build_app, served
from tests.web.test_browser import Visit, browser  # noqa: F401 - the Chromium fixture

PARIS = "Europe/Paris"


def _newest_start() -> str:
    newest = max(MATCHES, key=lambda m: m.start_time or m.collected_at)
    moment = newest.start_time or newest.collected_at
    return fmt_dt(moment, zone=ZoneInfo(PARIS))


def test_the_zone_comes_from_the_environment_and_defaults_to_utc() -> None:
    assert load_settings({}, {}).timezone == "UTC"
    assert load_settings({}, {"ORACXPRED_TIMEZONE": "Africa/Abidjan"}).timezone == "Africa/Abidjan"


@pytest.mark.parametrize("name", ["Mars/Olympus", "Europe/Pariss", "../etc/passwd", "  "])
def test_an_unknown_zone_is_a_french_error(name: str) -> None:
    if not name.strip():
        assert load_settings({}, {"ORACXPRED_TIMEZONE": name}).timezone == "UTC"
        return
    with pytest.raises(ConfigError, match="Fuseau horaire inconnu"):
        load_settings({}, {"ORACXPRED_TIMEZONE": name})


def test_the_app_refuses_to_start_on_an_unknown_zone(tmp_path: Path) -> None:
    settings = Settings(csv_path=tmp_path / "m.csv", timezone="Nulle/Part")
    with pytest.raises(ConfigError, match="par exemple UTC, Africa/Abidjan ou Europe/Paris"):
        create_app({"TESTING": True, "ORACXPRED_SETTINGS": settings})


def test_pages_show_the_zone_and_convert_times(filled_dir: Path) -> None:
    path = filled_dir / "matches.csv"
    with CsvStore(path) as store:
        app = build_app(store, Settings(csv_path=path, timezone=PARIS))
        client = app.test_client()
        page = client.get("/").get_data(as_text=True)
        assert "Début (Europe/Paris)" in page
        assert "(UTC)" not in page
        assert _newest_start() in page
        sante = client.get("/sante").get_data(as_text=True)
        assert "Début (Europe/Paris)" in sante
        api = client.get("/api/matches?limit=1").get_json()
        assert api["items"][0]["start_time"].endswith("Z")  # the API stays UTC


@pytest.fixture
def paris_url(filled_dir: Path) -> Iterator[str]:
    path = filled_dir / "matches.csv"
    with served(path, Settings(csv_path=path, timezone=PARIS)) as url:
        yield url


@pytest.mark.browser
def test_a_browser_sees_paris_time(browser: Any, paris_url: str) -> None:  # noqa: F811
    visit = Visit(browser, paris_url, 1366)
    visit.goto("/")
    header = visit.page.locator("table.matches th").first.text_content()
    assert header == "Début (Europe/Paris)"  # shown in capitals by the style sheet
    first = visit.page.locator("td.when").first.inner_text().strip()
    assert first == _newest_start()
    utc = fmt_dt(max(m.start_time or m.collected_at for m in MATCHES))
    assert first != utc  # one hour ahead in December
    visit.shot("matchs-europe-paris")
    visit.goto("/sante")
    assert "Europe/Paris" in (visit.page.locator("#cycles th").first.text_content() or "")
    visit.close()
    assert timedelta(hours=1) == ZoneInfo(PARIS).utcoffset(MATCHES[0].collected_at)


def _paris_day_split(tmp_path: Path) -> tuple[Path, list[int]]:
    """Three matches around midnight: 22:30 UTC on 5 Dec (23:30 in Paris), 23:30 UTC on
    5 Dec (00:30 on 6 Dec in Paris), 10:00 UTC on 6 Dec."""
    base = MATCHES[0]
    starts = [
        datetime(2025, 12, 5, 22, 30, tzinfo=UTC),
        datetime(2025, 12, 5, 23, 30, tzinfo=UTC),
        datetime(2025, 12, 6, 10, 0, tzinfo=UTC),
    ]
    ids = [910_000_001, 910_000_002, 910_000_003]
    path = tmp_path / "matches.csv"
    with CsvStore(path) as store:
        store.save_matches(
            [
                replace(base, event_id=i, start_time=s, collected_at=s + timedelta(minutes=9))
                for i, s in zip(ids, starts, strict=True)
            ]
        )
    return path, ids


def _ids(answer: Any) -> set[int]:
    return {item["event_id"] for item in answer.get_json()["items"]}


def test_a_day_typed_in_a_page_is_a_day_of_the_display_zone(tmp_path: Path) -> None:
    path, (late, after_midnight, morning) = _paris_day_split(tmp_path)
    day = {"date_from": "2025-12-06", "date_to": "2025-12-06"}
    with CsvStore(path) as store:
        client = build_app(store, Settings(csv_path=path, timezone=PARIS)).test_client()
        page = client.get("/", query_string=day).get_data(as_text=True)
        assert f'data-event-id="{after_midnight}"' in page
        assert f'data-event-id="{morning}"' in page
        assert f'data-event-id="{late}"' not in page
        # The JSON API reads UTC days (scripts do not depend on the server's display zone)...
        assert _ids(client.get("/api/matches", query_string=day)) == {morning}
        # ...and the page's own API link carries the instants it read, so it shows the page.
        found = re.search(r'href="(/api/matches\?[^"]+)"', page)
        assert found is not None
        link = html.unescape(found[1])
        assert "2025-12-05T23:00:00Z" in link
        assert _ids(client.get(link)) == {after_midnight, morning}
        # The CSV export linked from the page is the page's selection.
        export = client.get("/export.csv", query_string=day).get_data(as_text=True)
        assert str(after_midnight) in export
        assert str(late) not in export
        # A naive instant typed in the page is Paris time too.
        evening = {"date_from": "2025-12-05T23:15"}
        page = client.get("/", query_string=evening).get_data(as_text=True)
        assert f'data-event-id="{late}"' in page  # 23:30 Paris is after 23:15 Paris


def test_in_utc_the_page_and_the_api_read_the_same_day(tmp_path: Path) -> None:
    path, (late, after_midnight, morning) = _paris_day_split(tmp_path)
    day = {"date_from": "2025-12-05", "date_to": "2025-12-05"}
    with CsvStore(path) as store:
        client = build_app(store, Settings(csv_path=path)).test_client()
        page = client.get("/", query_string=day).get_data(as_text=True)
        assert f'data-event-id="{late}"' in page
        assert f'data-event-id="{after_midnight}"' in page
        assert f'data-event-id="{morning}"' not in page
        assert _ids(client.get("/api/matches", query_string=day)) == {late, after_midnight}

"""The web app over SQLite, PostgreSQL and MariaDB answers exactly as over a CsvStore.

One data set (``tests/web/data.py`` plus edge rows: LIKE wildcards and a backslash in team
names, accents, quotes, formula-like names, leagues differing only by case or a trailing space,
rows without a start time, instants on day boundaries, ties on the sort key) is stored in a
CsvStore, whose answers follow ``store/querying.py`` (the reference), and in a fresh database
of each SQL backend for this module (``oracx_web_<random>``, dropped at teardown). Every route
is then asked the same questions on both apps and must give byte-identical answers (JSON: equal
up to float rounding in the last bits of the per-league sums).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from oracxpred.config import Settings
from oracxpred.core.records import FinishedMatch, FinishSource, Odds1X2, Outcome, Score
from oracxpred.store.base import Store
from oracxpred.store.csv.store import CsvStore
from oracxpred.store.querying import filter_sort_page
from oracxpred.store.sql.engine import make_engine, normalize_url
from oracxpred.store.sql.store import SqlStore
from oracxpred.web import create_app
from oracxpred.web.params import parse_filters
from tests.helpers import need, port_open
from tests.support.databases import MARIADB_ADMIN_URL, PG_ADMIN_URL, throwaway_database
from tests.web.data import HOSTILE_LEAGUE, NOW, make_heartbeats, make_matches

ENGLAND = "FC 25. Championnat d'Angleterre"
PADDED_LEAGUE = ENGLAND + " "  # legacy rows (an import) may keep spaces the parser strips
LOWER_LEAGUE = ENGLAND.lower()
MIDNIGHT = datetime(2025, 12, 6, tzinfo=UTC)
TINY = timedelta(microseconds=1)
EDGE = 710_000_000
"""Event ids of the edge rows start here (the realistic ones are below)."""


def _edge(event_id: int, team1: str, team2: str, **changes: Any) -> FinishedMatch:
    start = changes.pop("start_time", MIDNIGHT - timedelta(hours=3))
    base = FinishedMatch(
        event_id=event_id,
        collected_at=(start or MIDNIGHT) + timedelta(minutes=11, microseconds=500_000),
        league="Ligue 100%_Virtuelle",
        team1=team1,
        team2=team2,
        score1=1,
        score2=2,
        status="Jeu terminé",
        outcome=Outcome.AWAY,
        finish_source=FinishSource.FEED,
        sport_id=85,
        start_time=start,
        odds=Odds1X2(2.345, 3.1, 2.875),
        odds_at=start - timedelta(seconds=20) if start else None,
        halftime=Score(0, 1),
    )
    return replace(base, **changes)


def edge_matches() -> list[FinishedMatch]:
    """Rows whose answers differ as soon as a backend mistreats one detail."""
    first = EDGE
    return [
        # Same start and collection time: only the event id orders them.
        _edge(first, "Club_Brugge", "100% Juventus", start_time=MIDNIGHT),
        _edge(first + 1, "ClubXBrugge", "100 Juventus", start_time=MIDNIGHT),
        _edge(first + 2, "Back\\slash FC", "O'Higgins", start_time=MIDNIGHT - TINY),
        _edge(
            first + 3,
            "Atlético Mineiro",
            "ÉQUIPE de France",
            start_time=None,
            collected_at=MIDNIGHT - timedelta(days=1),
            odds=None,
            odds_at=None,
            outcome=Outcome.DRAW,
            score1=0,
            score2=0,
        ),
        _edge(
            first + 4,
            "'s-Hertogenbosch",
            'Le "Club" ⚽',
            start_time=None,
            collected_at=MIDNIGHT - timedelta(days=1) - TINY,
            outcome=Outcome.HOME,
            score1=3,
            score2=0,
        ),
        _edge(
            first + 5,
            "-Minus FC",
            "@Arobase",
            league=PADDED_LEAGUE,
            start_time=MIDNIGHT + timedelta(hours=2, microseconds=123_456),
        ),
        _edge(first + 6, "Chelsea", "Arsenal", league=LOWER_LEAGUE, outcome=Outcome.DRAW),
        _edge(first + 7, "50%", "_", league=LOWER_LEAGUE, score1=4, score2=4),
    ]


ROWS: list[FinishedMatch] = make_matches() + edge_matches()
BEATS = make_heartbeats()

FILTERS: list[dict[str, str]] = [
    {},
    {"league": ENGLAND},
    {"league": PADDED_LEAGUE},  # stripped: the exact, unpadded league only
    {"league": LOWER_LEAGUE},
    {"league": HOSTILE_LEAGUE},
    {"league": "Ligue 100%_Virtuelle", "outcome": "2"},
    {"league": "inconnue"},
    {"team": "arsenal"},
    {"team": "ARSENAL", "outcome": "N"},
    {"team": "  chelsea  "},
    {"team": "atlético"},
    {"team": "ÉQUIPE DE"},
    {"team": "é"},
    {"team": "b_b"},  # "_" is a character, not any character
    {"team": "0% j"},  # "%" likewise
    {"team": "%"},
    {"team": "_"},
    {"team": "%_"},
    {"team": "k\\s"},
    {"team": "\\"},
    {"team": "'"},
    {"team": '"club"'},
    {"team": "<script>"},
    {"team": "=hyperlink("},
    {"team": "⚽"},
    {"outcome": "1"},
    {"outcome": "X"},
    {"outcome": "2"},
    {"date_from": "2025-12-06"},
    {"date_to": "2025-12-05"},
    {"date_from": "2025-12-05", "date_to": "2025-12-05"},
    {"date_to": "2025-12-04"},
    {"date_from": "2025-12-06T00:00:00Z", "date_to": "2025-12-06T00:00:00Z"},
    {"date_from": "2025-12-06T01:00:00+01:00", "date_to": "2025-12-06T02:00:00.123456"},
    {"date_from": "2025-12-05T23:59:59.999999Z", "date_to": "2025-12-06T02:00:00.123455Z"},
    {"date_from": "2025-12-05T00:00:00", "date_to": "2025-12-05T11:00:00Z"},
    {"date_from": "2025-12-06T12:00", "team": "a", "outcome": "1"},
    {"date_from": "2030-01-01"},
]
PAGING: list[dict[str, str]] = [
    {"limit": "500"},
    {"limit": "7", "page": "2"},
    {"limit": "7", "page": "15"},  # the last, partial page
    {"limit": "1", "page": "101"},
    {"page": "40"},  # beyond the last page: empty, same total
    {"limit": "3", "page": "2", "team": "juventus"},
    {"limit": "2", "page": "3", "date_from": "2025-12-04", "date_to": "2025-12-06T00:30:00Z"},
]
REFUSED = ["limit=0", "page=abc", "date_from=2025-13-01", "date_from=2025-12-06&date_to=2025-12-05"]

PAGED_ROUTES = ("/api/matches", "/")
ROUTES = (*PAGED_ROUTES, "/api/stats", "/export.csv", "/statistiques")

CASES = [(route, urlencode(f)) for route in ROUTES for f in FILTERS]
CASES += [(route, urlencode(p)) for route in PAGED_ROUTES for p in PAGING]
CASES += [(route, q) for route in ROUTES for q in REFUSED]


def _app_client(store: Store, settings: Settings) -> FlaskClient:
    config = {
        "TESTING": True,
        "ORACXPRED_SETTINGS": settings,
        "ORACXPRED_CLOCK": lambda: NOW,
        "ORACXPRED_LEASE_DESCRIBER": None,
        "ORACXPRED_INTERNAL_COLLECTOR": False,
    }
    return create_app(config, store=store).test_client()


@pytest.fixture(scope="module")
def csv_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    path = tmp_path_factory.mktemp("parity-csv") / "matches.csv"
    with CsvStore(path) as store:
        store.save_matches(ROWS)
        for beat in BEATS:
            store.record_heartbeat(beat)
        yield _app_client(store, Settings(csv_path=path))


Answer = tuple[int, str | None, str | None, str]


def _answer(client: FlaskClient, url: str) -> Answer:
    response = client.get(url)
    try:
        disposition = response.headers.get("Content-Disposition")
        return response.status_code, response.mimetype, disposition, response.get_data(True)
    finally:
        response.close()


@pytest.fixture(scope="module")
def reference(csv_client: FlaskClient) -> Callable[[str], Answer]:
    """The CSV app's answer to a URL, computed once for the three backends."""
    answers: dict[str, Answer] = {}

    def answer(url: str) -> Answer:
        if url not in answers:
            answers[url] = _answer(csv_client, url)
        return answers[url]

    return answer


@contextlib.contextmanager
def _fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """A new, empty database of ``backend`` (its URL), dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'parity.db'}"
        return
    admin_url = PG_ADMIN_URL if backend == "postgresql" else MARIADB_ADMIN_URL
    parsed = sa.make_url(admin_url)
    host, port = parsed.host or "127.0.0.1", parsed.port or 0
    need(port_open(host, port), f"{backend} injoignable sur {host}:{port}")
    charset = "utf8mb4" if backend == "mariadb" else None
    with throwaway_database(admin_url, "oracx_web", charset=charset) as url:
        yield url


@pytest.fixture(
    scope="module",
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("mariadb", marks=pytest.mark.mariadb),
    ],
)
def sql_client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FlaskClient]:
    folder = tmp_path_factory.mktemp(f"parity-{request.param}")
    with _fresh_database(request.param, folder) as url:
        engine = make_engine(normalize_url(url))
        store = SqlStore(engine)
        try:
            store.save_matches(ROWS[::-1])  # another storage order: the answers must not care
            for beat in BEATS:
                store.record_heartbeat(beat)
            assert engine.dialect.name == {"mariadb": "mysql"}.get(request.param, request.param)
            yield _app_client(store, Settings(csv_path=folder / "m.csv", database_url=url))
        finally:
            store.close()
            checked_out = engine.pool.checkedout()  # type: ignore[attr-defined]
            engine.dispose()
            assert checked_out == 0, f"{checked_out} connexion(s) jamais rendue(s) au pool"


def _same(got: Any, want: Any, where: str = "") -> None:
    """Equal JSON values; floats equal up to summation-order rounding."""
    if isinstance(want, float) and isinstance(got, float):
        assert got == pytest.approx(want, rel=1e-12, abs=1e-15), where
    elif isinstance(want, dict) and isinstance(got, dict):
        assert list(got) == list(want), where
        for key in want:
            _same(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list) and isinstance(got, list):
        assert len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _same(g, w, f"{where}[{i}]")
    else:
        assert got == want, where


@pytest.mark.parametrize(("route", "query"), CASES)
def test_route_answers_as_over_csv(
    sql_client: FlaskClient, reference: Callable[[str], Answer], route: str, query: str
) -> None:
    url = f"{route}?{query}" if query else route
    got, want = _answer(sql_client, url), reference(url)
    assert got[:3] == want[:3], url
    if want[1] == "application/json":
        _same(json.loads(got[3]), json.loads(want[3]), url)
    else:
        assert got[3] == want[3], url


@pytest.mark.parametrize("query", [urlencode(f) for f in FILTERS + PAGING])
def test_csv_reference_follows_querying(csv_client: FlaskClient, query: str) -> None:
    """The reference itself: what ``querying.filter_sort_page`` selects, in that order."""
    args = dict(parse_qsl(query))
    body = csv_client.get(f"/api/matches?{query}").get_json()
    page, limit = int(args.get("page", 1)), int(args.get("limit", 50))
    expected = filter_sort_page(ROWS, parse_filters(args).query((page - 1) * limit, limit))
    assert body["total"] == expected.total
    assert [item["event_id"] for item in body["items"]] == [m.event_id for m in expected.items]


EDGE_SELECTIONS = [
    ({"team": "b_b"}, [EDGE]),
    ({"team": "0% j"}, [EDGE]),
    ({"team": "%"}, [EDGE, EDGE + 7]),
    ({"team": "_"}, [EDGE, EDGE + 7]),
    ({"team": "k\\s"}, [EDGE + 2]),
    ({"team": "équipe"}, [EDGE + 3]),
    ({"team": "⚽"}, [EDGE + 4]),
    ({"league": PADDED_LEAGUE}, []),  # stripped, then exact: only the unpadded league's rows
    ({"date_to": "2025-12-04"}, [EDGE + 4]),
    ({"date_from": "2025-12-05", "date_to": "2025-12-05T00:00:00Z"}, [EDGE + 3]),
    ({"date_from": "2025-12-06T00:00:00Z", "date_to": "2025-12-06"}, [EDGE + 5, EDGE + 1, EDGE]),
]


@pytest.mark.parametrize(("filters", "edge_ids"), EDGE_SELECTIONS)
def test_edge_filters_select_exactly_the_edge_rows(
    sql_client: FlaskClient, csv_client: FlaskClient, filters: dict[str, str], edge_ids: list[int]
) -> None:
    """Not only the same answer everywhere, but the right one (wildcards are characters, date
    bounds are inclusive to the microsecond, rows without a start use their collection time)."""
    query = urlencode({**filters, "limit": "500"})
    total = filter_sort_page(ROWS, parse_filters(filters).query(0, None)).total
    for client in (csv_client, sql_client):
        body = client.get(f"/api/matches?{query}").get_json()
        ids = [item["event_id"] for item in body["items"]]
        assert [i for i in ids if i >= EDGE] == edge_ids, (query, ids)
        assert body["total"] == len(ids) == total


def test_health_agrees_except_for_the_backend(
    sql_client: FlaskClient, csv_client: FlaskClient
) -> None:
    got, want = (c.get("/health") for c in (sql_client, csv_client))
    assert (got.status_code, want.status_code) == (200, 200)
    got_body, want_body = got.get_json(), want.get_json()
    got_store, want_store = got_body.pop("store"), want_body.pop("store")
    assert got_body == want_body
    assert got_store["row_count"] == want_store["row_count"] == len(ROWS)
    assert (got_store["writable"], want_store["writable"]) == (True, True)

"""Over/under rates per league on the statistics page and ``/api/stats``, beside the closing
main total's implied over (issue 14), from final scores and the stored odds timeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from oracxpred.config import Settings
from oracxpred.core.odds import diff
from oracxpred.core.records import Phase, Price
from oracxpred.store.csv.store import CsvStore
from oracxpred.web.stats import TOTAL_LINES, closing_totals
from tests.web.conftest import MATCHES, build_app
from tests.web.data import HOSTILE_LEAGUE
from tests.web.support import page, tags, text_of
from tests.web.test_escaping import assert_inert
from tests.web.test_match import WITH_TIMELINE, odds_dir

__all__ = ["odds_dir"]

P_OVER = (1 / 1.87) / (1 / 1.87 + 1 / 1.93)  # the closing main total of every timeline
STORED = list(MATCHES)


@pytest.fixture
def odds_client(odds_dir: Path) -> FlaskClient:
    path = odds_dir / "matches.csv"
    store = CsvStore(path)
    return build_app(store, Settings(csv_path=path)).test_client()


def rounded(value: object) -> object:
    """Floats to 9 places, through nested mappings (exact sums differ in the last bits)."""
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return round(value, 9) if isinstance(value, float) else value


def expected(league: str | None) -> dict[str, object]:
    chosen = [m for m in STORED if league is None or m.league == league]
    timed = [m for m in WITH_TIMELINE if league is None or m.league == league]
    over = {f"{x:g}": sum(m.score1 + m.score2 > x for m in chosen) for x in TOTAL_LINES}
    mean = (lambda v: v / len(timed)) if timed else (lambda _: None)
    return {
        "matches": len(chosen),
        "over": over,
        "over_rate": {k: n / len(chosen) for k, n in over.items()},
        "with_closing_total": len(timed),
        "closing_main_line_mean": mean(2.5 * len(timed)),
        "implied_over_mean": mean(P_OVER * len(timed)),
        "observed_over_main_rate": mean(float(sum(m.score1 + m.score2 > 2.5 for m in timed))),
    }


def test_api_stats_has_over_under_per_league_and_in_total(odds_client: FlaskClient) -> None:
    got = odds_client.get("/api/stats").get_json()
    for league in got["leagues"]:
        assert rounded(league["over_under"]) == rounded(expected(league["league"]))
    assert rounded(got["total"]["over_under"]) == rounded(expected(None))
    assert got["total"]["over_under"]["with_closing_total"] == len(WITH_TIMELINE)


def test_filters_apply_to_over_under(odds_client: FlaskClient) -> None:
    league = WITH_TIMELINE[0].league
    got = odds_client.get("/api/stats", query_string={"league": league}).get_json()
    assert [s["league"] for s in got["leagues"]] == [league]
    assert rounded(got["total"]["over_under"]) == rounded(expected(league))


def test_page_shows_rates_and_implied_over(odds_client: FlaskClient) -> None:
    html = page(odds_client.get("/statistiques"))
    assert_inert(html)
    tables = tags(html, "table", "over-under")
    leagues = sorted({m.league for m in STORED})
    assert len(tables) == len(leagues) + 1
    assert {t["data-league"] for t in tables} == {*leagues, "Toutes les ligues"}
    text = text_of(html)
    assert "Plus / moins de buts (scores finals)" in text
    assert "probabilité implicite du « plus »" in text
    shown = f"{P_OVER * 100:.1f}".replace(".", ",")
    assert shown in text
    # The hostile league has a timeline (it is the newest match) and renders as text.
    assert HOSTILE_LEAGUE in text


def test_without_timeline_the_implied_column_is_unavailable(client: FlaskClient) -> None:
    got = client.get("/api/stats").get_json()  # the shared store: matches, no odds timeline
    assert got["total"]["over_under"]["with_closing_total"] == 0
    assert got["total"]["over_under"]["implied_over_mean"] is None
    assert "probabilité implicite indisponible" in text_of(page(client.get("/statistiques")))


def test_closing_totals_uses_the_last_usable_prematch_prices() -> None:
    over, under = Price(17, 9, 2.5, 1.8, False, True), Price(17, 10, 2.5, 2.0, False, True)
    rows = diff(1, [], [over, under], observed_at=10, server_time=None, phase=Phase.PREMATCH)
    blocked = Price(17, 9, 2.5, 1.5, True, True)
    rows += diff(1, [over, under], [blocked, under], observed_at=20, server_time=None,
                 phase=Phase.PREMATCH)  # fmt: skip
    live = Price(17, 9, 2.5, 1.1, False, True)
    rows += diff(1, [blocked, under], [live], observed_at=30, server_time=None, phase=Phase.LIVE)
    other = diff(2, [], [over], observed_at=10, server_time=None, phase=Phase.PREMATCH)
    totals = closing_totals(rows + other)
    assert list(totals) == [1]  # event 2 has no under: no main total
    line, p_over = totals[1]
    assert line == 2.5
    assert p_over == pytest.approx((1 / 1.8) / (1 / 1.8 + 1 / 2.0))


def test_closing_totals_are_reused_a_minute_unless_fresh(tmp_path: Path) -> None:
    from oracxpred.store.values import MatchQuery
    from oracxpred.web.stats import store_over_under

    with CsvStore(tmp_path / "matches.csv") as store:
        store.save_matches(WITH_TIMELINE[:1])
        first = store_over_under(store, MatchQuery(limit=None))
        assert sum(s.with_total for s in first.values()) == 0
        over, under = Price(17, 9, 2.5, 1.8, False, True), Price(17, 10, 2.5, 2.0, False, True)
        start = WITH_TIMELINE[0].start_time
        assert start is not None
        store.save_odds(
            diff(WITH_TIMELINE[0].event_id, [], [over, under], observed_at=int(start.timestamp()),
                 server_time=None, phase=Phase.PREMATCH)
        )  # fmt: skip
        cached = store_over_under(store, MatchQuery(limit=None))
        assert sum(s.with_total for s in cached.values()) == 0  # within the minute
        fresh = store_over_under(store, MatchQuery(limit=None), fresh=True)
        assert sum(s.with_total for s in fresh.values()) == 1

"""The simulator's history (``--history-days``), ``v2/champs`` and the real service's rules."""

from __future__ import annotations

import httpx
import pytest

from oracxpred.cli.sim import feed_sim
from oracxpred.errors import FeedUnavailable
from oracxpred.feed.client import FeedClient, RetryPolicy, champs_params, champs_url_for
from oracxpred.simulator.server import start_simulator

SUPER, CONF = 2986291, 2860561
EPOCH = 1_780_590_000


def test_history_days_are_listed_by_both_endpoints():
    with start_simulator(start_epoch=EPOCH, history_days=2) as sim, httpx.Client() as http:
        before = EPOCH - 86400
        counts = {}
        for league in (SUPER, CONF):
            query = {"champId": league, "dateFrom": before, "dateTo": EPOCH}
            games = http.get(sim.results_url, params=query).json()
            assert all(before <= item["dateStart"] <= EPOCH for item in games["items"])
            counts[league] = games["count"]
        assert min(counts.values()) >= 140  # a match every 10 min, the last ones unfinished
        assert sim.snapshot()  # the live feed still plays at the clock's time
        champs = http.get(sim.champs_url, params={"dateFrom": before, "dateTo": EPOCH}).json()
        assert {c["id"]: c["gamesCount"] for c in champs["items"]} == counts
        empty = {"dateFrom": EPOCH - 5 * 86400, "dateTo": EPOCH - 4 * 86400}
        assert http.get(sim.champs_url, params=empty).json() == {"items": []}
        other_sport = {"dateFrom": before, "dateTo": EPOCH, "sportIds": 1}
        assert http.get(sim.champs_url, params=other_sport).json() == {"items": []}


@pytest.mark.parametrize(
    "params",
    [
        {"dateFrom": EPOCH},
        {"dateFrom": EPOCH, "dateTo": EPOCH + 3 * 86400},
        {"dateFrom": EPOCH + 1, "dateTo": EPOCH + 600},
        {"dateTo": EPOCH + 600, "dateFrom": EPOCH},
    ],
)
def test_champs_follow_the_service_rules(params):
    with start_simulator(start_epoch=EPOCH) as sim, httpx.Client() as http:
        response = http.get(sim.champs_url, params=params)
        assert response.status_code == 400
        assert response.json()["title"] == "InvalidQueryParametersException"


def test_the_client_lists_leagues_beside_the_results_service():
    assert champs_url_for("http://h/service-api/result/web/api/v3/games") == (
        "http://h/service-api/result/web/api/v2/champs"
    )
    assert champs_url_for("http://h/x/games?a=1") == "http://h/x/champs"
    assert champs_params("http://h/f?lng=en&gr=7", 300, 600).startswith("dateFrom=300&dateTo=600")
    with start_simulator(start_epoch=EPOCH, history_days=1) as sim, FeedClient(sim.feed_url) as c:
        assert b'"gamesCount"' in c.fetch_champs(EPOCH - 86400, EPOCH)
        sim.set_faults("500", count=1, target="results")
        c.policy = RetryPolicy(retries=0)
        with pytest.raises(FeedUnavailable, match="liste des ligues"):
            c.fetch_champs(EPOCH - 86400, EPOCH)


def test_feed_sim_offers_history_days():
    assert "--history-days" in [p.opts[0] for p in feed_sim.params if p.opts]
    with pytest.raises(ValueError, match="history_days"):
        start_simulator(history_days=-1)

"""The feed client against the project's simulator's real fault routes (no HTTP mocking)."""

from __future__ import annotations

import pytest

from oracxpred.core.parse import parse_feed
from oracxpred.errors import FeedError, FeedFormatError, FeedUnavailable
from oracxpred.feed.client import FeedClient, RetryPolicy, results_params, results_url_for
from oracxpred.simulator.server import start_simulator
from tests.helpers import free_port


@pytest.fixture(scope="module")
def sim():
    with start_simulator(seed=7, manual_clock=True) as handle:
        handle.advance(3600)
        yield handle


@pytest.fixture
def waits():
    return []


@pytest.fixture
def client(sim, waits):
    sim.set_faults(mode="none")
    feed = FeedClient(
        sim.feed_url,
        timeout_s=1.0,
        max_body_bytes=5 * 1024 * 1024,
        policy=RetryPolicy(retries=2, backoff_s=0.01),
        sleep=waits.append,
        rand=lambda: 1.0,
    )
    yield feed
    feed.close()
    sim.set_faults(mode="none")


def test_healthy_feed_returns_parseable_bytes_and_server_clock(sim, client):
    response = client.fetch_feed()
    assert parse_feed(response.body).events
    assert client.last_attempts == 1
    assert response.server_time == sim.now()


@pytest.mark.parametrize("mode", ["500", "503", "refuse"])
def test_transient_failure_is_retried_then_succeeds(sim, client, waits, mode):
    sim.set_faults(mode=mode, count=2)
    assert parse_feed(client.fetch_feed().body).events
    assert client.last_attempts == 3
    assert waits == [0.01, 0.02]


def test_retries_are_bounded_and_give_a_french_error(sim, client):
    sim.set_faults(mode="503", count=10)
    with pytest.raises(FeedUnavailable, match=r"injoignable après 3 tentative\(s\) : HTTP 503"):
        client.fetch_feed()


def test_429_honours_retry_after(sim, client, waits):
    sim.set_faults(mode="429", count=1, retry_after=7)
    client.fetch_feed()
    assert waits == [7.0]


def test_timeout_is_a_transient_failure(sim, client):
    sim.set_faults(mode="timeout", count=3, delay=5)
    with pytest.raises(FeedUnavailable, match="délai d'attente dépassé"):
        client.fetch_feed()


def test_406_is_not_retried(sim, client):
    sim.set_faults(mode="406", count=5)
    with pytest.raises(FeedError, match="406") as info:
        client.fetch_feed()
    assert not isinstance(info.value, FeedUnavailable)
    assert client.last_attempts == 1


def test_html_page_is_a_failed_poll(sim, client):
    sim.set_faults(mode="html", count=1)
    with pytest.raises(FeedFormatError, match="page HTML reçue au lieu de JSON"):
        client.fetch_feed()


@pytest.mark.parametrize("mode", ["truncated", "success_false", "no_value", "invalid_utf8"])
def test_bad_bodies_fail_in_the_parser_never_as_no_matches(sim, client, mode):
    sim.set_faults(mode=mode, count=1)
    with pytest.raises(FeedFormatError):
        parse_feed(client.fetch_feed().body)


def test_body_size_is_capped(sim, client):
    sim.set_faults(mode="huge", count=1)
    with pytest.raises(FeedFormatError, match="trop volumineuse"):
        client.fetch_feed()


def test_connection_refused(waits):
    url = f"http://127.0.0.1:{free_port()}/service-api/LiveFeed/Get1x2_VZip"
    policy = RetryPolicy(retries=1, backoff_s=0.01)
    with (
        FeedClient(url, policy=policy, sleep=waits.append) as c,
        pytest.raises(FeedUnavailable, match="connexion refusée"),
    ):
        c.fetch_feed()


def test_results_service_on_the_feed_host(sim, client):
    assert client.results_url == results_url_for(sim.feed_url)
    now = sim.now()
    body = client.fetch_results(2986291, (now - 86400) // 300 * 300, now // 300 * 300)
    assert body.startswith(b"{")


def test_results_params_are_alphabetical_and_reuse_feed_params():
    url = "https://x/service-api/LiveFeed/Get1x2_VZip?sports=85&lng=fr&gr=285&partner=233"
    assert results_params(url, 5, 600, 900) == (
        "champId=5&dateFrom=600&dateTo=900&lng=fr&ref=233&sportIds=85"
    )

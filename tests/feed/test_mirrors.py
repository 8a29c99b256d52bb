"""Mirror failover against real hosts: simulators on their own ports, a closed port, a 403."""

from __future__ import annotations

import itertools
import logging
from urllib.parse import urlsplit

import pytest

from oracxpred.collector.cycle import Collector
from oracxpred.config import Settings, load_settings
from oracxpred.core.parse import parse_feed
from oracxpred.errors import FeedError, FeedForbidden, FeedThrottled, FeedUnavailable
from oracxpred.feed.client import RetryPolicy
from oracxpred.feed.mirrors import MirrorClient, host_of
from oracxpred.simulator.server import FEED_QUERY, start_simulator
from oracxpred.store.csv.store import CsvStore
from tests.helpers import StaticFeed, free_port

PATH = "/service-api/LiveFeed/Get1x2_VZip?" + FEED_QUERY


@pytest.fixture(scope="module")
def good():
    with start_simulator(seed=3, manual_clock=True) as handle:
        handle.advance(3600)
        yield handle


@pytest.fixture(scope="module")
def html():
    with start_simulator(seed=4, manual_clock=True) as handle:
        handle.set_faults(mode="html")  # every request: a block page
        yield handle


@pytest.fixture(scope="module")
def dead_url():
    return f"http://127.0.0.1:{free_port()}{PATH}"


@pytest.fixture
def logs(caplog, monkeypatch):
    monkeypatch.setattr(logging.getLogger("oracxpred"), "propagate", True)
    caplog.set_level(logging.DEBUG, logger="oracxpred")
    return caplog


def mirrors(urls, waits=None, retries=1):
    return MirrorClient(
        urls,
        timeout_s=2.0,
        max_body_bytes=5 * 1024 * 1024,
        policy=RetryPolicy(retries=retries, backoff_s=0.01),
        sleep=(waits if waits is not None else []).append,
        rand=lambda: 1.0,
    )


def feed_requests(sim) -> int:
    return int(sim.faults()["requests"].get("feed", 0))


def switches(logs) -> list[str]:
    return [r.getMessage() for r in logs.records if "bascule" in r.getMessage()]


@pytest.mark.parametrize("order", list(itertools.permutations(["dead", "html", "good"])))
def test_fails_over_to_the_good_host_in_every_order(order, good, html, dead_url, logs):
    urls = {"dead": dead_url, "html": html.feed_url, "good": good.feed_url}
    waits: list[float] = []
    with mirrors([urls[name] for name in order], waits) as client:
        response = client.fetch_feed()
        assert parse_feed(response.body).events
        assert client.current_host == host_of(good.feed_url)
        assert waits == []  # the good host answered in the first round: no back-off
        said = switches(logs)
        assert len(said) == (0 if order[0] == "good" else 1)
        if said:
            assert host_of(good.feed_url) in said[0]
        # The next cycle starts with the host that answered last: the others are not tried.
        html_before = feed_requests(html)
        logs.clear()
        client.fetch_feed()
        assert feed_requests(html) == html_before
        assert switches(logs) == []


def test_results_follow_the_host_in_use(good, dead_url):
    with mirrors([dead_url, good.feed_url]) as client:
        client.fetch_feed()
        assert urlsplit(client.results_url).netloc == host_of(good.feed_url)
        before = int(good.faults()["requests"].get("results", 0))
        now = good.now()
        client.fetch_results(2986291, (now - 3600) // 300 * 300, now // 300 * 300)
        assert int(good.faults()["requests"].get("results", 0)) == before + 1


def test_results_fail_over_to_another_mirror_without_moving_the_feed_host(good, dead_url):
    """The host in use's results service is down: that request goes to the next mirror's,
    and the feed keeps its host (the history commands and the re-audit use this)."""
    now = good.now()
    window = ((now - 3600) // 300 * 300, now // 300 * 300)
    with mirrors([dead_url, good.feed_url]) as client:
        before = int(good.faults()["requests"].get("results", 0))
        body = client.fetch_results(2986291, *window)
        assert b'"items"' in body
        assert int(good.faults()["requests"].get("results", 0)) == before + 1
        assert b'"items"' in client.fetch_champs(*window)
        assert client.current_host == host_of(dead_url)  # only those requests went elsewhere
        client.use_host(host_of(good.feed_url))
        assert client.current_host == host_of(good.feed_url)
        client.use_host("unknown:1")  # not a mirror: ignored
        assert client.current_host == host_of(good.feed_url)


def test_a_429_from_the_results_service_is_not_worked_around(good):
    with start_simulator(seed=6, manual_clock=True) as limited:
        limited.set_faults(mode="429", retry_after=0, target="results")
        now = good.now()
        before = int(good.faults()["requests"].get("results", 0))
        with (
            mirrors([limited.feed_url, good.feed_url]) as client,
            pytest.raises(FeedThrottled, match="HTTP 429"),
        ):
            client.fetch_results(2986291, (now - 3600) // 300 * 300, now // 300 * 300)
        assert int(good.faults()["requests"].get("results", 0)) == before


def test_explicit_results_url_is_kept(good, dead_url):
    fixed = "http://127.0.0.1:9/service-api/result/web/api/v3/games"
    with MirrorClient(
        [dead_url, good.feed_url], results_url=fixed, timeout_s=1, max_body_bytes=10**6
    ) as client:
        assert client.results_url == fixed


def test_a_429_host_is_not_skipped(good):
    with start_simulator(seed=5, manual_clock=True) as limited:
        limited.set_faults(mode="429", retry_after=0)
        waits: list[float] = []
        before = feed_requests(good)
        with mirrors([limited.feed_url, good.feed_url], waits) as client:
            with pytest.raises(FeedThrottled, match="HTTP 429"):
                client.fetch_feed()
            assert client.current_host == host_of(limited.feed_url)
        assert feed_requests(good) == before  # never worked around by another host
        assert feed_requests(limited) == 2  # the 429 itself is retried, as for one host


def test_a_403_host_is_not_skipped(good):
    with StaticFeed(b"<html>Forbidden</html>", status=403, ctype="text/html") as forbidden:
        before = feed_requests(good)
        with (
            mirrors([forbidden.feed_url, good.feed_url]) as client,
            pytest.raises(FeedForbidden, match="HTTP 403"),
        ):
            client.fetch_feed()
        assert feed_requests(good) == before
        assert len(forbidden.requests) == 1


def test_a_406_is_the_same_everywhere_and_not_switched(good):
    with start_simulator(seed=6, manual_clock=True) as refusing:
        refusing.set_faults(mode="406")
        before = feed_requests(good)
        with (
            mirrors([refusing.feed_url, good.feed_url]) as client,
            pytest.raises(FeedError, match="406"),
        ):
            client.fetch_feed()
        assert feed_requests(good) == before


def test_every_host_failing_names_each_one_after_bounded_rounds(html, dead_url):
    waits: list[float] = []
    with mirrors([dead_url, html.feed_url], waits, retries=2) as client:
        with pytest.raises(FeedUnavailable, match="aucun miroir du flux ne répond") as info:
            client.fetch_feed()
        assert client.last_attempts == 6  # 3 rounds over 2 hosts
    assert waits == [0.01, 0.02]  # back-off between rounds only
    assert host_of(dead_url) in str(info.value)
    assert host_of(html.feed_url) in str(info.value)
    assert "page HTML" in str(info.value)


def test_one_host_behaves_as_the_plain_client(dead_url):
    waits: list[float] = []
    with mirrors([dead_url], waits, retries=2) as client:
        with pytest.raises(FeedUnavailable, match=r"injoignable après 3 tentative\(s\)"):
            client.fetch_feed()
        assert client.last_attempts == 3
    assert waits == [0.01, 0.02]


def test_a_cycle_records_the_host_in_its_heartbeat(tmp_path, good, dead_url):
    settings = Settings(
        feed_urls=(dead_url, good.feed_url), feed_url=dead_url, csv_path=tmp_path / "m.csv"
    )
    with CsvStore(settings.csv_path) as store:
        collector = Collector(settings, store)
        try:
            report = collector.run_cycle()
        finally:
            collector.close()
        assert report.feed_host == host_of(good.feed_url)
        assert report.events > 0
        assert store.recent_heartbeats(1)[0].feed_host == host_of(good.feed_url)
    line = (tmp_path / "m.heartbeat.jsonl").read_text().splitlines()[-1]
    assert f'"feed_host": "{host_of(good.feed_url)}"' in line


def test_settings_mirrors_from_environment_and_flags():
    env = {"ORACXPRED_FEED_URLS": "http://a/f?x=1, http://b/f?x=1,"}
    settings = load_settings({}, env)
    assert settings.mirrors == ("http://a/f?x=1", "http://b/f?x=1")
    assert settings.feed_url == "http://a/f?x=1"
    # Flags win over the environment, a single one included.
    flagged = load_settings({"feed_urls": ("http://c/f",), "feed_url": "http://c/f"}, env)
    assert flagged.mirrors == ("http://c/f",)
    # The single variable keeps working unchanged.
    single = load_settings({}, {"ORACXPRED_FEED_URL": "http://d/f"})
    assert single.mirrors == ("http://d/f",)
    assert single.feed_urls == ()


def test_a_bad_mirror_url_is_a_configuration_error():
    from oracxpred.errors import ConfigError

    with pytest.raises(ConfigError, match="Adresse du flux invalide"):
        load_settings({}, {"ORACXPRED_FEED_URLS": "http://a/f,ftp://b/f"})


def test_repeated_feed_url_flag_in_a_real_one_shot_run(tmp_path, good, dead_url):
    from tests.helpers import run_collector

    done = run_collector(
        "--feed-url", dead_url, "--feed-url", good.feed_url, "--csv-path", str(tmp_path / "m.csv")
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"bascule de {host_of(dead_url)} vers le miroir {host_of(good.feed_url)}" in done.stdout
    assert "Collecte terminée avec succès" in done.stdout

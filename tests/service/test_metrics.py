"""Prometheus metrics on their own registry, served over real HTTP; back-off arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from oracxpred.collector.lease import Holder
from oracxpred.metrics import CollectorMetrics


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The samples of a real scrape: {(name, sorted labels): value}."""
    response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    assert response.status_code == 200
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def sample(samples, name, **labels):
    return samples[(name, tuple(sorted(labels.items())))]


def test_two_metric_sets_coexist_and_serve_their_own_counters():
    first, second = CollectorMetrics(), CollectorMetrics()
    try:
        at = datetime(2025, 12, 6, 10, 30, tzinfo=UTC)
        first.success(saved=3, at=at)
        first.success(saved=2, at=at)
        first.failure("feed", consecutive=1)
        first.tick("standby")
        first.lease(True, Holder("hote-a", 4242, at))
        second.failure("store", consecutive=2)
        port = first.serve(0)
        other = second.serve(0)
        text, text2 = scrape(port), scrape(other)
    finally:
        first.close()
        second.close()
    assert sample(text, "oracxpred_cycles_total", result="success") == 2
    assert sample(text, "oracxpred_cycles_total", result="failure") == 1
    assert sample(text, "oracxpred_cycles_total", result="standby") == 1
    assert sample(text, "oracxpred_cycles_total", result="skipped") == 0
    assert sample(text, "oracxpred_matches_saved_total") == 5
    assert sample(text, "oracxpred_failures_total", cause="feed") == 1
    assert sample(text, "oracxpred_consecutive_failures") == 1
    assert sample(text, "oracxpred_last_success_timestamp_seconds") == at.timestamp()
    assert sample(text, "oracxpred_lease_held") == 1
    holder = {"host": "hote-a", "pid": "4242", "since": at.isoformat()}
    assert sample(text, "oracxpred_lease_holder_info", **holder) == 1
    assert sample(text2, "oracxpred_failures_total", cause="store") == 1
    assert sample(text2, "oracxpred_matches_saved_total") == 0
    assert sample(text2, "oracxpred_lease_held") == 0


def test_endpoint_listens_on_loopback_only():
    metrics = CollectorMetrics()
    try:
        metrics.serve(0)
        assert metrics._server is not None
        assert metrics._server.server_address[0] == "127.0.0.1"
    finally:
        metrics.close()


@pytest.mark.parametrize(
    ("failures", "interval_s", "skips"),
    [
        (1, 60, 0),
        (2, 60, 1),
        (3, 60, 3),
        (4, 60, 4),  # capped: never more than 5 minutes between attempts
        (50, 60, 4),
        (4, 0.6, 7),  # fast intervals: at most 7 ticks skipped in a row
        (3, 300, 0),  # a 5-minute interval already waits long enough
        (1000, 15, 7),
    ],
)
def test_backoff_skips_grow_then_cap(failures, interval_s, skips):
    from oracxpred.collector.schedule import backoff_skips

    assert backoff_skips(failures, interval_s) == skips

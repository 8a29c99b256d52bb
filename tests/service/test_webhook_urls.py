"""Several webhook addresses: one that fails (down or 5xx) never holds the others back, and
catches up in order once it answers; ``--webhook-url`` repeated or ``ORACXPRED_WEBHOOK_URLS``
(comma-separated); the push metrics read from the exported Prometheus text (a real scrape of
the daemon's ``--metrics-port``, ``generate_latest`` in-process)."""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from oracxpred.metrics import CollectorMetrics
from oracxpred.push.webhooks import Pusher
from oracxpred.simulator.server import start_simulator
from oracxpred.store.csv.store import CsvStore
from tests.helpers import free_port, run_collector, wait_until
from tests.service.support import SAVED, advance_until_new_finish, collector, csv_rows
from tests.service.test_metrics import scrape
from tests.service.webhook_receiver import Receiver
from tests.store.conftest import match

SECRET = "clé-multiple"
ENV = {"ORACXPRED_WEBHOOK_SECRET": SECRET}
LOGGER = "oracxpred.push.webhooks"
FAILURES = "oracxpred_webhook_failures_total"
PENDING = "oracxpred_webhook_pending"


def exported(metrics: CollectorMetrics) -> dict[str, float]:
    """The unlabelled samples of the registry's exposition text (what a scrape returns)."""
    text = generate_latest(metrics.registry).decode()
    return {
        s.name: s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if not s.labels
    }


def push_metrics(port: int) -> tuple[float, float] | None:
    """(failures_total, pending) from a real scrape; None while the endpoint is not up."""
    try:
        samples = scrape(port)
    except OSError:
        return None
    return samples[(FAILURES, ())], samples[(PENDING, ())]


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    hooks = Receiver(SECRET), Receiver(SECRET)
    yield hooks
    for hook in hooks:
        hook.stop()


def test_a_down_address_never_holds_the_other_back_and_catches_up_in_order(
    tmp_path: Path,
    receivers: tuple[Receiver, Receiver],
    caplog: pytest.LogCaptureFixture,
) -> None:
    down, up = receivers
    up.mode, up.status = "failing", 503  # both fail at first; ``down``: nothing listens
    up.start()
    metrics = CollectorMetrics()
    with CsvStore(tmp_path / "m.csv") as store:
        pusher = Pusher(
            store,
            [down.url, up.url],  # the failing one first: it must not block the next
            SECRET,
            metrics=metrics,
            timeout_s=0.5,
            backoff_base_s=0.01,
            backoff_cap_s=0.05,
        )
        pusher.prepare()
        assert exported(metrics)[FAILURES] == 0
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            store.save_matches([match(i) for i in range(1, 5)])
            assert pusher.deliver() == 0
            values = exported(metrics)
            assert values[FAILURES] == 2  # one POST refused per address
            assert values[PENDING] == 8  # 4 owed to each address, summed
            up.mode = "up"
            wait_until(pusher.due, timeout=10, what="retry due")
            assert pusher.deliver() == 4
            assert up.accepted == [item.seq for item in store.matches_after(0, 100).items]
            values = exported(metrics)
            assert values[FAILURES] == 3
            assert values[PENDING] == 4  # all owed to ``down``, none to ``up``
            # The collection goes on: ``up`` keeps receiving, ``down`` keeps failing.
            for n in range(5, 8):
                store.save_matches([match(n)])
                wait_until(pusher.due, timeout=10, what="retry due")
                assert pusher.deliver() == 1
            values = exported(metrics)
            assert values[FAILURES] == 6
            assert values[PENDING] == 7
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 2  # one per address's outage, not one per attempt
        assert f"127.0.0.1:{down.port}" in warnings[0]
        assert f"127.0.0.1:{up.port}" in warnings[1]
        wanted = [item.seq for item in store.matches_after(0, 100).items]
        assert up.accepted == wanted
        assert down.got == []
        down.start()
        wait_until(pusher.due, timeout=10, what="retry due")
        assert pusher.deliver() == 7  # the backlog, oldest first
        pusher.close()
    assert down.accepted == wanted
    assert [r["body"]["seq"] for r in down.got] == wanted  # in order, once each
    # ``up``: the refused first POST, then each match once (nothing twice, nothing held).
    assert [r["body"]["seq"] for r in up.got] == [wanted[0], *wanted]
    assert all(hook.valid(r) for hook in receivers for r in hook.got)
    values = exported(metrics)
    assert values[FAILURES] == 6  # a counter: the outages stay counted
    assert values[PENDING] == 0


@pytest.fixture
def sim():
    with start_simulator() as handle:
        advance_until_new_finish(handle, set())
        yield handle


def _seqs(path: Path) -> list[int]:
    return [int(r["seq"]) for r in csv_rows(path)] if path.exists() else []


def test_daemon_repeated_webhook_url_one_failing_metrics_scraped(
    sim, receivers: tuple[Receiver, Receiver], tmp_path: Path
) -> None:
    """``--webhook-url`` twice on the real daemon: one receiver answers 503, the other gets
    every match meanwhile; the scrape shows the failures and what the failing one is owed;
    once it answers 200 it receives the backlog in order and the scrape shows 0 pending."""
    good, failing = receivers
    good.start()
    failing.mode, failing.status = "failing", 503
    failing.start()
    csv_path = tmp_path / "m.csv"
    port = free_port()
    proc = collector(
        "--daemon",
        "--interval",
        "0.01",
        "--feed-url",
        sim.feed_url,
        "--csv-path",
        str(csv_path),
        "--no-archive",
        "--metrics-port",
        str(port),
        "--webhook-url",
        good.url,
        "--webhook-url",
        failing.url,
        env=ENV,
    )
    try:
        wait_until(lambda: proc.count(SAVED) >= 1, timeout=60, what="a first match saved")
        known = {int(r["event_id"]) for r in csv_rows(csv_path)}
        advance_until_new_finish(sim, known)  # more matches while ``failing`` fails
        wait_until(lambda: len(_seqs(csv_path)) > len(known), timeout=60, what="more matches")
        stored = _seqs(csv_path)
        wait_until(lambda: good.accepted == stored, timeout=60, what="``good`` has them all")
        assert failing.got, "the failing receiver was tried"
        assert failing.accepted == []
        # The feed's clock is manual: nothing new is stored now, so the counts settle.
        wait_until(
            lambda: (m := push_metrics(port)) is not None and m[1] == len(stored) and m[0] >= 1,
            timeout=60,
            what=f"{PENDING} = {len(stored)} and {FAILURES} ≥ 1 in the scrape",
        )
        failures_before = push_metrics(port)
        assert failures_before is not None
        failing.mode = "up"
        wait_until(
            lambda: failing.accepted == stored, timeout=60, what="the backlog delivered in order"
        )
        wait_until(
            lambda: (m := push_metrics(port)) is not None and m[1] == 0,
            timeout=60,
            what=f"{PENDING} = 0 in the scrape",
        )
        after = push_metrics(port)
        assert after is not None
        refused = len(failing.got) - len(stored)  # every POST answered 503
        assert refused >= 1
        assert after[0] == refused  # ``good`` never failed
        assert after[0] >= failures_before[0]  # a counter: the outage stays counted
        proc.popen.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
    finally:
        proc.stop()
    assert good.accepted == stored
    assert [r["body"]["seq"] for r in good.got] == stored  # never held, never twice
    tried = [r["body"]["seq"] for r in failing.got]
    assert tried == sorted(tried)  # retries of the owed match only, never one ahead
    assert failing.first_seen() == stored
    assert all(hook.valid(r) for hook in receivers for r in hook.got)
    assert proc.count("de nouveau joignable") == 1


def test_the_environment_list_and_flags_that_replace_it(
    sim, receivers: tuple[Receiver, Receiver], tmp_path: Path
) -> None:
    """``ORACXPRED_WEBHOOK_URLS=a, b`` (comma-separated) sends to both; ``--webhook-url c``
    replaces the list (a new address starts after what is already stored)."""
    first, second = receivers
    third = Receiver(SECRET)
    for hook in (first, second, third):
        hook.start()
    csv_path = tmp_path / "m.csv"
    args = ["--feed-url", sim.feed_url, "--csv-path", str(csv_path), "--no-archive"]
    env = {**ENV, "ORACXPRED_WEBHOOK_URLS": f" {first.url} ,{second.url},, "}
    try:
        done = run_collector(*args, env=env)
        assert done.returncode == 0, done.stderr
        stored = _seqs(csv_path)
        assert stored
        assert first.accepted == stored
        assert second.accepted == stored
        advance_until_new_finish(sim, {int(r["event_id"]) for r in csv_rows(csv_path)})
        done = run_collector(*args, "--webhook-url", third.url, env=env)
        assert done.returncode == 0, done.stderr
        more = _seqs(csv_path)
        assert len(more) > len(stored)
    finally:
        third.stop()
    assert third.accepted == more[len(stored) :]
    assert first.accepted == second.accepted == stored  # the flag replaced the variable
    assert all(hook.valid(r) for hook in (first, second, third) for r in hook.got)

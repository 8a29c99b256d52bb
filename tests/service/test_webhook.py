"""Webhooks against a real local receiver that is down, then slow, then up: every match
delivered in order with a valid signature, at least once; the position survives a restart;
the collection never waits for the receiver."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from oracxpred.metrics import CollectorMetrics
from oracxpred.push.webhooks import Pusher, PushThread, checkpoint_name
from oracxpred.store.csv.store import CsvStore
from tests.helpers import wait_until
from tests.service.webhook_receiver import Receiver
from tests.store.conftest import match

SECRET = "s3cret-partagé"
LOGGER = "oracxpred.push.webhooks"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver(SECRET)
    yield hook
    hook.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CsvStore]:
    with CsvStore(tmp_path / "matches.csv") as opened:
        yield opened


def _pusher(store: CsvStore, receiver: Receiver, **options: object) -> Pusher:
    values: dict[str, object] = {
        "timeout_s": 0.5,
        "backoff_base_s": 0.01,
        "backoff_cap_s": 0.05,
        **options,
    }
    return Pusher(store, [receiver.url], SECRET, **values)  # type: ignore[arg-type]


def _exported(metrics: CollectorMetrics) -> dict[str, float]:
    """The unlabelled samples of the registry's Prometheus text, as a scrape reads them."""
    text = generate_latest(metrics.registry).decode()
    families = text_string_to_metric_families(text)
    return {s.name: s.value for family in families for s in family.samples if not s.labels}


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_down_then_slow_then_up_delivers_everything_in_order(
    store: CsvStore, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    metrics = CollectorMetrics()
    pusher = _pusher(store, receiver, metrics=metrics)
    store.save_matches([match(1), match(2)])  # before the webhook existed: not sent
    pusher.prepare()
    store.save_matches([match(i) for i in range(10, 16)])
    wanted = [item.seq for item in store.matches_after(2, 100).items]
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        # down: nothing listens on the port
        for _ in range(3):
            wait_until(pusher.due, timeout=10, what="retry due")
            assert pusher.deliver() == 0
        assert len(_warnings(caplog)) == 1  # one WARNING per outage, not per attempt
        assert "en échec" in _warnings(caplog)[0]
        assert "token" not in caplog.text  # the query string (a token) never logged
        assert pusher.pending == len(wanted)
        during = _exported(metrics)
        assert during["oracxpred_webhook_failures_total"] == 3
        assert during["oracxpred_webhook_pending"] == len(wanted)
        # slow: the receiver holds the request past the timeout
        receiver.mode = "slow"
        receiver.start()
        wait_until(pusher.due, timeout=10, what="retry due")
        assert pusher.deliver() == 0
        assert receiver.got  # it did arrive, but was never acknowledged
        # failing: 503, then a 404 (never dropped), then up
        receiver.release.set()
        receiver.mode, receiver.status = "failing", 503
        wait_until(pusher.due, timeout=10, what="retry due")
        assert pusher.deliver() == 0
        receiver.status = 404
        wait_until(pusher.due, timeout=10, what="retry due")
        assert pusher.deliver() == 0
        assert len(_warnings(caplog)) == 1
        receiver.mode = "up"
        wait_until(pusher.due, timeout=10, what="retry due")
        assert pusher.deliver() == len(wanted)
    assert receiver.accepted == wanted  # in order, each acknowledged once
    assert receiver.first_seen() == wanted
    assert all(receiver.valid(r) for r in receiver.got)
    sent = {r["body"]["seq"]: r["body"] for r in receiver.got}
    assert [sent[s]["event_id"] for s in wanted] == list(range(10, 16))
    assert set(sent[wanted[0]]) >= {"event_id", "league", "odds", "seq", "ingested_at_utc"}
    assert pusher.pending == 0
    exported = _exported(metrics)
    assert exported["oracxpred_webhook_failures_total"] == 6  # 3 down, slow, 503, 404
    assert exported["oracxpred_webhook_pending"] == 0
    assert "de nouveau joignable" in caplog.text
    pusher.close()


def test_the_position_survives_a_restart(store: CsvStore, receiver: Receiver) -> None:
    receiver.start()
    first = _pusher(store, receiver)
    first.prepare()
    store.save_matches([match(1), match(2)])
    assert first.deliver() == 2
    first.close()
    saved = store.load_checkpoint(checkpoint_name(receiver.url))
    assert saved is not None
    assert saved["last_seq"] == store.last_seq()
    assert "token" not in saved["url"]
    store.save_matches([match(3)])
    again = CsvStore(store.path)
    second = _pusher(again, receiver)  # a new process: the checkpoint, not "from now"
    second.prepare()
    assert second.deliver() == 1
    second.close()
    assert [r["body"]["event_id"] for r in receiver.got] == [1, 2, 3]


def test_the_push_thread_never_holds_the_collection_back(
    store: CsvStore, receiver: Receiver
) -> None:
    """Receiver slow (holds every request): matches keep being stored meanwhile; once it
    answers, the thread delivers them all, in order."""
    receiver.mode = "slow"
    receiver.start()
    pusher = _pusher(store, receiver, timeout_s=5.0)
    pusher.prepare()
    thread = PushThread(pusher)
    thread.start()
    try:
        store.save_matches([match(1)])
        thread.wake()
        wait_until(lambda: receiver.got, timeout=10, what="first POST held by the receiver")
        for n in range(2, 40):  # the collection goes on while that POST hangs
            store.save_matches([match(n)])
        assert store.count_matches() == 39
        assert len(receiver.got) == 1
        receiver.mode = "up"
        receiver.release.set()
        wait_until(lambda: len(set(receiver.accepted)) == 39, timeout=30, what="all delivered")
    finally:
        thread.stop(10)
    assert receiver.accepted == sorted(receiver.accepted)
    assert receiver.first_seen() == sorted(receiver.first_seen())

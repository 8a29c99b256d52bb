"""Alerts delivered by apprise to a real local HTTP receiver (``json://`` URL): one message per
incident, one on recovery, none during the cooldown; a slow receiver never delays a cycle."""

from __future__ import annotations

import http.server
import json
import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from oracxpred.collector.cycle import CycleReport
from oracxpred.collector.lease import lease_for
from oracxpred.collector.schedule import CycleRunner, GuardedStore
from oracxpred.config import Settings, load_settings
from oracxpred.metrics import CollectorMetrics
from oracxpred.ops import alerts
from oracxpred.ops.alerts import Alerter, apprise_sender
from oracxpred.ops.watch import IncidentWatch
from oracxpred.simulator.server import start_simulator
from oracxpred.store.csv.store import CsvStore
from tests.helpers import free_port, wait_until


class Receiver:
    """A webhook endpoint in a thread; ``hold()`` makes it answer only when released."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.arrived = 0  # requests received, answered or not
        self.release = threading.Event()
        self.release.set()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.arrived += 1
                outer.release.wait(30)
                outer.messages.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"json://127.0.0.1:{self._server.server_address[1]}/hook"

    def titles(self) -> list[str]:
        return [m["title"] for m in self.messages]

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def drained(alerter: Alerter, receiver: Receiver) -> list[str]:
    """Everything queued before this call has been delivered: a marker goes last (one
    delivery thread, FIFO), so waiting for it proves nothing else is on its way."""
    alerter.summary("marqueur")
    wait_until(lambda: receiver.messages and receiver.messages[-1]["message"] == "marqueur")
    titles = receiver.titles()[:-1]
    receiver.messages.clear()
    return titles


def test_one_message_per_incident_one_recovery_none_during_cooldown(receiver):
    clock = Clock()
    alerter = Alerter(apprise_sender([receiver.url]), cooldown_s=600, clock=clock)
    try:
        assert alerter.raise_incident("feed", "Le flux échoue depuis 5 min")
        assert not alerter.raise_incident("feed", "Le flux échoue depuis 6 min")
        assert drained(alerter, receiver) == ["OracXPred : flux en échec"]
        clock.t += 60
        assert alerter.resolve("feed")
        assert not alerter.resolve("feed")
        assert drained(alerter, receiver) == ["OracXPred rétabli : flux en échec"]
        # Flapping inside the cooldown: neither the new opening nor its recovery is sent.
        clock.t += 60
        assert not alerter.raise_incident("feed", "encore")
        assert not alerter.resolve("feed")
        assert drained(alerter, receiver) == []
        # After the cooldown a new incident is announced again.
        clock.t += 600
        assert alerter.raise_incident("feed", "de nouveau")
        assert len(drained(alerter, receiver)) == 1
    finally:
        alerter.close()


def test_an_incident_reopened_in_the_cooldown_is_announced_once_the_cooldown_is_over(receiver):
    """Flapping stays quiet, but an outage that is still open after the cooldown is sent: a long
    outage is never hidden because it began just after a recovery."""
    clock = Clock()
    alerter = Alerter(apprise_sender([receiver.url]), cooldown_s=600, clock=clock)
    try:
        assert alerter.raise_incident("feed", "panne 1")
        clock.t += 60
        assert alerter.resolve("feed")
        assert len(drained(alerter, receiver)) == 2
        clock.t += 60
        assert not alerter.raise_incident("feed", "panne 2, 1 min")  # inside the cooldown
        clock.t += 300
        assert not alerter.raise_incident("feed", "panne 2, 6 min")
        assert drained(alerter, receiver) == []
        clock.t += 300  # the cooldown since the recovery is over, the outage still open
        assert alerter.raise_incident("feed", "panne 2, 11 min")
        assert not alerter.raise_incident("feed", "panne 2, 12 min")  # once only
        clock.t += 36000
        assert not alerter.raise_incident("feed", "panne 2, 10 h")
        wait_until(lambda: receiver.messages)
        assert receiver.messages[0]["message"] == "panne 2, 11 min"
        assert drained(alerter, receiver) == ["OracXPred : flux en échec"]
        assert alerter.resolve("feed")  # its recovery goes, since its opening did
        assert drained(alerter, receiver) == ["OracXPred rétabli : flux en échec"]
    finally:
        alerter.close()


def test_module_api_for_other_parts(receiver):
    assert not alerts.raise_incident("completeness", "rien d'installé")
    alerter = Alerter(apprise_sender([receiver.url]), cooldown_s=600)
    alerts.install(alerter)
    try:
        assert alerts.raise_incident("completeness", "Complétude 97 %")
        assert alerts.resolve("completeness")
        wait_until(lambda: len(receiver.messages) == 2)
        assert receiver.messages[0]["message"] == "Complétude 97 %"
        assert receiver.messages[0]["type"] == "failure"
        assert receiver.messages[1]["type"] == "success"
        assert "Rétabli après" in receiver.messages[1]["message"]
    finally:
        alerts.install(None)
        alerter.close()


def test_failed_delivery_is_logged_and_never_raises(caplog, monkeypatch):
    monkeypatch.setattr(logging.getLogger("oracxpred"), "propagate", True)
    caplog.set_level(logging.WARNING, logger="oracxpred")
    results: list[bool] = []
    url = f"json://127.0.0.1:{free_port()}/hook"
    alerter = Alerter(apprise_sender([url]), cooldown_s=0, on_sent=lambda m, ok: results.append(ok))
    try:
        assert alerter.raise_incident("disk", "Espace libre faible")
        wait_until(lambda: results == [False])
        assert any("échoué" in r.getMessage() for r in caplog.records)
    finally:
        alerter.close()


def test_full_queue_drops_and_logs(receiver, caplog, monkeypatch):
    monkeypatch.setattr(logging.getLogger("oracxpred"), "propagate", True)
    caplog.set_level(logging.WARNING, logger="oracxpred")
    receiver.release.clear()
    alerter = Alerter(apprise_sender([receiver.url]), cooldown_s=0, queue_size=1)
    try:
        assert alerter.notice("a", "1")
        wait_until(lambda: receiver.arrived == 1)  # the thread is stuck on the first one
        assert alerter.notice("b", "2")  # waits in the queue
        assert not alerter.notice("c", "3")  # no room: dropped, logged
        assert any("file d'envoi pleine" in r.getMessage() for r in caplog.records)
    finally:
        receiver.release.set()
        alerter.close()


@pytest.fixture
def sim():
    with start_simulator(seed=21, manual_clock=True) as handle:
        handle.advance(3600)
        yield handle


def runner_for(tmp_path, sim, receiver, now, **settings_kw):
    settings = Settings(
        feed_url=sim.feed_url,
        csv_path=tmp_path / "m.csv",
        retries=0,
        alert_urls=(receiver.url,),
        **settings_kw,
    )
    metrics = CollectorMetrics()
    alerter = Alerter(apprise_sender(settings.alert_urls), cooldown_s=1800)
    watch = IncidentWatch(settings, metrics, alerter, now=now)
    store = GuardedStore(CsvStore(settings.csv_path))
    return CycleRunner(settings, store, lease_for(settings), metrics, watch=watch), alerter


def test_feed_outage_alerts_once_and_recovers_once(tmp_path, sim, receiver):
    moment = [datetime(2026, 1, 1, 10, 0, tzinfo=UTC)]
    runner, alerter = runner_for(tmp_path, sim, receiver, lambda: moment[0])
    try:
        sim.set_faults(mode="503")
        runner.tick()  # failing since now: not yet an incident
        moment[0] += timedelta(minutes=6)
        runner.tick()  # failing for 6 min ≥ 5: the incident opens
        assert drained(alerter, receiver) == ["OracXPred : flux en échec"]
        sim.set_faults(mode="none")
        for _ in range(4):  # back-off skips a tick or two, then a cycle succeeds
            moment[0] += timedelta(minutes=1)
            runner.tick()
            if runner.failures == 0:
                break
        assert runner.failures == 0
        titles = drained(alerter, receiver)
        assert titles == ["OracXPred rétabli : flux en échec"]
        assert runner.metrics.feed_host.labels(host=sim.url.split("//")[1])._value.get() == 1
    finally:
        runner.close()


def test_a_slow_receiver_does_not_delay_the_cycle(tmp_path, sim, receiver):
    receiver.release.clear()  # the receiver accepts, then hangs until released
    moment = [datetime(2026, 1, 1, 10, 0, tzinfo=UTC)]
    runner, _ = runner_for(tmp_path, sim, receiver, lambda: moment[0], alert_disk_mb=1e12)
    try:
        runner.tick()  # disk "low" (threshold above any disk): an incident at once
        wait_until(lambda: receiver.arrived == 1)
        started = time.monotonic()
        runner.tick()
        runner.tick()
        assert time.monotonic() - started < 10
        assert receiver.messages == []  # still held: the ticks never waited for it
        assert runner.failures == 0
    finally:
        receiver.release.set()
        runner.close()
    assert [m["title"] for m in receiver.messages] == ["OracXPred : espace disque faible"]


def test_a_full_archive_disk_is_an_alert_even_when_the_csv_disk_is_not(tmp_path, sim, receiver):
    """The archive may live on another disk (``--archive-dir``): its free space is watched too,
    and the alert names that folder."""
    from tests.faults.support import small_tmpfs

    moment = [datetime(2026, 1, 1, 10, 0, tzinfo=UTC)]
    with small_tmpfs(tmp_path / "small", "1m") as small:
        runner, alerter = runner_for(
            tmp_path, sim, receiver, lambda: moment[0], alert_disk_mb=2, archive_dir=small / "a"
        )
        try:
            runner.tick()
            wait_until(lambda: receiver.messages)
            assert str(small / "a") in receiver.messages[0]["message"]
            assert drained(alerter, receiver) == ["OracXPred : espace disque faible"]
        finally:
            runner.close()


def test_a_mirror_switch_in_the_first_cycle_is_counted(tmp_path, sim, receiver):
    dead = f"http://127.0.0.1:{free_port()}/service-api/LiveFeed/Get1x2_VZip?sports=85"
    moment = [datetime(2026, 1, 1, 10, 0, tzinfo=UTC)]
    runner, _ = runner_for(
        tmp_path, sim, receiver, lambda: moment[0], feed_urls=(dead, sim.feed_url)
    )
    try:
        runner.tick()
        assert runner.failures == 0
        host = sim.url.split("//")[1]
        assert runner.metrics.feed_host_switches.labels(host=host)._value.get() == 1
        moment[0] += timedelta(minutes=1)
        runner.tick()  # the next cycle starts on the good host: no new switch
        assert runner.metrics.feed_host_switches.labels(host=host)._value.get() == 1
    finally:
        runner.close()


def test_daily_summary_once_a_day(receiver):
    moment = [datetime(2026, 1, 1, 11, 0, tzinfo=UTC)]
    settings = Settings(alert_urls=(receiver.url,), alert_summary="12:00")
    alerter = Alerter(apprise_sender(settings.alert_urls), cooldown_s=1800)
    watch = IncidentWatch(settings, None, alerter, now=lambda: moment[0])
    collector: Any = SimpleNamespace(client=None)  # the summary needs no feed client
    match = SimpleNamespace(league="FIFA")
    report = CycleReport(started_at=moment[0], saved=[match, match], events=3)  # type: ignore[list-item]
    alerts.add_to_summary(lambda: "Complétude : 100 %")
    alerts.add_to_summary(lambda: 1 / 0)  # type: ignore[arg-type,return-value]  # left out
    try:
        watch.cycle_ok(collector, report)  # 11:00: not yet
        moment[0] = moment[0].replace(hour=12, minute=1)
        watch.cycle_ok(collector, report)  # 12:01: the summary, counting both cycles
        watch.cycle_ok(collector, report)  # same day: no second one
        wait_until(lambda: receiver.messages)
        assert "Cycles : 2 réussi(s)" in receiver.messages[0]["message"]
        assert "FIFA 4" in receiver.messages[0]["message"]
        assert receiver.messages[0]["message"].endswith("Complétude : 100 %")
        assert drained(alerter, receiver) == ["OracXPred : résumé du 2026-01-01"]
    finally:
        alerts._summary_parts.clear()
        alerter.close()


def test_alert_settings_from_the_environment():
    env = {
        "ORACXPRED_ALERT_URLS": "json://127.0.0.1:1/a, ntfy://topic",
        "ORACXPRED_ALERT_AFTER": "2",
        "ORACXPRED_ALERT_COOLDOWN": "15",
        "ORACXPRED_ALERT_SUMMARY": "7:05",
    }
    settings = load_settings({}, env)
    assert settings.alert_urls == ("json://127.0.0.1:1/a", "ntfy://topic")
    assert (settings.alert_after_min, settings.alert_cooldown_min) == (2.0, 15.0)
    assert settings.alert_summary == "07:05"
    from oracxpred.errors import ConfigError

    with pytest.raises(ConfigError, match="HH:MM"):
        load_settings({}, {"ORACXPRED_ALERT_SUMMARY": "25:00"})


def static_runner(tmp_path, feed, receiver, now):
    settings = Settings(
        feed_url=feed.feed_url, csv_path=tmp_path / "m.csv", retries=0, alert_urls=(receiver.url,)
    )
    metrics = CollectorMetrics()
    alerter = Alerter(apprise_sender(settings.alert_urls), cooldown_s=1800)
    watch = IncidentWatch(settings, metrics, alerter, now=now)
    store = GuardedStore(CsvStore(settings.csv_path))
    return CycleRunner(settings, store, lease_for(settings), metrics, watch=watch), alerter


def test_a_403_is_alerted_at_once_and_counted(tmp_path, receiver):
    from tests.helpers import StaticFeed

    moment = [datetime(2026, 1, 1, 10, 0, tzinfo=UTC)]
    with StaticFeed(b"<html>Interdit</html>", status=403, ctype="text/html") as feed:
        runner, alerter = static_runner(tmp_path, feed, receiver, lambda: moment[0])
        try:
            runner.tick()
            titles = drained(alerter, receiver)
            assert titles == ["OracXPred : le site refuse les requêtes du collecteur"]
            refusals = runner.metrics.feed_refusals.labels(status="403")._value.get()
            assert refusals == 1
        finally:
            runner.close()


def test_an_empty_feed_for_n_minutes_is_an_incident(tmp_path, receiver):
    from tests.helpers import StaticFeed

    moment = [datetime(2026, 1, 1, 10, 0, tzinfo=UTC)]
    empty = b'{"Error":"","ErrorCode":0,"Success":true,"Value":[]}'
    with StaticFeed(empty) as feed:
        runner, alerter = static_runner(tmp_path, feed, receiver, lambda: moment[0])
        try:
            runner.tick()
            assert drained(alerter, receiver) == []
            moment[0] += timedelta(minutes=6)
            runner.tick()
            runner.tick()
            titles = drained(alerter, receiver)
            assert titles == ["OracXPred : aucun événement dans le flux"]
        finally:
            runner.close()


def test_rejected_events_open_then_recover(tmp_path, sim, receiver):
    moment = [datetime(2026, 1, 1, 10, 0, tzinfo=UTC)]
    runner, alerter = runner_for(tmp_path, sim, receiver, lambda: moment[0])
    try:
        sim.set_faults(mode="schema_drift", count=1)
        runner.tick()
        assert drained(alerter, receiver) == [
            "OracXPred : événements rejetés (format du flux changé ?)"
        ]
        runner.tick()
        assert drained(alerter, receiver) == [
            "OracXPred rétabli : événements rejetés (format du flux changé ?)"
        ]
        counted = [
            sample.value
            for metric in runner.metrics.events_rejected.collect()
            for sample in metric.samples
            if sample.name.endswith("_total")
        ]
        assert sum(counted) > 0
    finally:
        runner.close()


def test_lease_taken_over_is_one_notice(receiver):
    from oracxpred.collector.lease import Holder

    settings = Settings(alert_urls=(receiver.url,))
    alerter = Alerter(apprise_sender(settings.alert_urls), cooldown_s=1800)
    watch = IncidentWatch(settings, None, alerter)
    try:
        watch.took_lease()
        other = Holder("autre-hote", 99, datetime(2026, 1, 1, tzinfo=UTC))
        watch.standby(other)
        watch.standby(other)  # still in standby: nothing new
        assert drained(alerter, receiver) == [
            "OracXPred : bail de collecte repris par un autre collecteur"
        ]
    finally:
        alerter.close()


def test_a_real_daemon_sends_the_feed_alert(tmp_path, receiver):
    from tests.service.support import collector

    dead = f"http://127.0.0.1:{free_port()}/service-api/LiveFeed/Get1x2_VZip?sports=85"
    proc = collector(
        "--daemon",
        "--interval",
        "0.001",
        "--feed-url",
        dead,
        "--alert-url",
        receiver.url,
        "--csv-path",
        str(tmp_path / "m.csv"),
        env={"ORACXPRED_ALERT_AFTER": "0.002", "ORACXPRED_RETRIES": "0"},
    )
    try:

        def alerted() -> bool:
            proc.check_running()  # a daemon that died fails here, with its output
            return bool(receiver.messages)

        wait_until(alerted, timeout=60)
        assert receiver.titles()[0] == "OracXPred : flux en échec"
        assert "connexion refusée" in receiver.messages[0]["message"]
        assert receiver.url.split("//")[1] not in proc.text  # alert URLs are never logged
    finally:
        proc.stop()


def test_archive_outage_is_one_incident_and_one_recovery(receiver, tmp_path):
    """The archive writer raises the ``archive`` incident once per outage and resolves it when
    a record is written again (a file standing where the folder should be: ENOTDIR)."""
    from oracxpred.archive.writer import ArchiveWriter
    from oracxpred.feed.exchange import FEED, Exchange

    root = tmp_path / "archive"
    root.write_text("pas un dossier")
    alerter = Alerter(apprise_sender([receiver.url]), cooldown_s=0)
    alerts.install(alerter)
    writer = ArchiveWriter(root)
    now = time.time()

    def exchange() -> Exchange:
        return Exchange(
            kind=FEED,
            attempt=1,
            url="http://127.0.0.1/x",
            started_at=now,
            received_at=now,
            status=200,
            body=b'{"Value": []}',
        )

    try:
        writer.record(exchange())
        writer.record(exchange())
        assert drained(alerter, receiver) == ["OracXPred : erreurs d'archivage"]
        root.unlink()
        writer.record(exchange())
        assert drained(alerter, receiver) == ["OracXPred rétabli : erreurs d'archivage"]
    finally:
        alerts.install(None)
        alerter.close()

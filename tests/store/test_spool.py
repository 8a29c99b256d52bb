"""Real outages: the database behind a TCP proxy we cut and restore, or a port that refuses.

The proxy forwards 127.0.0.1:<free port> to the real PostgreSQL. ``cut()`` closes the listener
and every open connection (the port then refuses, live sessions die mid-query as in a crash);
``restore()`` listens again on the same port. Deterministic, and the real server never stops.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from oracxpred.config import Settings
from oracxpred.errors import StoreError, StoreUnavailable
from oracxpred.store.base import Store
from oracxpred.store.csv.store import CsvStore
from oracxpred.store.factory import open_store
from oracxpred.store.spool.store import SpoolingStore
from oracxpred.store.sql.store import SqlStore
from tests.helpers import free_port, wait_until
from tests.store.conftest import match
from tests.store.test_contract import beat

pytestmark = pytest.mark.postgres


class TcpProxy:
    """127.0.0.1:port → upstream, one thread per direction; counts accepted connections."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self.accepted = 0
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._listener: socket.socket | None = None

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        self._spawn(self._accept, listener)

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=10)
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()
        self._threads = []

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self.accepted += 1
                self._sockets |= {client, server}
            self._spawn(self._pump, client, server)
            self._spawn(self._pump, server, client)

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)


@pytest.fixture
def proxy(postgresql_url: str) -> Iterator[TcpProxy]:
    url = sa.make_url(postgresql_url)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    yield proxy
    proxy.cut()


def proxied(postgresql_url: str, proxy: TcpProxy) -> str:
    url = sa.make_url(postgresql_url).set(host="127.0.0.1", port=proxy.port)
    return url.render_as_string(hide_password=False)


def direct_ids(postgresql_url: str) -> list[int]:
    """What the database really holds, read around the proxy."""
    with SqlStore(postgresql_url, migrate=False) as store:
        return [m.event_id for m in store.iter_matches()]


def spooling(url: str, tmp_path: Path, **options: object) -> SpoolingStore:
    primary = SqlStore(url)
    spool = CsvStore(tmp_path / "matches.spool.csv")
    return SpoolingStore(primary, spool, retry_after_s=0, **options)  # type: ignore[arg-type]


def test_database_down_at_start_still_collects_then_replays(
    postgresql_url: str, proxy: TcpProxy, tmp_path: Path
) -> None:
    settings = Settings(database_url=proxied(postgresql_url, proxy), csv_path=tmp_path / "m.csv")
    store = open_store(settings)  # the proxy is not listening: the port refuses
    with store:
        assert isinstance(store, SpoolingStore)
        assert bool(store.degraded)  # bool(): mypy must not pin the property to True
        store.retry_after_s = 0  # retry at once (the pause has its own test)
        assert "connexion refusée" in (store.last_error or "")
        assert store.save_matches([match(1), match(2)]).saved == (1, 2)
        store.save_tracking({"cycle": 1})
        store.record_heartbeat(beat(1))
        assert store.pending_spool_rows() == 2
        assert store.load_tracking() == {"cycle": 1}
        assert settings.spool_path.is_file()
        with pytest.raises(StoreUnavailable, match="2 match\\(s\\) en attente"):
            store.describe()  # --test-db: the outage, and what waits for the database

        proxy.restore()
        report = store.save_matches([match(3)])  # fresh batch first, then the replay
        assert report.saved == (3,)
        assert store.spool_state().degraded is False
        assert store.pending_spool_rows() == 0
        assert direct_ids(postgresql_url) == [3, 1, 2]
        assert store.load_tracking() == {"cycle": 1}
        assert store.recent_heartbeats() == [beat(1)]
        assert not settings.spool_path.exists()


def test_outage_mid_run_loses_and_duplicates_nothing(
    postgresql_url: str, proxy: TcpProxy, tmp_path: Path
) -> None:
    proxy.restore()
    with spooling(proxied(postgresql_url, proxy), tmp_path) as store:
        store.save_matches([match(1), match(2)])
        store.save_tracking({"cycle": 1})
        proxy.cut()  # live pooled connections die: pre-ping or the query itself notices
        assert store.load_tracking() == {"cycle": 1}  # the tracker keeps what it watched
        assert store.degraded
        assert store.save_matches([match(2), match(3)]).saved == (2, 3)  # 2: spool can't know
        assert store.degraded
        store.save_tracking({"cycle": 2})
        store.record_heartbeat(beat(2))
        assert store.load_tracking() == {"cycle": 2}
        assert store.recent_heartbeats() == [beat(2)]

        proxy.restore()
        assert store.save_matches([match(4)]).saved == (4,)
        assert sorted(direct_ids(postgresql_url)) == [1, 2, 3, 4]
        assert store.load_tracking() == {"cycle": 2}
        assert store.primary.load_tracking() == {"cycle": 2}
        assert store.pending_spool_rows() == 0


def test_a_collector_started_mid_outage_resumes_the_last_tracking_state(
    postgresql_url: str, proxy: TcpProxy, tmp_path: Path
) -> None:
    """One-shot runs under cron: the run before the outage saved the tracker state in the
    database; the run during the outage cannot read it, and must not start from nothing."""
    proxy.restore()
    with spooling(proxied(postgresql_url, proxy), tmp_path) as before:
        before.save_tracking({"events": {"7": {"odds": [1.9, 3.4, 4.1]}}})
    proxy.cut()
    with spooling(proxied(postgresql_url, proxy), tmp_path) as during:
        assert during.load_tracking() == {"events": {"7": {"odds": [1.9, 3.4, 4.1]}}}
        assert during.degraded
        during.save_tracking({"events": {}})
    with spooling(proxied(postgresql_url, proxy), tmp_path) as later:
        assert later.load_tracking() == {"events": {}}  # the spool's state is newer


def test_replay_is_bounded_and_never_delays_the_fresh_batch(
    postgresql_url: str, proxy: TcpProxy, tmp_path: Path
) -> None:
    with spooling(proxied(postgresql_url, proxy), tmp_path, replay_chunk=2, replay_budget=3) as s:
        s.save_matches([match(i) for i in range(10, 17)])  # down: 7 rows spooled
        assert s.pending_spool_rows() == 7
        proxy.restore()
        s.save_matches([match(1)])
        assert direct_ids(postgresql_url) == [1, 10, 11, 12]
        assert s.pending_spool_rows() == 4
        s.save_matches([match(2)])
        s.save_tracking({"cycle": 3})  # each write also moves the replay along
        assert s.pending_spool_rows() == 0
        assert direct_ids(postgresql_url) == [1, 10, 11, 12, 2, 13, 14, 15, 16]


def test_a_crash_mid_replay_keeps_the_spool_and_replays_idempotently(
    postgresql_url: str, proxy: TcpProxy, tmp_path: Path
) -> None:
    first = spooling(proxied(postgresql_url, proxy), tmp_path, replay_chunk=2, replay_budget=2)
    first.save_matches([match(i) for i in range(1, 6)])
    proxy.restore()
    first.save_matches([match(9)])
    assert first.pending_spool_rows() == 3
    first.close()  # the process "dies" here: its replay position is lost, the spool is not

    with spooling(proxied(postgresql_url, proxy), tmp_path) as again:
        assert again.pending_spool_rows() == 5
        assert again.replay() == 3  # 1 and 2 come back as duplicates, nothing twice
        assert again.pending_spool_rows() == 0
    assert sorted(direct_ids(postgresql_url)) == [1, 2, 3, 4, 5, 9]


def test_while_degraded_the_primary_is_retried_only_after_a_pause(
    postgresql_url: str, proxy: TcpProxy, tmp_path: Path
) -> None:
    now = [0.0]
    primary = SqlStore(proxied(postgresql_url, proxy))
    spool = CsvStore(tmp_path / "s.csv")
    with SpoolingStore(primary, spool, retry_after_s=15, clock=lambda: now[0]) as store:
        store.save_matches([match(1)])
        assert bool(store.degraded)  # bool(): mypy must not pin the property to True
        proxy.restore()
        store.save_matches([match(2)])
        store.record_heartbeat(beat(1))
        assert proxy.accepted == 0  # within the pause: straight to the spool
        now[0] = 16.0
        store.save_matches([match(3)])
        assert proxy.accepted >= 1
        assert store.spool_state().degraded is False
        wait_until(lambda: store.pending_spool_rows() == 0, what="replay")
    assert sorted(direct_ids(postgresql_url)) == [1, 2, 3]


def test_configuration_errors_are_not_spooled(postgresql_url: str, tmp_path: Path) -> None:
    missing = sa.make_url(postgresql_url).set(database="oracx_absente_zz")
    settings = Settings(
        database_url=missing.render_as_string(hide_password=False), csv_path=tmp_path / "m.csv"
    )
    with pytest.raises(StoreError, match="n'existe pas"):
        open_store(settings)


def test_open_store_without_database_url_is_the_csv_store(tmp_path: Path) -> None:
    store: Store = open_store(Settings(csv_path=tmp_path / "m.csv"))
    with store:
        assert isinstance(store, CsvStore)


def test_tracking_stamp_is_given_only_while_the_primary_holds_the_state(
    postgresql_url: str, proxy: TcpProxy, tmp_path: Path
) -> None:
    """The collector reuses its in-memory state only on a stamp: never while the database is
    down or a state waits in the spool, and the replay's push of the spooled state changes it."""
    proxy.restore()
    with spooling(proxied(postgresql_url, proxy), tmp_path) as store:
        stamp = store.save_tracking({"cycle": 1})
        assert stamp is not None
        assert store.tracking_stamp() == stamp
        proxy.cut()
        assert store.tracking_stamp() is None  # the outage is noticed here
        assert store.degraded
        assert store.save_tracking({"cycle": 2}) is None  # into the spool
        assert store.tracking_stamp() is None
        proxy.restore()
        assert store.save_tracking({"cycle": 3}) is None  # mirrored in the spool too
        assert store.save_matches([match(1)]).saved == (1,)  # replays, empties the spool
        assert store.pending_spool_rows() == 0
        assert store.tracking_stamp() not in (None, stamp)
        assert store.load_tracking() == {"cycle": 3}
        again = store.save_tracking({"cycle": 4})
        assert again is not None
        assert store.tracking_stamp() == again


def odds_row(event_id: int, at: int, price: float):
    from oracxpred.core.records import OddsRow, Phase

    return OddsRow(event_id, at, None, Phase.PREMATCH, 1, 1, None, price, False, False, False)


def test_odds_of_an_outage_are_spooled_and_moved_to_the_database(
    postgresql_url: str, proxy: TcpProxy, tmp_path: Path
) -> None:
    """The timeline of the polls made while the database was down is not lost: it waits in
    the spool's odds file and reaches the database with the matches, once, in one replay."""
    proxy.restore()
    with spooling(proxied(postgresql_url, proxy), tmp_path) as store:
        assert store.save_odds([odds_row(1, 100, 1.9)]) == 1
        proxy.cut()
        store.load_tracking()  # notices the outage
        assert store.save_odds([odds_row(1, 160, 1.8), odds_row(2, 160, 2.2)]) == 2
        assert store.degraded
        assert [r.observed_at for r in store.spool.iter_odds()] == [160, 160]

        proxy.restore()
        store.save_odds([odds_row(1, 220, 1.7)])  # odds only: the replay still runs
        assert store.pending_spool_rows() == 0
        assert not (tmp_path / "matches.spool.odds.csv").exists()
    with SqlStore(postgresql_url, migrate=False) as direct:
        stored = sorted((r.event_id, r.observed_at, r.price) for r in direct.iter_odds())
    assert stored == [(1, 100, 1.9), (1, 160, 1.8), (1, 220, 1.7), (2, 160, 2.2)]

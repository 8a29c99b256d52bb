"""What one web application holds: settings, the store, the clock and the pluggable hooks.

The store is opened lazily and reopened after a failure, so the app starts (and ``/health``
answers 503 with the reason) even when the store cannot be opened yet. A store given to
``create_app`` belongs to the caller and is never closed here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from flask import Flask, current_app

from oracxpred.config import Settings
from oracxpred.errors import StoreError
from oracxpred.logs import get_logger, mask_secrets
from oracxpred.store.base import Store
from oracxpred.web import messages as msg

log = get_logger("web")

EXTENSION = "oracxpred"
LEAGUES_TTL_S = 30.0
"""How long the league list of the filter forms is reused (it costs a full read on CSV)."""

Clock = Callable[[], datetime]
LeaseDescriber = Callable[[Settings], Any]


class CollectorHandle(Protocol):
    """What the app needs of its internal collector (``BackgroundCollector`` is one)."""

    def status(self) -> Mapping[str, Any]: ...

    def stop(self) -> None: ...


CollectorStarter = Callable[[Settings], CollectorHandle]


def utc_now() -> datetime:
    return datetime.now(UTC)


def default_lease_describer() -> LeaseDescriber | None:
    """``oracxpred.collector.lease.describe_holder`` when this installation has it."""
    try:
        from oracxpred.collector.lease import describe_holder
    except ImportError:
        return None
    return describe_holder


class WebState:
    """Shared by every request of one app (thread-safe: the dev server is threaded)."""

    def __init__(
        self,
        settings: Settings,
        store: Store | None,
        *,
        clock: Clock = utc_now,
        lease_describer: LeaseDescriber | None = None,
        health_max_age_s: float,
        opener: Callable[[Settings], Store] | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.lease_describer = lease_describer
        self.health_max_age_s = health_max_age_s
        self._store = store
        self._owned = store is None
        self._opener = opener
        self._lock = threading.Lock()
        self._leagues: tuple[float, list[str]] | None = None
        self.collector: CollectorHandle | None = None  # the internal collector, when started
        self.collector_error: str | None = None

    def store(self) -> Store:
        """The store, opened on first use; raises ``StoreError`` (French) when it cannot be."""
        with self._lock:
            if self._store is None:
                self._store = self._open()
            return self._store

    def _open(self) -> Store:
        opener = self._opener
        if opener is None:
            from oracxpred.store.factory import open_store

            opener = open_store
        try:
            return opener(self.settings)
        except StoreError as exc:
            log.warning(msg.STORE_OPEN_FAILED, mask_secrets(str(exc)))
            raise

    def league_names(self) -> list[str]:
        """Stored league names for the filter forms, reused for ``LEAGUES_TTL_S``."""
        now = time.monotonic()
        cached = self._leagues
        if cached is not None and now - cached[0] < LEAGUES_TTL_S:
            return cached[1]
        names = [stats.league for stats in self.store().league_stats(None)]
        self._leagues = (now, names)
        return names

    def describe_holder(self) -> tuple[Any, str | None]:
        """(holder, error): what the lease describer says, or why it could not say it."""
        if self.lease_describer is None:
            return None, msg.LEASE_DESCRIBER_MISSING
        try:
            return self.lease_describer(self.settings), None
        except Exception as exc:  # noqa: BLE001 - a plug-in must not break the health page
            return None, mask_secrets(str(exc)) or type(exc).__name__

    def close(self) -> None:
        """Stop the internal collector and close the store if this app opened it."""
        collector, self.collector = self.collector, None
        if collector is not None:
            collector.stop()
        with self._lock:
            store, self._store = self._store, None
        if store is not None and self._owned:
            store.close()


def web_state(app: Flask | None = None) -> WebState:
    """The state of ``app`` (default: the app handling the current request)."""
    return (app or current_app).extensions[EXTENSION]  # type: ignore[no-any-return]

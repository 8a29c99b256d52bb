"""Web fixtures (flaskr style): a real CsvStore in a tmp folder, the app over it, a client."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from oracxpred.config import Settings
from oracxpred.core.records import FinishedMatch
from oracxpred.store.base import Heartbeat
from oracxpred.store.csv.store import CsvStore
from oracxpred.web import create_app
from tests.web.data import NOW, make_heartbeats, make_matches

MATCHES: list[FinishedMatch] = make_matches()
HEARTBEATS: list[Heartbeat] = make_heartbeats()


@contextmanager
def served(csv_path: Path, settings: Settings | None = None, **config: Any) -> Iterator[str]:
    """The app over the CSV store at ``csv_path``, served for real on 127.0.0.1 (for a
    browser): yields the base URL, stops the server on the way out."""
    with CsvStore(csv_path) as store:
        chosen = settings or Settings(csv_path=csv_path)
        app = build_app(store, chosen, **{"TESTING": False, **config})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.port}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(10)


def fill(path: Path, beats: list[Heartbeat] | None = None) -> CsvStore:
    store = CsvStore(path)
    store.save_matches(MATCHES)
    for hb in HEARTBEATS if beats is None else beats:
        store.record_heartbeat(hb)
    return store


def build_app(store: CsvStore | None, settings: Settings, **config: Any) -> Flask:
    base: dict[str, Any] = {
        "TESTING": True,
        "ORACXPRED_SETTINGS": settings,
        "ORACXPRED_CLOCK": lambda: NOW,
        "ORACXPRED_INTERNAL_COLLECTOR": False,
    }
    return create_app({**base, **config}, store=store)


@pytest.fixture(scope="session")
def filled_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One filled CSV store shared by read-only tests (pages never write)."""
    folder = tmp_path_factory.mktemp("web-store")
    fill(folder / "matches.csv").close()
    return folder


@pytest.fixture
def settings(filled_dir: Path) -> Settings:
    return Settings(csv_path=filled_dir / "matches.csv")


@pytest.fixture
def store(settings: Settings) -> Iterator[CsvStore]:
    with CsvStore(settings.csv_path) as opened:
        yield opened


@pytest.fixture
def app(store: CsvStore, settings: Settings) -> Flask:
    return build_app(store, settings)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()

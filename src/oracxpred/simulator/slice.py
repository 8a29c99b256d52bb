"""Serve a recorded slice (``oracxpred archive export``, or an archive folder) over HTTP.

Each feed request gets the next recorded feed answer in time order; a results request gets the
next recorded answer to the same path and query (secrets masked as the archive masks them).
Status, ``Content-Type``, ``Date`` and body are sent exactly as recorded; an exchange recorded
without an answer (timeout, refused connection) is a connection closed without one. When the
slice has nothing more for a request: HTTP 410 with a French line. A torn or invalid slice is
refused at start (``SliceError``): a test or a user must not replay half a recording unawares.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from oracxpred.archive.reader import Note, root_records
from oracxpred.archive.record import Record
from oracxpred.logs import mask_url
from oracxpred.simulator.handler import FEED_PATHS, ServedHandle, TrackingServer

TEXT = "text/plain; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
EXHAUSTED = (
    "Tranche rejouée épuisée : {served} réponse(s) du flux déjà servie(s), plus rien à servir"
)
NO_RECORD = "Tranche rejouée : aucune réponse enregistrée pour {path}"
RESULTS_EXHAUSTED = "Tranche rejouée : réponses enregistrées pour {path} toutes servies"
UNREADABLE = "Tranche illisible : {path} ligne {line} : {what}"
MISSING = "Tranche introuvable : {path}"
EMPTY = "Tranche vide : aucun enregistrement dans {path}"


class SliceError(Exception):
    """A slice that cannot be served (French message)."""


Key = tuple[str, tuple[tuple[str, str], ...]]


def request_key(url: str) -> Key:
    """Path and sorted query of ``url`` once masked like the archive masks it."""
    parts = urlsplit(mask_url(url))
    return parts.path, tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))


def load(path: Path) -> list[Record]:
    """Every record of the slice in time order; any torn or invalid line is an error."""
    if not path.exists():
        raise SliceError(MISSING.format(path=path))
    notes: list[Note] = []
    try:
        records = list(root_records(path, notes))
    except OSError as exc:
        raise SliceError(UNREADABLE.format(path=path, line=0, what=exc)) from None
    if notes:
        note = notes[0]
        raise SliceError(UNREADABLE.format(path=note.path, line=note.line, what=note.what))
    if not records:
        raise SliceError(EMPTY.format(path=path))
    return records


class Slice:
    """The recorded answers still to serve (thread-safe)."""

    def __init__(self, records: list[Record]) -> None:
        self._lock = threading.Lock()
        self.feed: deque[Record] = deque(r for r in records if r.kind == "feed")
        self.results: dict[Key, deque[Record]] = {}
        for record in records:
            if record.kind != "feed":
                self.results.setdefault(request_key(record.url), deque()).append(record)
        self.feed_paths = FEED_PATHS | {urlsplit(r.url).path for r in self.feed}
        self.total_feed = len(self.feed)
        self.served_feed = 0
        self.served_results = 0

    def next_for(self, url: str) -> Record | tuple[int, str]:
        """The record to answer ``url`` with, or the status and French reason there is none
        (410 once everything recorded for it was served, 404 for what was never recorded)."""
        key = request_key(url)
        with self._lock:
            if key in self.results:
                queue = self.results[key]
                if not queue:
                    return 410, RESULTS_EXHAUSTED.format(path=key[0])
                self.served_results += 1
                return queue.popleft()
            if key[0] in self.feed_paths:
                if not self.feed:
                    return 410, EXHAUSTED.format(served=self.served_feed)
                self.served_feed += 1
                return self.feed.popleft()
        return 404, NO_RECORD.format(path=key[0])

    def describe(self) -> dict[str, Any]:
        with self._lock:
            left_results = sum(len(q) for q in self.results.values())
            return {
                "feed_total": self.total_feed,
                "feed_served": self.served_feed,
                "feed_left": len(self.feed),
                "results_served": self.served_results,
                "results_left": left_results,
                "exhausted": not self.feed,
            }


class SliceHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = 120
    server: SliceServer

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        try:
            if path == "/__slice__":
                self._send(200, json.dumps(self.server.slice.describe()).encode(), JSON_TYPE)
            elif path == "/__health__":
                self._send(200, b"ok", TEXT)
            else:
                self._serve()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the collector under test logs what it gets."""

    def _serve(self) -> None:
        found = self.server.slice.next_for(self.path)
        if isinstance(found, tuple):
            status, reason = found
            self._send(status, reason.encode(), TEXT)
            return
        if found.status is None:  # recorded without an answer: none now either
            self.close_connection = True
            return
        body = found.body_bytes() or b""
        self.send_response_only(found.status)
        if found.date is not None:
            self.send_header("Date", found.date)
        if found.ctype is not None:
            self.send_header("Content-Type", found.ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class SliceServer(TrackingServer):
    def __init__(self, address: tuple[str, int], served: Slice) -> None:
        super().__init__(address, SliceHandler)
        self.slice = served


class SliceHandle(ServedHandle):
    """A running slice server: its addresses, what is left, and ``stop()``."""

    def __init__(self, server: SliceServer) -> None:
        super().__init__(server, "feed-slice")
        self.slice = server.slice
        first = next(iter(self.slice.feed), None)
        feed = urlsplit(first.url) if first is not None else None
        path = feed.path if feed is not None else "/service-api/LiveFeed/Get1x2_VZip"
        query = f"?{feed.query}" if feed is not None and feed.query else ""
        self.feed_url = f"{self.url}{path}{query}"


def start_slice_server(path: Path, *, port: int = 0, host: str = "127.0.0.1") -> SliceHandle:
    """Serve the slice at ``path`` (file or archive folder) until ``stop()``.

    Raises ``SliceError`` for a missing, empty, torn or invalid slice, ``OSError`` when the
    address cannot be bound."""
    served = Slice(load(path))
    return SliceHandle(SliceServer((host, port), served))

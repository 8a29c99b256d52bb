"""HTTP handler of the feed simulator: the real feed and results paths, plus control routes.

stdlib ``ThreadingHTTPServer`` (HTTP/1.1 keep-alive, daemon threads). Routes:
``/service-api/LiveFeed/Get1x2_VZip`` (and ``/LiveFeed/…``), ``/service-api/result/web/api/v3/
games`` and ``…/v2/champs``, ``/__truth__``, ``/__clock__``, ``/__faults__``, ``/__health__``.
The ``Date`` header carries the simulated clock, which the collector uses as server time.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from oracxpred.simulator import faults, payload
from oracxpred.simulator.app import Simulator, compress, dumps

log = logging.getLogger(__name__)

FEED_PATH = "/service-api/LiveFeed/Get1x2_VZip"
FEED_PATHS = frozenset({FEED_PATH, "/LiveFeed/Get1x2_VZip"})  # older clients omit service-api
RESULTS_PATH = "/service-api/result/web/api/v3/games"
CHAMPS_PATH = "/service-api/result/web/api/v2/champs"
JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"
ERROR_PAGES = {
    500: "Erreur interne du serveur",
    503: "Service temporairement indisponible",
    406: "Requête non acceptable",
    429: "Trop de requêtes",
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = 120  # an idle keep-alive connection is dropped after this
    server: SimulatorServer

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in separate writes: without this, Nagle plus the client's
        # delayed ACK add ~40 ms to every keep-alive answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def date_time_string(self, timestamp: float | None = None) -> str:
        return formatdate(self.server.sim.now(), usegmt=True)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        sim = self.server.sim
        try:
            if method == "GET" and url.path in FEED_PATHS:
                self._feed(query)
            elif method == "GET" and url.path == RESULTS_PATH:
                self._results(query)
            elif method == "GET" and url.path == CHAMPS_PATH:
                self._champs(query)
            elif url.path == "/__truth__" and method == "GET":
                include_all = query.get("all", ["0"])[0] not in ("", "0", "false")
                self._json(200, sim.truth(include_all=include_all))
            elif url.path == "/__clock__":
                self._clock(method, query)
            elif url.path == "/__faults__":
                self._faults(method, body)
            elif url.path == "/__health__":
                self._send(200, b"ok", "text/plain; charset=utf-8")
            else:
                self._send(404, b"Page introuvable", "text/plain; charset=utf-8")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away (its own timeout, a size cap)

    # -- public routes -------------------------------------------------------------------------

    def _feed(self, query: dict[str, list[str]]) -> None:
        sim = self.server.sim
        plan = sim.faults.take("feed")
        t = sim.now()
        if plan is None:
            gz = self._accepts_gzip()
            headers = {"Content-Encoding": "gzip"} if gz else {}
            self._send(200, sim.feed_body(t, query, gz), JSON, headers, compressed=True)
            return
        events = sim.feed_events(t, query)
        if plan.mode in ("wrong_types", "long_names", "schema_drift"):
            events = faults.spoil_events(plan.mode, events)
        value: Any = payload.envelope(events)
        if plan.mode == "no_value":
            value.pop("Value")
        self._fault(plan, value)

    def _results(self, query: dict[str, list[str]]) -> None:
        sim = self.server.sim
        plan = sim.faults.take("results")
        try:
            items = sim.results(query, sim.now())
        except ValueError as exc:
            error = {"status": 400, "title": "InvalidQueryParametersException", "detail": str(exc)}
            self._json(400, error)
            return
        if plan is not None and plan.mode in ("wrong_types", "long_names", "schema_drift"):
            items = faults.spoil_items(plan.mode, items)
        value: dict[str, Any] = {"count": len(items)}
        if items and not (plan is not None and plan.mode == "no_value"):
            value["items"] = items  # absent when count is 0 (docs/feed.md §7)
        if plan is None:
            self._json(200, value)
        else:
            self._fault(plan, value)

    def _champs(self, query: dict[str, list[str]]) -> None:
        sim = self.server.sim
        plan = sim.faults.take("results")
        try:
            items = sim.champs(query, sim.now())
        except ValueError as exc:
            error = {"status": 400, "title": "InvalidQueryParametersException", "detail": str(exc)}
            self._json(400, error)
            return
        if plan is None:
            self._json(200, {"items": items})
        else:
            self._fault(plan, {"items": items})

    # -- faults --------------------------------------------------------------------------------

    def _fault(self, plan: faults.FaultPlan, value: Any) -> None:
        """Answer (or not) as ``plan.mode`` says; ``value`` is the JSON a healthy answer has."""
        mode, params = plan.mode, plan.params
        if mode == "refuse":
            self.close_connection = True  # no status line at all
        elif mode == "timeout":
            self.server.stopping.wait(params["delay"])
            self.close_connection = True
        elif mode in ("500", "503", "406", "429"):
            status = int(mode)
            headers = {"Retry-After": _seconds(params["retry_after"])} if status == 429 else {}
            page = f"<html><body><h1>{status} {ERROR_PAGES[status]}</h1></body></html>"
            self._send(status, page.encode(), HTML, headers)
        elif mode == "400":  # what the results service answers a window it refuses
            detail = "fenêtre refusée (panne simulée)"
            self._json(
                400, {"status": 400, "title": "InvalidQueryParametersException", "detail": detail}
            )
        elif mode == "html":
            self._send(200, faults.HTML_PAGE.encode(), HTML)
        elif mode == "success_false":
            error = {"Id": 0, "Success": False, "Error": "Erreur interne du service"}
            self._json(200, error | {"ErrorCode": 500, "Guid": "", "Value": None})
        elif mode == "truncated":
            self._send(200, faults.truncated(dumps(value)), JSON)
        elif mode == "invalid_utf8":
            self._send(200, faults.invalid_utf8(dumps(value)), JSON)
        elif mode == "slow_body":
            self._slow(dumps(value), int(max(1, params["chunk"])), params["interval"])
        elif mode == "huge":
            self._huge(value, int(params["size_mb"] * 1024 * 1024))
        else:  # no_value, wrong_types, long_names, schema_drift: a valid JSON answer
            self._json(200, value)

    def _slow(self, body: bytes, chunk: int, interval: float) -> None:
        self._head(200, JSON, {"Content-Length": str(len(body))})
        for start in range(0, len(body), chunk):
            if self.server.stopping.wait(interval):
                self.close_connection = True
                return
            self.wfile.write(body[start : start + chunk])

    def _huge(self, value: Any, size: int) -> None:
        """A valid JSON envelope of ``size`` bytes, without Content-Length (read to the end)."""
        head = dumps(value)[:-1] + b',"Padding":"'
        self._head(200, JSON, {"Connection": "close"})
        self.wfile.write(head)
        block = b"x" * (1024 * 1024)
        left = max(0, size - len(head) - 2)
        while left > 0 and not self.server.stopping.is_set():
            self.wfile.write(block[: min(left, len(block))])
            left -= len(block)
        self.wfile.write(b'"}')

    # -- control routes ------------------------------------------------------------------------

    def _clock(self, method: str, query: dict[str, list[str]]) -> None:
        clock = self.server.sim.clock
        try:
            if method == "POST" and "advance" in query:
                clock.advance(float(query["advance"][0]))
            elif method == "POST" and "set" in query:
                clock.set(float(query["set"][0]))
            elif method == "POST":
                raise ValueError("paramètre advance=SECONDES ou set=EPOCH attendu")
        except ValueError as exc:
            self._json(400, {"error": str(exc)})
            return
        mode = "manuel" if clock.manual else "accéléré"
        self._json(200, {"now": self.server.sim.now(), "mode": mode, "speed": clock.speed})

    def _faults(self, method: str, body: bytes) -> None:
        state = self.server.sim.faults
        if method != "POST":
            self._json(200, state.describe())
            return
        try:
            self._json(200, state.configure(json.loads(body or b"{}")))
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            self._json(400, {"error": f"panne invalide : {exc}"})

    # -- writing -------------------------------------------------------------------------------

    def _accepts_gzip(self) -> bool:
        return "gzip" in self.headers.get("Accept-Encoding", "").lower()

    def _json(self, status: int, value: Any) -> None:
        body = dumps(value)
        if self._accepts_gzip():
            self._send(status, compress(body), JSON, {"Content-Encoding": "gzip"}, compressed=True)
        else:
            self._send(status, body, JSON)

    def _send(
        self,
        status: int,
        body: bytes,
        ctype: str,
        headers: dict[str, str] | None = None,
        *,
        compressed: bool = False,
    ) -> None:
        extra = dict(headers or {})
        extra["Content-Length"] = str(len(body))
        if compressed:
            extra["Vary"] = "Accept-Encoding"
        self._head(status, ctype, extra)
        self.wfile.write(body)

    def _head(self, status: int, ctype: str, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()


def _seconds(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


class TrackingServer(ThreadingHTTPServer):
    """Threading server that can close its keep-alive connections and join its threads."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.stopping = threading.Event()
        self._conns: dict[socket.socket, threading.Thread] = {}
        self._conns_lock = threading.Lock()
        self._closed = False

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._conns_lock:
            if self._closed:
                self.shutdown_request(request)
                return
            self._conns[request] = threading.current_thread()
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._conns_lock:
                self._conns.pop(request, None)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connexion %s interrompue", client_address, exc_info=True)

    def close_connections(self, timeout: float = 5.0) -> None:
        """Wake every handler (idle keep-alive, held faults) and wait for it to finish."""
        self.stopping.set()
        with self._conns_lock:
            self._closed = True
            live = list(self._conns.items())
        for sock, _ in live:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for _, thread in live:
            thread.join(timeout)


class ServedHandle:
    """A ``TrackingServer`` served by a thread of its own: its addresses and ``stop()``, which
    wakes every held request and joins the threads (also on leaving a ``with`` block)."""

    def __init__(self, server: TrackingServer, name: str) -> None:
        self._server = server
        self._stopped = False
        host, self.port = server.server_address[:2]
        # An AF_INET server's host is text; bytes are only for other address families.
        self.host = host.decode() if isinstance(host, bytes | bytearray) else host
        self.url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"{name}-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._server.stopping.set()
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class SimulatorServer(TrackingServer):
    """The simulated league's server."""

    def __init__(self, address: tuple[str, int], sim: Simulator) -> None:
        super().__init__(address, Handler)
        self.sim = sim

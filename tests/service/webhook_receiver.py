"""A real webhook receiver on 127.0.0.1 for the push tests: up (200), slow (holds each request
until released), failing (a chosen status), or down (no server on its port)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.helpers import free_port


class Receiver:
    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook?token=abc"
        self.mode = "up"
        self.status = 200
        self.release = threading.Event()
        self.got: list[dict[str, Any]] = []  # every request that reached the handler
        self.accepted: list[int] = []  # seqs answered 2xx
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- life -----------------------------------------------------------------------------

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                record = {
                    "raw": raw,
                    "body": json.loads(raw),
                    "signature": self.headers.get("X-OracXPred-Signature"),
                    "seq": self.headers.get("X-OracXPred-Seq"),
                    "mode": receiver.mode,
                }
                with receiver.lock:
                    receiver.got.append(record)
                if receiver.mode == "slow":
                    receiver.release.wait(30)
                status = receiver.status if receiver.mode == "failing" else 200
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    return  # the client gave up (slow mode)
                if status == 200 and receiver.mode != "slow":
                    with receiver.lock:
                        receiver.accepted.append(int(record["seq"]))

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- checks ---------------------------------------------------------------------------

    def valid(self, record: dict[str, Any]) -> bool:
        digest = hmac.new(self.secret.encode(), record["raw"], hashlib.sha256).hexdigest()
        return record["signature"] == f"sha256={digest}" and record["seq"] == str(
            record["body"]["seq"]
        )

    def first_seen(self) -> list[int]:
        """Seqs in the order they first reached the receiver."""
        seen: list[int] = []
        for record in self.got:
            seq = record["body"]["seq"]
            if seq not in seen:
                seen.append(seq)
        return seen

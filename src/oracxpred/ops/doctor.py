"""``oracxpred doctor``: why would collection not work here? One line per check.

For each configured feed host: DNS, TCP, TLS, HTTP status, latency, JSON, events, leagues,
finished events; then the results service, the clock against the server's ``Date``, and the
local side (``doctor_local.py``). A failed step skips the steps that depend on it. Collection
can work when at least one host gives valid JSON and the store is usable.
"""

from __future__ import annotations

import errno
import socket
import ssl
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from oracxpred.config import Settings
from oracxpred.core.backfill import parse_champs
from oracxpred.core.parse import parse_feed
from oracxpred.core.records import FeedEvent, Phase
from oracxpred.core.results import parse_results
from oracxpred.errors import FeedError
from oracxpred.feed.client import HEADERS, FeedClient, RetryPolicy, champs_params
from oracxpred.logs import escape
from oracxpred.ops import doctor_messages as t
from oracxpred.ops.doctor_line import Line
from oracxpred.ops.doctor_local import check_local
from oracxpred.oserrors import os_reason

SLOW_MS = 3000.0
"""Above this a feed answer is reported slow (docs/feed.md §8: p99 ≈ 2 s)."""

MAX_SKEW_S = 60.0
"""Clock difference with the server above which a warning is given."""

RESULTS_WINDOW_S = 2 * 3600


@dataclass(slots=True)
class HostProbe:
    """What the host checks learned, for the checks after them."""

    url: str
    usable: bool = False
    events: list[FeedEvent] = field(default_factory=list)
    server_date: datetime | None = None
    checked_at: datetime | None = None


@dataclass(slots=True)
class Diagnosis:
    lines: list[Line] = field(default_factory=list)
    feed_ok: bool = False
    store_ok: bool = False

    @property
    def can_collect(self) -> bool:
        return self.feed_ok and self.store_ok

    def as_dict(self) -> dict[str, Any]:
        return {"can_collect": self.can_collect, "checks": [asdict(line) for line in self.lines]}


def diagnose(settings: Settings) -> Diagnosis:

    diagnosis = Diagnosis()
    probes = []
    for url in settings.mirrors:
        probe = HostProbe(url)
        diagnosis.lines.extend(check_host(probe, settings.timeout_s))
        probes.append(probe)
    usable = [p for p in probes if p.usable]
    diagnosis.feed_ok = bool(usable)
    diagnosis.lines.append(check_results(usable[0] if usable else None, settings))
    diagnosis.lines.append(check_clock(usable[0] if usable else None))
    diagnosis.store_ok = check_local(settings, diagnosis.lines)
    return diagnosis


class _Steps:
    """The lines of one host; a failure marks the remaining steps as not tested."""

    def __init__(self, group: str, names: list[str]) -> None:
        self.group, self.names, self.lines = group, names, list[Line]()

    def add(self, check: str, verdict: str, detail: str = "", hint: str = "") -> list[Line]:
        self.lines.append(Line(self.group, check, verdict, detail, hint))
        if verdict == "fail":
            rest = self.names[len(self.lines) :]
            self.lines.extend(Line(self.group, name, "skip", t.SKIPPED) for name in rest)
        return self.lines


def check_host(probe: HostProbe, timeout_s: float) -> list[Line]:
    parts = urlsplit(probe.url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    group = t.HOST.format(host=parts.netloc)
    names = ["DNS", "TCP", *(["TLS"] if parts.scheme == "https" else []), "HTTP", "Latence"]
    names += ["JSON", "Événements", "Ligues", "Terminés"]
    steps = _Steps(group, names)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        return steps.add("DNS", "fail", net_reason(exc), t.DNS_HINT)
    addresses = sorted({str(info[4][0]) for info in infos})
    steps.add("DNS", "ok", t.DNS_OK.format(addresses=", ".join(addresses[:3])))
    started = time.monotonic()
    try:
        sock = socket.create_connection((host, port), timeout=timeout_s)
    except OSError as exc:
        return steps.add("TCP", "fail", net_reason(exc), t.TCP_HINT)
    steps.add("TCP", "ok", t.TCP_OK.format(port=port, ms=(time.monotonic() - started) * 1000))
    with sock:
        if parts.scheme == "https":
            try:
                # httpx's trust store (certifi, or SSL_CERT_FILE / SSL_CERT_DIR): the one the
                # collector's requests use, not the system's, so both verdicts agree.
                context = httpx.create_ssl_context()
                with context.wrap_socket(sock, server_hostname=host) as tls:
                    cert = tls.getpeercert() or {}
                    until = str(cert.get("notAfter", "?"))
                    steps.add("TLS", "ok", t.TLS_OK.format(version=tls.version(), until=until))
            except ssl.SSLCertVerificationError as exc:
                why = t.TLS_VERIFY_CODES.get(exc.verify_code) or exc.verify_message or exc.reason
                reason = t.TLS_UNTRUSTED.format(reason=why)
                return steps.add("TLS", "fail", reason, t.TLS_UNTRUSTED_HINT)
            except OSError as exc:  # ssl.SSLError included
                return steps.add("TLS", "fail", net_reason(exc), t.TLS_HINT)
    return _http_checks(probe, timeout_s, steps)


def _http_checks(probe: HostProbe, timeout_s: float, steps: _Steps) -> list[Line]:
    started = time.monotonic()
    try:
        with httpx.Client(headers=HEADERS, timeout=timeout_s, follow_redirects=True) as http:
            response = http.get(probe.url)
    except httpx.HTTPError as exc:
        reason = type(exc).__name__
        return steps.add("HTTP", "fail", reason, t.HTTP_ERROR_HINT.format(reason=reason))
    ms = (time.monotonic() - started) * 1000
    status = response.status_code
    probe.checked_at = datetime.now(UTC)
    probe.server_date = _date(response.headers.get("Date"))
    if status != 200:
        if status in (403, 429):
            hint = t.HTTP_REFUSED_HINT.format(status=status)
        elif status == 406:
            hint = t.HTTP_406_HINT
        elif status >= 500:
            hint = t.HTTP_5XX_HINT.format(status=status)
        else:
            hint = t.HTTP_OTHER_HINT.format(status=status)
        return steps.add("HTTP", "fail", f"HTTP {status}", hint)
    steps.add("HTTP", "ok", t.HTTP_OK.format(status=status, ms=ms))
    if ms > SLOW_MS:
        steps.add("Latence", "warn", t.LATENCY_OK.format(ms=ms), t.LATENCY_HINT.format(ms=ms))
    else:
        steps.add("Latence", "ok", t.LATENCY_OK.format(ms=ms))
    body = response.content
    if "text/html" in response.headers.get("Content-Type", "") or body.lstrip()[:1] == b"<":
        return steps.add("JSON", "fail", "page HTML", t.JSON_HTML_HINT)
    try:
        parsed = parse_feed(body)
    except FeedError as exc:
        reason = escape(exc)
        return steps.add("JSON", "fail", reason, t.JSON_BAD_HINT.format(reason=reason))
    probe.usable, probe.events = True, list(parsed.events)
    steps.add("JSON", "ok", t.JSON_OK.format(size=len(body)))
    count = len(parsed.events) + len(parsed.rejections)
    if count:
        steps.add("Événements", "ok", t.EVENTS_OK.format(count=count))
    else:
        steps.add("Événements", "warn", t.EVENTS_OK.format(count=0), t.EVENTS_NONE_HINT)
    leagues = sorted({e.league for e in parsed.events})
    names = ", ".join(escape(name, 40) for name in leagues[:3]) + (" …" if len(leagues) > 3 else "")
    steps.add(
        "Ligues", "ok" if leagues else "warn", t.LEAGUES_OK.format(count=len(leagues), names=names)
    )
    finished = sum(1 for e in parsed.events if e.phase is Phase.FINISHED)
    detail = t.FINISHED_OK.format(count=finished) if finished else t.FINISHED_NONE
    return steps.add("Terminés", "ok", detail)


def check_results(probe: HostProbe | None, settings: Settings) -> Line:
    """A recent window of one league: one seen in the feed, else one ``v2/champs`` lists.
    Never ``champId=0``: with no league anywhere the check is skipped, with a hint."""
    if probe is None:
        return Line(t.RESULTS, "Fenêtre récente", "skip", t.RESULTS_NO_HOST)
    league = next((e.league_id for e in probe.events if e.league_id is not None), None)
    now = int((probe.server_date or datetime.now(UTC)).timestamp())
    date_from, date_to = (now - RESULTS_WINDOW_S) // 300 * 300, now // 300 * 300
    query = champs_params(probe.url, date_from, date_to)  # no champId: only ``ref`` is read
    ref = dict(item.split("=", 1) for item in query.split("&"))["ref"]
    policy = RetryPolicy(retries=0)
    shown = str(league)
    try:
        with FeedClient(
            probe.url, results_url=settings.results_url, timeout_s=settings.timeout_s, policy=policy
        ) as client:
            if league is None:
                listed = parse_champs(client.fetch_champs(date_from, date_to))
                if not listed:
                    hint = t.RESULTS_NO_LEAGUE_HINT
                    return Line(t.RESULTS, "Fenêtre récente", "skip", t.RESULTS_NO_LEAGUE, hint)
                league = min(listed)
                shown = t.RESULTS_LISTED_LEAGUE.format(league=league)
            items = parse_results(client.fetch_results(league, date_from, date_to)).items
    except FeedError as exc:
        reason = escape(exc)
        return Line(
            t.RESULTS, "Fenêtre récente", "fail", reason, t.RESULTS_FAIL_HINT.format(reason=reason)
        )
    detail = t.RESULTS_OK.format(count=len(items), league=shown, ref=ref)
    if not items:
        return Line(
            t.RESULTS, "Fenêtre récente", "warn", detail, t.RESULTS_EMPTY_HINT.format(ref=ref)
        )
    return Line(t.RESULTS, "Fenêtre récente", "ok", detail)


def check_clock(probe: HostProbe | None) -> Line:
    if probe is None or probe.checked_at is None:
        return Line(t.CLOCK, "Écart", "skip", t.RESULTS_NO_HOST)
    if probe.server_date is None:
        return Line(t.CLOCK, "Écart", "warn", t.CLOCK_NO_DATE)
    skew = (probe.checked_at - probe.server_date).total_seconds()
    if abs(skew) > MAX_SKEW_S:
        return Line(
            t.CLOCK, "Écart", "warn", t.CLOCK_OK.format(skew=skew), t.CLOCK_HINT.format(skew=skew)
        )
    return Line(t.CLOCK, "Écart", "ok", t.CLOCK_OK.format(skew=skew))


def net_reason(exc: OSError) -> str:
    """A socket error in French (the C library's wording is English)."""
    if isinstance(exc, socket.gaierror):
        return t.NAME_NOT_FOUND.format(reason=exc.strerror or exc.errno)
    if isinstance(exc, TimeoutError):
        return t.TIMED_OUT
    if isinstance(exc, ssl.SSLError):
        return f"TLS : {exc.reason or exc}"
    name = errno.errorcode.get(exc.errno or 0, "")
    return t.NET_REASONS.get(name) or os_reason(exc)


def _date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        return parsedate_to_datetime(raw).astimezone(UTC)
    except (TypeError, ValueError):
        return None

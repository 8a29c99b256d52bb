"""HTTP client for the feed and the results service: bytes out, never parsed objects.

Only this module knows httpx; every failure leaves it as a ``FeedError`` with a French message.
Retry policy as data (dlt): transient statuses and exceptions are listed, the back-off is
exponential with full jitter and honours ``Retry-After``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx

from oracxpred import __version__, defaults
from oracxpred.errors import (
    FeedError,
    FeedForbidden,
    FeedFormatError,
    FeedHtmlPage,
    FeedThrottled,
    FeedUnavailable,
)
from oracxpred.feed import messages as text
from oracxpred.feed.exchange import FEED, FORMAT, REFUSED, RESULTS, TRANSIENT, Exchange, Recorder
from oracxpred.logs import get_logger

log = get_logger("feed")

RETRY_STATUSES = frozenset({429, *range(500, 600)})
"""Statuses worth another attempt inside the same cycle."""

HEADERS = {
    # A desktop browser's headers (docs/feed.md §1): the site answers browsers.
    "User-Agent": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/131.0 Safari/537.36 oracxpred/{__version__}"
    ),
    "Accept": "application/json, text/plain, */*",
    # Only what httpx decodes without optional packages (docs/feed.md §1: no zstd/br).
    "Accept-Encoding": "gzip, deflate",
}


@dataclass(frozen=True, slots=True)
class FeedResponse:
    """A successful answer: the raw body and the server's clock (HTTP ``Date``), when sent."""

    body: bytes
    server_time: int | None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    retries: int = defaults.DEFAULT_RETRIES
    backoff_s: float = defaults.DEFAULT_BACKOFF_S
    max_retry_after_s: float = defaults.MAX_RETRY_AFTER_S

    def delay(self, attempt: int, retry_after: float | None, rand: Callable[[], float]) -> float:
        """Full-jitter exponential delay before attempt ``attempt + 1``."""
        if retry_after is not None:
            return min(retry_after, self.max_retry_after_s)
        return self.backoff_s * (2.0**attempt) * rand()


def results_url_for(feed_url: str) -> str:
    """The results service on the feed's host (docs/feed.md §7)."""
    parts = urlsplit(feed_url)
    return urlunsplit((parts.scheme, parts.netloc, defaults.RESULTS_PATH, "", ""))


def results_params(feed_url: str, league_id: int, date_from: int, date_to: int) -> str:
    """Query string in alphabetical order (the v3 endpoints reject other orders, docs/feed.md §7).

    ``ref`` is the partner id when the feed URL has one, else its ``gr``: the right value for
    1xbet.com is not confirmed (docs/feed.md §7)."""
    query = parse_qs(urlsplit(feed_url).query)
    ref = (query.get("partner") or query.get("ref") or query.get("gr") or ["1"])[0]
    params = {
        "champId": str(league_id),
        "dateFrom": str(date_from),
        "dateTo": str(date_to),
        "lng": (query.get("lng") or ["fr"])[0],
        "ref": ref,
        "sportIds": (query.get("sports") or ["85"])[0].split(",")[0],
    }
    return urlencode(sorted(params.items()))


def champs_url_for(results_url: str) -> str:
    """``…/v2/champs`` beside ``…/v3/games`` (docs/feed.md §7)."""
    base = results_url.split("?", 1)[0].rstrip("/")
    if base.endswith("/v3/games"):
        return base[: -len("/v3/games")] + "/v2/champs"
    return base.rsplit("/", 1)[0] + "/champs"


def champs_params(feed_url: str, date_from: int, date_to: int) -> str:
    """Same parameters as ``results_params``, without ``champId``, in alphabetical order."""
    return "&".join(p for p in results_params(feed_url, 0, date_from, date_to).split("&")[1:])


def _http_date(raw: str | None) -> int | None:
    if not raw:
        return None
    try:
        return int(parsedate_to_datetime(raw).timestamp())
    except (TypeError, ValueError):
        return None


def _retry_after(response: httpx.Response) -> float | None:
    raw = response.headers.get("Retry-After")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())


class FeedClient:
    """Fetches the feed URL; a failed poll raises, an answer is raw bytes."""

    def __init__(
        self,
        feed_url: str,
        *,
        results_url: str | None = None,
        timeout_s: float = defaults.DEFAULT_TIMEOUT_S,
        max_body_bytes: int = defaults.DEFAULT_MAX_BODY_BYTES,
        policy: RetryPolicy | None = None,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
        failover: bool = False,
        recorder: Recorder | None = None,
        results_kind: str = RESULTS,
    ) -> None:
        self.feed_url = feed_url
        # How the archive files this client's results requests (``AUDIT`` for the re-audit).
        self.results_kind = results_kind
        self.results_url = results_url or results_url_for(feed_url)
        self.max_body_bytes = max_body_bytes
        self.timeout_s = timeout_s
        self.policy = policy or RetryPolicy()
        self._owns_http = http is None
        self._http = http or httpx.Client(
            timeout=httpx.Timeout(timeout_s), headers=HEADERS, follow_redirects=True
        )
        self._sleep = sleep
        self._rand = rand
        # One of several mirrors (feed/mirrors.py): a failure that another host may not have
        # is raised at once so the next host is tried; only a 429 is retried here.
        self.failover = failover
        self.last_attempts = 0
        # Attempts already made by other mirrors for the same fetch (feed/mirrors.py): the
        # recorded attempt numbers run on across hosts, so a replay sees one fetch.
        self.attempt_offset = 0
        # Sees every attempt, failed ones too (docs/archive.md); must not raise.
        self.recorder = recorder

    def fetch_feed(self) -> FeedResponse:
        return self._get(self.feed_url, text.FEED)

    def fetch_results(self, league_id: int, date_from: int, date_to: int) -> bytes:
        query = results_params(self.feed_url, league_id, date_from, date_to)
        return self._get(f"{self.results_url}?{query}", text.RESULTS, self.results_kind).body

    def fetch_champs(self, date_from: int, date_to: int) -> bytes:
        """``v2/champs``: leagues with results in the window (beside ``results_url``)."""
        query = champs_params(self.feed_url, date_from, date_to)
        url = f"{champs_url_for(self.results_url)}?{query}"
        return self._get(url, text.CHAMPS, self.results_kind).body

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> FeedClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(self, url: str, what: str, kind: str = FEED) -> FeedResponse:
        attempt = 0
        while True:
            self.last_attempts = attempt + 1
            try:
                return self._exchange(url, what, kind, self.attempt_offset + attempt + 1)
            except _Retryable as exc:
                if attempt >= self.policy.retries or (self.failover and not exc.throttled):
                    error = FeedThrottled if exc.throttled else FeedUnavailable
                    raise error(
                        text.UNREACHABLE.format(what=what, attempts=attempt + 1, reason=exc.reason)
                    ) from None
                delay = self.policy.delay(attempt, exc.retry_after, self._rand)
                log.debug(text.RETRYING.format(what=what, reason=exc.reason, delay=delay))
                self._sleep(delay)
                attempt += 1

    def _exchange(self, url: str, what: str, kind: str, attempt: int) -> FeedResponse:
        """One attempt, handed to the recorder whatever its outcome."""
        if self.recorder is None:
            return self._attempt(url, what)
        seen = Exchange(kind=kind, attempt=attempt, url=url, started_at=time.time())
        start = time.perf_counter()
        try:
            return self._attempt(url, what, seen)
        except _Retryable as exc:
            seen.error, seen.reason = TRANSIENT, exc.reason
            raise
        except FeedFormatError as exc:
            seen.error, seen.reason = FORMAT, str(exc)
            raise
        except FeedError as exc:
            seen.error, seen.reason = REFUSED, str(exc)
            raise
        except BaseException as exc:  # never recorded as a success (a replay would accept it)
            seen.error, seen.reason = TRANSIENT, type(exc).__name__
            raise
        finally:
            seen.latency_ms = (time.perf_counter() - start) * 1000
            seen.received_at = time.time()
            self.recorder(seen)

    def _attempt(self, url: str, what: str, seen: Exchange | None = None) -> FeedResponse:
        try:
            with self._http.stream("GET", url) as response:
                status = response.status_code
                if seen is not None:
                    seen.status, seen.date = status, response.headers.get("Date")
                    seen.ctype = response.headers.get("Content-Type")
                    if status >= 400:
                        seen.body = self._error_body(response)
                if status in RETRY_STATUSES:
                    raise _Retryable(
                        text.HTTP_STATUS.format(status=status),
                        _retry_after(response),
                        status == 429,
                    )
                if status == 406:
                    raise FeedError(text.HTTP_406.format(what=what))
                if status == 403:
                    raise FeedForbidden(text.HTTP_REFUSED.format(what=what, status=status))
                if status >= 400:
                    raise FeedError(text.HTTP_REFUSED.format(what=what, status=status))
                ctype = response.headers.get("Content-Type", "").lower()
                server_time = _http_date(response.headers.get("Date"))
                body = self._read_capped(response, what)
                if seen is not None:
                    seen.body = body
        except httpx.TimeoutException:
            raise _Retryable(text.TIMEOUT, None) from None
        except httpx.TransportError as exc:
            raise _Retryable(_transport_reason(exc), None) from None
        except httpx.DecodingError:
            raise FeedFormatError(text.BAD_COMPRESSION.format(what=what)) from None
        if "text/html" in ctype or body.lstrip()[:1] == b"<":
            raise FeedHtmlPage(text.HTML_PAGE.format(what=what))
        return FeedResponse(body, server_time)

    def _error_body(self, response: httpx.Response) -> bytes | None:
        """The body of a refused answer, for the archive only: its failure changes nothing."""
        try:
            return self._read_capped(response, "")
        except (FeedError, _Retryable, httpx.HTTPError):
            return None

    def _read_capped(self, response: httpx.Response, what: str) -> bytes:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise FeedFormatError(
                text.TOO_BIG_DECLARED.format(
                    what=what, size=int(declared), limit=self.max_body_bytes
                )
            )
        chunks: list[bytes] = []
        size = 0
        # httpx's read timeout is per read: a server dripping bytes could stretch one fetch
        # without end. The whole body must arrive within twice the timeout.
        deadline = time.monotonic() + 2 * self.timeout_s
        for chunk in response.iter_bytes():
            if time.monotonic() > deadline:
                raise _Retryable(text.TOO_SLOW, None)
            size += len(chunk)
            if size > self.max_body_bytes:
                raise FeedFormatError(text.TOO_BIG.format(what=what, limit=self.max_body_bytes))
            chunks.append(chunk)
        return b"".join(chunks)


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None, throttled: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.throttled = throttled


def _transport_reason(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return text.CONNECT
    if isinstance(exc, httpx.RemoteProtocolError):
        return text.CUT
    return text.NETWORK.format(kind=type(exc).__name__)

"""Rebuild a store from a recording by running the real cycle over it.

``ReplayClient`` is the real ``FeedClient`` whose HTTP attempt is replaced by the next recorded
one: its retry loop, and all of ``Collector.run_cycle`` above it, run unchanged. Each recorded
feed poll (attempt 1) starts a cycle, run at the recorded time; the cycle's results requests are
served from the records that follow it. Nothing is fetched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx

from oracxpred.archive.record import Record
from oracxpred.archive.replay_store import ReplayStore
from oracxpred.collector.cycle import Collector
from oracxpred.config import Settings
from oracxpred.errors import CollectorError, FeedError, FeedFormatError, FeedUnavailable
from oracxpred.feed.client import FeedClient, FeedResponse, RetryPolicy, _http_date, _Retryable
from oracxpred.feed.exchange import FEED, FORMAT, RESULTS, TRANSIENT
from oracxpred.logs import LOGGER_NAME
from oracxpred.store.base import Store


def _nothing_fetched(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("rejeu : aucune requête réseau", request=request)


REPLAYED_KINDS = (FEED, RESULTS)
NO_RECORD = "rejeu : aucune réponse enregistrée pour cette requête"
RESULTS_KEYS = ("champId", "dateFrom", "dateTo")


def _results_key(url: str) -> tuple[str, ...]:
    query = parse_qs(urlsplit(url).query)
    return tuple((query.get(k) or [""])[0] for k in RESULTS_KEYS)


class ReplayClient(FeedClient):
    """Serves one cycle's records, in order, to the unchanged client logic."""

    def __init__(self, feed_url: str) -> None:
        # Retries are the recording's: the loop goes on while attempts were recorded.
        super().__init__(
            feed_url,
            policy=RetryPolicy(retries=1_000_000),
            sleep=lambda _s: None,
            http=httpx.Client(transport=httpx.MockTransport(_nothing_fetched)),
        )
        self._queue: list[Record] = []
        self._next = 0
        self._last_reason = ""
        self.mismatches = 0

    def close(self) -> None:
        self._http.close()

    def load(self, records: list[Record]) -> None:
        self._queue, self._next = records, 0

    def fetch_feed(self) -> FeedResponse:
        """One fetch, as live; over several mirrors a fetch went on to the next host after a
        failure another host may not have (an HTML page, say), and its records number on
        (``attempt`` 2, 3…): they are served as that same fetch."""
        try:
            while True:
                try:
                    return super().fetch_feed()
                except FeedError:
                    following = self._queue[self._next] if self.unused else None
                    if following is None or following.kind != FEED or following.attempt < 2:
                        raise  # the live fetch ended there (the record says so)
                    self.attempt_offset = following.attempt - 1
        finally:
            self.attempt_offset = 0

    @property
    def unused(self) -> int:
        return len(self._queue) - self._next

    def _exchange(self, url: str, what: str, kind: str, attempt: int) -> FeedResponse:
        record = self._queue[self._next] if self._next < len(self._queue) else None
        if record is None or record.kind != kind or record.attempt != attempt:
            if attempt > 1:  # the live client gave up after the previous attempt
                raise FeedUnavailable(
                    f"{what} injoignable après {attempt - 1} tentative(s) : {self._last_reason}"
                )
            self.mismatches += 1
            raise FeedUnavailable(NO_RECORD)
        if kind != FEED and _results_key(record.url) != _results_key(url):
            self.mismatches += 1
            raise FeedUnavailable(NO_RECORD)
        self._next += 1
        reason = record.reason or ""
        self._last_reason = reason
        if record.error is None:
            return FeedResponse(record.body_bytes() or b"", _http_date(record.date))
        if record.error == TRANSIENT:
            raise _Retryable(reason, None)
        if record.error == FORMAT:
            raise FeedFormatError(reason)
        raise FeedError(reason)


@dataclass(slots=True)
class ReplaySummary:
    records: int = 0
    cycles: int = 0
    failed_cycles: int = 0
    saved: int = 0
    skipped_records: int = 0  # before the first poll, or left over by a cycle
    audit_records: int = 0  # the daemon's re-audit requests: not a cycle's
    mismatches: int = 0
    first: str | None = None
    last: str | None = None


def cycles(records: Iterable[Record], summary: ReplaySummary) -> Iterator[list[Record]]:
    """Records grouped by cycle: a feed poll's first attempt opens one."""
    current: list[Record] = []
    for record in records:
        summary.records += 1
        summary.first = summary.first or record.t
        summary.last = record.t
        if record.kind not in REPLAYED_KINDS:
            summary.audit_records += 1
        elif record.kind == FEED and record.attempt == 1:
            if current:
                yield current
            current = [record]
        elif current:
            current.append(record)
        else:
            summary.skipped_records += 1
    if current:
        yield current


@contextmanager
def _quiet(verbose: bool) -> Iterator[None]:
    """Replayed cycles log nothing (thousands of them); the summary says what happened."""
    logger = logging.getLogger(LOGGER_NAME)
    level = logger.level
    if not verbose:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def replay(
    records: Iterable[Record],
    store: Store,
    settings: Settings,
    *,
    on_cycle: Callable[[], object] | None = None,
) -> ReplaySummary:
    summary = ReplaySummary()
    client: ReplayClient | None = None
    collector: Collector | None = None
    target = ReplayStore(store)
    with _quiet(settings.verbose):
        for batch in cycles(records, summary):
            if collector is None or client is None:
                client = ReplayClient(batch[0].url)
                collector = Collector(settings, target, client)
            client.load(batch)
            first = batch[0]
            started = datetime.fromtimestamp(first.when.timestamp() - first.ms / 1000, UTC)
            summary.cycles += 1
            try:
                report = collector.run_cycle(now=started)
                summary.saved += len(report.saved)
            except CollectorError:
                summary.failed_cycles += 1
            summary.skipped_records += client.unused
            if on_cycle is not None:
                on_cycle()
    target.flush()
    if client is not None:
        summary.mismatches = client.mismatches
        client.close()
    return summary

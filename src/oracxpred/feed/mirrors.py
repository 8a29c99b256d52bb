"""Several hosts of the same feed (mirrors of one brand): fail over within a cycle.

Each cycle starts with the host that answered last. A network error, a timeout, a 5xx or an
HTML page sends the cycle to the next host; a 403 or 429 is the site refusing *us*: it is
raised as it is (reported, alerted), never worked around by trying another host. A 406 or a
bad body is the same on every mirror, so it is raised too. With one host this is exactly the
plain ``FeedClient`` (same retries, same messages).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from oracxpred.errors import FeedError, FeedHtmlPage, FeedRefusal, FeedUnavailable
from oracxpred.feed.client import FeedClient, FeedResponse, RetryPolicy
from oracxpred.feed.exchange import RESULTS, Recorder
from oracxpred.logs import get_logger
from oracxpred.ops import messages as messages_ops

log = get_logger("feed.mirrors")


def host_of(url: str) -> str:
    """``host[:port]`` of a URL: what logs, heartbeats and metric labels name."""
    return urlsplit(url).netloc


def fails_over(exc: FeedError) -> bool:
    """Whether another mirror may answer where this one failed."""
    if isinstance(exc, FeedRefusal):
        return False
    return isinstance(exc, FeedUnavailable | FeedHtmlPage)


class MirrorClient:
    """The ``FeedClient`` interface over several feed URLs (same path and query, other hosts)."""

    def __init__(
        self,
        feed_urls: Sequence[str],
        *,
        results_url: str | None = None,
        timeout_s: float,
        max_body_bytes: int,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
        recorder: Recorder | None = None,
        results_kind: str = RESULTS,
    ) -> None:
        if not feed_urls:
            raise ValueError("at least one feed URL")
        self.policy = policy or RetryPolicy()
        several = len(feed_urls) > 1
        self.clients = [
            FeedClient(
                url,
                results_url=results_url,
                timeout_s=timeout_s,
                max_body_bytes=max_body_bytes,
                policy=self.policy,
                sleep=sleep,
                rand=rand,
                failover=several,
                recorder=recorder,
                results_kind=results_kind,
            )
            for url in feed_urls
        ]
        self._sleep, self._rand = sleep, rand
        # Every host's exchanges go to the same archive (docs/archive.md): a record's URL
        # says which mirror answered.
        self.recorder = recorder
        self.current = 0
        self.switches = 0
        self.last_attempts = 0

    @property
    def client(self) -> FeedClient:
        return self.clients[self.current]

    @property
    def feed_url(self) -> str:
        return self.client.feed_url

    @property
    def results_url(self) -> str:
        """The results service follows the host in use (unless ``--results-url`` is set)."""
        return self.client.results_url

    @property
    def current_host(self) -> str:
        return host_of(self.client.feed_url)

    @property
    def hosts(self) -> list[str]:
        return [host_of(c.feed_url) for c in self.clients]

    def fetch_feed(self) -> FeedResponse:
        if len(self.clients) == 1:
            try:
                return self.client.fetch_feed()
            finally:
                self.last_attempts = self.client.last_attempts
        return self._fail_over()

    def fetch_results(self, league_id: int, date_from: int, date_to: int) -> bytes:
        """The host in use first; another mirror's results service when it fails."""
        return self._results_over_hosts(lambda c: c.fetch_results(league_id, date_from, date_to))

    def fetch_champs(self, date_from: int, date_to: int) -> bytes:
        return self._results_over_hosts(lambda c: c.fetch_champs(date_from, date_to))

    def use_host(self, host: str | None) -> None:
        """Start with ``host`` (the daemon's host in use), when it is one of the mirrors."""
        if host in self.hosts:
            self.current = self.hosts.index(host)

    def _results_over_hosts(self, call: Callable[[FeedClient], bytes]) -> bytes:
        """One request to the results service of the host in use, then of each other mirror
        on a failure another host may not have (not a 403/429). The host in use stays: it is
        the feed's; only this request went elsewhere."""
        count = len(self.clients)
        first: FeedError | None = None
        for step in range(count):
            client = self.clients[(self.current + step) % count]
            try:
                return call(client)
            except FeedError as exc:
                if count == 1 or not fails_over(exc):
                    raise
                first = first or exc
                log.debug(messages_ops.MIRROR_FAILED.format(host=host_of(client.feed_url)))
        assert first is not None
        raise first

    def close(self) -> None:
        for client in self.clients:
            client.close()

    def __enter__(self) -> MirrorClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _fail_over(self) -> FeedResponse:
        """Rounds over every host, the last good one first; back-off between rounds only."""
        count = len(self.clients)
        order = [(self.current + step) % count for step in range(count)]
        reasons: dict[str, str] = {}
        self.last_attempts = 0
        for round_ in range(self.policy.retries + 1):
            if round_:
                self._sleep(self.policy.delay(round_ - 1, None, self._rand))
            for index in order:
                client = self.clients[index]
                client.attempt_offset = self.last_attempts  # recorded numbers run on
                try:
                    response = client.fetch_feed()
                except FeedError as exc:
                    self.last_attempts += client.last_attempts
                    if not fails_over(exc):
                        raise
                    reasons[host_of(client.feed_url)] = str(exc)
                    log.debug(messages_ops.MIRROR_FAILED.format(host=host_of(client.feed_url)))
                    continue
                finally:
                    client.attempt_offset = 0
                self.last_attempts += client.last_attempts
                self._switch_to(index, reasons)
                return response
        detail = " ; ".join(f"{host} : {reason}" for host, reason in reasons.items())
        raise FeedUnavailable(messages_ops.MIRRORS_ALL_FAILED.format(detail=detail))

    def _switch_to(self, index: int, reasons: dict[str, str]) -> None:
        if index == self.current:
            return
        before = self.current_host
        self.current = index
        self.switches += 1
        log.warning(
            messages_ops.MIRROR_SWITCH.format(
                before=before, after=self.current_host, reason=reasons.get(before, "?")
            )
        )

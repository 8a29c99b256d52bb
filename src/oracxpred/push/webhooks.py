"""Webhooks: each stored match POSTed to every ``--webhook-url``, in ``seq`` order, at least
once (README, « Push »).

The matches are the queue: what a URL still has to receive is ``matches_after(last_seq)``, and
``last_seq`` (the last seq the URL acknowledged with a 2xx) is a checkpoint of the store
(``webhook-<hash of the URL>``: a file beside the CSV, a row of ``checkpoints`` in SQL), saved
after each delivery. A crash between the POST and that save re-sends one match: receivers
de-duplicate with ``X-OracXPred-Seq``. A URL never seen before starts after the last match
stored when it is first configured (the history is ``/api/matches?after_seq=0``).

A failure (connection refused, timeout, 5xx, and also any 4xx: never dropped) stops that URL
at the failed match and retries it after an exponential back-off capped at
``backoff_cap_s``; other URLs go on. One WARNING per outage, DEBUG for each further attempt.

``Pusher.deliver`` runs on the daemon's own thread (``PushThread``), never on the collection's;
the one-shot run calls it once at the end with a deadline (``ONE_SHOT_BUDGET_S``).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from oracxpred import __version__
from oracxpred.config import Settings
from oracxpred.errors import CollectorError, ConfigError
from oracxpred.logs import get_logger, mask_secrets, mask_url
from oracxpred.push import messages
from oracxpred.push.body import SEQ_HEADER, SIGNATURE_HEADER, body_bytes, signature
from oracxpred.store.base import Store
from oracxpred.store.cursor import MAX_LIMIT

if TYPE_CHECKING:
    from oracxpred.metrics import CollectorMetrics

log = get_logger("push.webhooks")

PAGE = 100
"""Matches read from the store at a time, per URL."""
TIMEOUT_S = 10.0
"""Longest wait for one receiver's answer: a slow one counts as a failure, retried later."""
BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 300.0
"""Retry delays after consecutive failures of one URL: 1, 2, 4 … s, at most 5 min."""
IDLE_WAIT_S = 5.0
"""The daemon's push thread looks for new matches at least this often (and after each cycle)."""
ROUND_S = 30.0
"""Longest delivery round of the thread before it looks at its stop flag again."""
ONE_SHOT_BUDGET_S = 10.0
"""What a one-shot run gives the webhooks at its end; the rest goes at the next run."""
RETRIED_4XX = (408, 429)


def check_settings(settings: Settings) -> None:
    """Refuse to start a collector whose webhooks could not be signed, or aimed nowhere."""
    for url in settings.webhook_urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(messages.BAD_URL.format(url=mask_secrets(url)))
    if settings.webhook_urls and not (settings.webhook_secret or "").strip():
        raise ConfigError(messages.SECRET_MISSING.format(count=len(settings.webhook_urls)))


def checkpoint_name(url: str) -> str:
    """Where the delivery state of ``url`` lives (≤ 64 characters, no secret in clear)."""
    return "webhook-" + hashlib.sha256(url.encode()).hexdigest()[:32]


def shown(url: str) -> str:
    """The URL for logs: password masked, query string (often a token) dropped."""
    parts = urlsplit(mask_url(url))
    return parts._replace(query="", fragment="").geturl()


@dataclass
class Target:
    url: str
    last_seq: int | None = None  # None: the checkpoint is not loaded yet
    failures: int = 0
    retry_at: float = 0.0
    warned: bool = False
    pending: int = 0

    @property
    def name(self) -> str:
        return shown(self.url)


class Pusher:
    def __init__(
        self,
        store: Store,
        urls: Sequence[str],
        secret: str,
        *,
        metrics: CollectorMetrics | None = None,
        timeout_s: float = TIMEOUT_S,
        backoff_base_s: float = BACKOFF_BASE_S,
        backoff_cap_s: float = BACKOFF_CAP_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store, self.secret, self.metrics = store, secret, metrics
        self.targets = [Target(url) for url in dict.fromkeys(urls)]
        self.timeout_s, self.clock = timeout_s, clock
        self.backoff_base_s, self.backoff_cap_s = backoff_base_s, backoff_cap_s
        self.client = httpx.Client(
            timeout=timeout_s,
            follow_redirects=False,
            headers={"User-Agent": f"oracxpred/{__version__}", "Content-Type": "application/json"},
        )
        self.more = False  # the last round stopped with matches left and nothing failing

    # -- state ------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Load (or create) every URL's position now: a new URL starts after what is stored
        before this run collects. A store that does not answer is tried again later."""
        for target in self.targets:
            self._load(target)
        known = [t.last_seq for t in self.targets if t.last_seq is not None]
        if known:
            log.info(messages.STARTED, len(self.targets), min(known) + 1)

    def _load(self, target: Target) -> bool:
        if target.last_seq is not None:
            return True
        name = checkpoint_name(target.url)
        try:
            data = self.store.load_checkpoint(name)
            seq = data.get("last_seq") if data else None
            if isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0:
                target.last_seq = seq
                return True
            target.last_seq = self.store.last_seq()
            self.store.save_checkpoint(name, {"url": target.name, "last_seq": target.last_seq})
        except CollectorError as exc:
            target.last_seq = None
            log.debug(messages.STORE_UNREADABLE, mask_secrets(str(exc)))
            return False
        return True

    def _delivered(self, target: Target, seq: int) -> None:
        target.last_seq = seq
        if target.warned:
            log.info(messages.BACK, target.name, target.failures, seq)
        target.failures, target.warned, target.retry_at = 0, False, 0.0
        try:
            self.store.save_checkpoint(
                checkpoint_name(target.url), {"url": target.name, "last_seq": seq}
            )
        except CollectorError as exc:  # in memory it moved on; a restart may re-send
            log.debug(messages.STATE_NOT_SAVED, target.name, mask_secrets(str(exc)))

    def _failed(self, target: Target, reason: str) -> None:
        target.failures += 1
        if self.metrics is not None:
            self.metrics.webhook_failures.inc()
        delay = min(self.backoff_cap_s, self.backoff_base_s * 2 ** (target.failures - 1))
        target.retry_at = self.clock() + delay
        if not target.warned:
            target.warned = True
            log.warning(messages.DOWN, target.name, reason, self.backoff_cap_s)
        else:
            log.debug(messages.STILL_DOWN, target.name, target.failures, reason, delay)

    # -- delivery ---------------------------------------------------------------------------

    def deliver(self, deadline: float | None = None) -> int:
        """Send what each URL still has to receive, in order, until done, failing or past
        ``deadline`` (a ``clock`` value); returns how many POSTs succeeded."""
        self.more = False
        sent = sum(self._deliver(target, deadline) for target in self.targets)
        self._count_pending()
        return sent

    def _deliver(self, target: Target, deadline: float | None) -> int:
        if not self._load(target) or self.clock() < target.retry_at:
            return 0
        sent = 0
        while True:
            assert target.last_seq is not None
            try:
                page = self.store.matches_after(target.last_seq, PAGE)
            except CollectorError as exc:
                log.debug(messages.STORE_UNREADABLE, mask_secrets(str(exc)))
                return sent
            if not page.items:
                return sent
            for item in page.items:
                left = None if deadline is None else deadline - self.clock()
                if left is not None and left <= 0:
                    self.more = True
                    return sent
                problem = self._post(target, item.seq, body_bytes(item), left)
                if problem is not None:
                    self._failed(target, problem)
                    return sent
                self._delivered(target, item.seq)
                sent += 1

    def _post(self, target: Target, seq: int, body: bytes, left: float | None) -> str | None:
        """None when the receiver took it (2xx), else why not (French)."""
        timeout = self.timeout_s if left is None else max(0.05, min(self.timeout_s, left))
        headers = {SIGNATURE_HEADER: signature(self.secret, body), SEQ_HEADER: str(seq)}
        try:
            answer = self.client.post(target.url, content=body, headers=headers, timeout=timeout)
        except httpx.TimeoutException:
            return messages.TIMEOUT.format(timeout=timeout)
        except httpx.HTTPError as exc:
            return messages.UNREACHABLE.format(reason=mask_secrets(str(exc)) or type(exc).__name__)
        status = answer.status_code
        if 200 <= status < 300:
            return None
        if 400 <= status < 500 and status not in RETRIED_4XX:
            return messages.REFUSED.format(status=status)
        return messages.HTTP_STATUS.format(status=status)

    def _count_pending(self) -> None:
        total = 0
        for target in self.targets:
            if target.last_seq is None:
                continue
            try:
                target.pending = len(self.store.matches_after(target.last_seq, MAX_LIMIT).items)
            except CollectorError:
                pass  # keep the last count
            total += target.pending
        if self.metrics is not None:
            self.metrics.webhook_pending.set(total)

    @property
    def pending(self) -> int:
        """Matches not yet acknowledged, all URLs (each counted up to ``MAX_LIMIT``)."""
        return sum(t.pending for t in self.targets)

    def due(self) -> bool:
        """Whether no URL is waiting out a back-off."""
        now = self.clock()
        return all(now >= t.retry_at for t in self.targets)

    def next_wait(self) -> float:
        """How long the push thread may sleep before something is due."""
        if self.more:
            return 0.0
        now = self.clock()
        waits = [t.retry_at - now for t in self.targets if t.failures]
        return max(0.0, min([IDLE_WAIT_S, *waits]))

    def close(self) -> None:
        self.client.close()


class PushThread(threading.Thread):
    """The daemon's deliveries, beside the collection: a down or slow receiver only ever
    delays this thread. Woken after each cycle; ``active`` says whether this process holds
    the lease (only the active collector pushes)."""

    def __init__(self, pusher: Pusher, active: Callable[[], bool] = lambda: True) -> None:
        super().__init__(name="oracxpred-webhooks", daemon=True)
        self.pusher, self.active = pusher, active
        self._wake = threading.Event()
        self._stop_flag = threading.Event()

    def run(self) -> None:
        while not self._stop_flag.is_set():
            if self.active():
                try:
                    self.pusher.deliver(self.pusher.clock() + ROUND_S)
                except Exception:  # the thread must outlive any surprise
                    log.exception(messages.UNEXPECTED)
            self._wake.wait(self.pusher.next_wait() if self.active() else IDLE_WAIT_S)
            self._wake.clear()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float) -> None:
        """Stop after the POST in flight (bounded by the receiver timeout)."""
        self._stop_flag.set()
        self._wake.set()
        if self.is_alive():
            self.join(timeout)
        if not self.is_alive():
            self.pusher.close()


def build_pusher(
    settings: Settings, store: Store, metrics: CollectorMetrics | None = None
) -> Pusher | None:
    """The pusher of the configured webhooks, or None without any; ``ConfigError`` when
    they cannot be signed."""
    if not settings.webhook_urls:
        return None
    check_settings(settings)
    assert settings.webhook_secret is not None
    return Pusher(store, settings.webhook_urls, settings.webhook_secret, metrics=metrics)


def deliver_once(pusher: Pusher, budget_s: float = ONE_SHOT_BUDGET_S) -> None:
    """The one-shot run's end: what fits in ``budget_s``; never raises."""
    try:
        pusher.deliver(pusher.clock() + budget_s)
        if pusher.pending:
            log.info(messages.ONE_SHOT_LEFT, pusher.pending, budget_s)
    except Exception:
        log.exception(messages.UNEXPECTED)
    finally:
        pusher.close()

"""Alerts through apprise (Telegram, e-mail, Discord, ntfy, webhooks…): one message when an
incident opens, one when it recovers, never more often than the cooldown allows.

Delivery runs in a background thread fed by a bounded queue: a slow or dead receiver never
delays a cycle, a full queue drops the message (logged), a failed delivery is logged.

The API other parts of the collector call (audit, archive…)::

    from oracxpred.ops import alerts
    alerts.raise_incident("completeness", "Complétude 97 % sur la ligue X")  # opens, once
    alerts.resolve("completeness")  # recovery message, if the opening was sent
    alerts.add_to_summary(lambda: "Complétude : 100 %")  # a line of the daily summary

Both are no-ops when no alert URL is configured (no ``Alerter`` installed), return whether a
message was queued, and never raise. Kinds are free strings; ``messages.INCIDENTS`` names the
known ones.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from oracxpred.logs import get_logger
from oracxpred.ops import messages

log = get_logger("ops.alerts")

QUEUE_SIZE = 100
"""Messages waiting for delivery at most; beyond, new ones are dropped (and logged)."""

CLOSE_WAIT_S = 5.0
"""How long ``close`` lets queued messages go out."""


@dataclass(slots=True)
class Incident:
    kind: str
    message: str
    opened: float  # clock() when it opened
    announced: bool  # its opening was sent (so its recovery will be)


@dataclass(frozen=True, slots=True)
class Message:
    kind: str
    state: str  # "firing", "resolved", "notice", "summary"
    title: str
    body: str


Sender = Callable[[Message], bool]


def apprise_sender(urls: Sequence[str]) -> Sender:
    """Deliver with apprise to every URL; False when any delivery failed."""
    with warnings.catch_warnings():
        # apprise 2.3 loads its plugins on the first URL, one of which imports the stdlib's
        # deprecated ``imghdr`` (Python 3.11/3.12).
        warnings.simplefilter("ignore", DeprecationWarning)
        import apprise

        # apprise logs in English at WARNING; our own French line says what failed.
        logging.getLogger("apprise").setLevel(logging.CRITICAL)
        notifier = apprise.Apprise()
        for index, url in enumerate(urls, start=1):
            if not notifier.add(url):
                log.warning(messages.ALERT_NO_URL.format(index=index))

    def send(message: Message) -> bool:
        kind = apprise.NotifyType.SUCCESS if message.state == "resolved" else "failure"
        if message.state in ("notice", "summary"):
            kind = apprise.NotifyType.INFO
        return bool(notifier.notify(body=message.body, title=message.title, notify_type=kind))

    return send


def _kind_name(kind: str) -> str:
    return messages.INCIDENTS.get(kind, kind)


class Alerter:
    """Open incidents, the cooldown per kind, and the delivery thread."""

    def __init__(
        self,
        sender: Sender,
        *,
        cooldown_s: float,
        clock: Callable[[], float] = time.monotonic,
        queue_size: int = QUEUE_SIZE,
        on_sent: Callable[[Message, bool], None] | None = None,
    ) -> None:
        self._sender, self.cooldown_s, self._clock = sender, cooldown_s, clock
        self._on_sent = on_sent
        self._lock = threading.Lock()
        self._open: dict[str, Incident] = {}
        self._last_sent: dict[str, float] = {}
        self._queue: queue.Queue[Message | None] = queue.Queue(maxsize=queue_size)
        self._thread = threading.Thread(target=self._deliver, name="oracxpred-alerts", daemon=True)
        self._thread.start()

    @property
    def open_kinds(self) -> list[str]:
        with self._lock:
            return sorted(self._open)

    def raise_incident(self, kind: str, message: str) -> bool:
        """Open ``kind`` (or refresh its text when already open); True when a message went."""
        with self._lock:
            now = self._clock()
            quiet = now - self._last_sent.get(kind, -self.cooldown_s) < self.cooldown_s
            incident = self._open.get(kind)
            if incident is None:
                self._open[kind] = incident = Incident(kind, message, now, announced=False)
            incident.message = message
            # An incident that opened during the cooldown is announced once the cooldown is
            # over, if it is still open: a long outage is never kept quiet.
            if incident.announced or quiet:
                return False
            incident.announced = True
            self._last_sent[kind] = now
        title = messages.ALERT_TITLE.format(summary=_kind_name(kind))
        return self._enqueue(Message(kind, "firing", title, message))

    def resolve(self, kind: str) -> bool:
        """Close ``kind``; its recovery is sent when its opening was."""
        with self._lock:
            incident = self._open.pop(kind, None)
            if incident is None or not incident.announced:
                return False
            now = self._clock()
            self._last_sent[kind] = now
        summary = _kind_name(kind)
        body = messages.RECOVERY_BODY.format(
            minutes=(now - incident.opened) / 60, summary=incident.message
        )
        return self._enqueue(
            Message(kind, "resolved", messages.RECOVERY_TITLE.format(summary=summary), body)
        )

    def notice(self, kind: str, message: str) -> bool:
        """A one-off event (no recovery to wait for), at most once per cooldown."""
        with self._lock:
            now = self._clock()
            if now - self._last_sent.get(kind, -self.cooldown_s) < self.cooldown_s:
                return False
            self._last_sent[kind] = now
        title = messages.ALERT_TITLE.format(summary=_kind_name(kind))
        return self._enqueue(Message(kind, "notice", title, message))

    def summary(self, body: str, day: datetime | None = None) -> bool:
        """The daily summary: never subject to the cooldown."""
        when = (day or datetime.now(UTC)).strftime("%Y-%m-%d")
        return self._enqueue(
            Message("summary", "summary", messages.SUMMARY_TITLE.format(day=when), body)
        )

    def close(self, timeout: float = CLOSE_WAIT_S) -> None:
        """Let queued messages go (bounded wait), then stop the thread."""
        try:
            self._queue.put(None, timeout=timeout)
        except queue.Full:
            return
        self._thread.join(timeout)

    def _enqueue(self, message: Message) -> bool:
        try:
            self._queue.put_nowait(message)
        except queue.Full:
            log.warning(messages.ALERT_QUEUE_FULL.format(title=message.title))
            self._notify(message, False)
            return False
        return True

    def _deliver(self) -> None:
        while True:
            message = self._queue.get()
            if message is None:
                return
            try:
                ok = self._sender(message)
                reason = "" if ok else "refusé ou injoignable"
            except Exception as exc:  # noqa: BLE001 - a broken notifier must not kill the thread
                ok, reason = False, f"{type(exc).__name__}: {exc}"
            if not ok:
                text = messages.ALERT_DELIVERY_FAILED.format(title=message.title, reason=reason)
                log.warning(text)
            self._notify(message, ok)

    def _notify(self, message: Message, ok: bool) -> None:
        if self._on_sent is not None:
            self._on_sent(message, ok)


# -- The process-wide alerter (what other modules call) ---------------------------------------

_active: Alerter | None = None


def install(alerter: Alerter | None) -> None:
    """Make ``alerter`` the one ``raise_incident``/``resolve`` use (None: alerts off)."""
    global _active
    _active = alerter


def active() -> Alerter | None:
    return _active


def raise_incident(kind: str, message: str) -> bool:
    """Open incident ``kind`` with a French ``message``; see the module docstring."""
    alerter = _active
    return alerter.raise_incident(kind, message) if alerter is not None else False


def resolve(kind: str) -> bool:
    """Close incident ``kind``; a recovery message goes when its opening did."""
    alerter = _active
    return alerter.resolve(kind) if alerter is not None else False


_summary_parts: list[Callable[[], str]] = []


def add_to_summary(part: Callable[[], str]) -> None:
    """Register a line of the daily summary (e.g. the audit's completeness per league)."""
    _summary_parts.append(part)


def summary_lines() -> list[str]:
    """The registered summary lines; a part that fails is left out (and logged)."""
    lines = []
    for part in list(_summary_parts):
        try:
            lines.append(part())
        except Exception:  # another module's bug must not cost the summary
            log.exception(messages.WATCH_ERROR)
    return lines


def notice(kind: str, message: str) -> bool:
    """A one-off event, at most once per cooldown."""
    alerter = _active
    return alerter.notice(kind, message) if alerter is not None else False

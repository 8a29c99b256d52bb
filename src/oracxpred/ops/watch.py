"""What each tick of the schedule tells the alerts: incidents opened and closed, the daily
summary, the feed host metric. Called by ``CycleRunner``; never raises into it.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oracxpred.errors import FeedError, FeedRefusal, FeedThrottled
from oracxpred.feed.mirrors import MirrorClient
from oracxpred.logs import escape, get_logger, mask_secrets
from oracxpred.ops import alerts, messages

if TYPE_CHECKING:
    from oracxpred.collector.cycle import Collector, CycleReport
    from oracxpred.collector.lease import Holder
    from oracxpred.config import Settings
    from oracxpred.metrics import CollectorMetrics

log = get_logger("ops.watch")

MB = 1024 * 1024


def free_mb(path: Path) -> float | None:
    """Free space where ``path`` is (or would be) written; None when it cannot be told."""
    folder = path if path.is_dir() else path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free / MB
    except OSError:
        return None


def build_alerter(settings: Settings, metrics: CollectorMetrics | None) -> alerts.Alerter | None:
    """The alerter of ``--alert-url`` (None without one), installed process-wide."""
    if not settings.alert_urls:
        return None

    def sent(message: alerts.Message, ok: bool) -> None:
        if metrics is None:
            return
        if ok:
            metrics.alerts_sent.labels(kind=message.kind, state=message.state).inc()
        else:
            metrics.alerts_failed.inc()

    alerter = alerts.Alerter(
        alerts.apprise_sender(settings.alert_urls),
        cooldown_s=settings.alert_cooldown_min * 60,
        on_sent=sent,
    )
    alerts.install(alerter)
    return alerter


class IncidentWatch:
    """Turns tick outcomes into incidents. Times are UTC datetimes from ``now``."""

    def __init__(
        self,
        settings: Settings,
        metrics: CollectorMetrics | None = None,
        alerter: alerts.Alerter | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings, self.metrics, self.alerter, self._now = settings, metrics, alerter, now
        self.after = timedelta(minutes=settings.alert_after_min)
        started = now()
        self._feed_failing_since: datetime | None = None
        self._events_seen = started
        self._spooled = 0
        self._switches = 0  # the client's switch count already reported
        self._collecting = False
        # A collector started after today's summary time sends the first one tomorrow.
        self._summary_day: str | None = None
        if settings.alert_summary and started >= self._summary_time(started):
            self._summary_day = started.strftime("%Y-%m-%d")
        self._day = _DayTally()

    # -- hooks called by CycleRunner (each guarded) ----------------------------------------

    def cycle_ok(self, collector: Collector, report: CycleReport) -> None:
        self._guard(self._cycle_ok, collector, report)

    def cycle_failed(self, collector: Collector, exc: BaseException) -> None:
        self._guard(self._cycle_failed, collector, exc)

    def took_lease(self) -> None:
        self._collecting = True
        self._guard(self._resolve, "lease")

    def standby(self, holder: Holder | None) -> None:
        was, self._collecting = self._collecting, False
        if was:
            who = holder.describe() if holder else "détenteur inconnu"
            self._guard(self._notice, "lease_lost", messages.LEASE_LOST.format(holder=who))

    def lease_failed(self, exc: BaseException) -> None:
        text = messages.LEASE_FAILING.format(reason=mask_secrets(str(exc)))
        self._guard(self._raise, "lease", text)

    def close(self) -> None:
        if self.alerter is not None:
            self.alerter.close()
            if alerts.active() is self.alerter:
                alerts.install(None)

    # -- what each outcome means ----------------------------------------------------------

    def _cycle_ok(self, collector: Collector, report: CycleReport) -> None:
        now = self._now()
        self._host_metric(collector)
        if self.metrics is not None:
            self.metrics.cycle_details(
                rejected=len(report.rejected),
                spooled=report.spooled,
                duration_s=(datetime.now(UTC) - report.started_at).total_seconds(),
                leagues=[escape(m.league or "?", 80) for m in report.saved],
            )
        self._day.ok += 1
        self._day.saved.update(m.league or "?" for m in report.saved)
        self._feed_failing_since = None
        self._resolve("feed")
        self._resolve("blocked")
        if report.events:
            self._events_seen = now
            self._resolve("no_events")
        elif now - self._events_seen >= self.after:
            minutes = (now - self._events_seen).total_seconds() / 60
            self._raise("no_events", messages.NO_EVENTS.format(minutes=minutes))
        if report.results_error:
            self._raise("results", messages.RESULTS_FAILING.format(reason=report.results_error))
        else:
            self._resolve("results")
        if report.rejected:
            first = escape(report.rejected[0].reason)
            text = messages.REJECTED.format(count=len(report.rejected), reason=first)
            self._raise("rejected", text)
        else:
            self._resolve("rejected")
        if report.unresolved:
            self._notice("unresolved", messages.UNRESOLVED.format(count=report.unresolved))
        if report.spooled > self._spooled:
            self._raise("spool", messages.SPOOL_GROWING.format(count=report.spooled))
        elif not report.spooled:
            self._resolve("spool")
        self._spooled = report.spooled
        self._check_disk()
        self._maybe_summary(now)

    def _cycle_failed(self, collector: Collector, exc: BaseException) -> None:
        now = self._now()
        self._host_metric(collector)
        self._day.failed += 1
        self._day.error = mask_secrets(str(exc))
        if isinstance(exc, FeedRefusal):
            status = "429" if isinstance(exc, FeedThrottled) else "403"
            if self.metrics is not None:
                self.metrics.feed_refusals.labels(status=status).inc()
            self._raise("blocked", messages.BLOCKED.format(reason=exc))
        if isinstance(exc, FeedError):
            if self._feed_failing_since is None:
                self._feed_failing_since = now
            lasted = now - self._feed_failing_since
            if lasted >= self.after:
                minutes = lasted.total_seconds() / 60
                self._raise("feed", messages.FEED_FAILING.format(minutes=minutes, reason=exc))
        self._check_disk()
        self._maybe_summary(now)

    def _check_disk(self) -> None:
        """The CSV (or spool) folder and the archive's, which may be on another disk."""
        paths = [self.settings.csv_path]
        if self.settings.archive:
            paths.append(self.settings.archive_path / "x")  # ``free_mb`` looks at the parent
        measured = [(free, path) for path in paths if (free := free_mb(path)) is not None]
        if not measured:
            return
        free, path = min(measured, key=lambda fp: fp[0])
        limit = self.settings.alert_disk_mb
        if free < limit:
            self._raise("disk", messages.DISK_LOW.format(path=path.parent, free=free, limit=limit))
        else:
            self._resolve("disk")

    def _host_metric(self, collector: Collector) -> None:
        client = collector.client
        if self.metrics is None or not isinstance(client, MirrorClient):
            return
        # The client counts its switches: one in the very first cycle counts too.
        switched = client.switches > self._switches
        self._switches = client.switches
        self.metrics.host_used(client.current_host, client.hosts, switched)

    def _summary_time(self, now: datetime) -> datetime:
        hour, minute = (int(part) for part in str(self.settings.alert_summary).split(":"))
        return now.replace(hour=hour, minute=minute, second=0, microsecond=0)

    def _maybe_summary(self, now: datetime) -> None:
        if not self.settings.alert_summary or self.alerter is None:
            return
        today = now.strftime("%Y-%m-%d")
        if self._summary_day == today or now < self._summary_time(now):
            return
        self._summary_day = today
        tally, self._day = self._day, _DayTally()
        leagues = ", ".join(f"{name} {count}" for name, count in tally.saved.most_common())
        body = messages.SUMMARY_BODY.format(
            ok=tally.ok,
            failed=tally.failed,
            saved=sum(tally.saved.values()),
            leagues=leagues or "aucun match",
            open=", ".join(self.alerter.open_kinds) or "aucun",
            error=tally.error or "aucune",
        )
        self.alerter.summary("\n".join([body, *alerts.summary_lines()]), now)

    # -- delivery --------------------------------------------------------------------------

    def _raise(self, kind: str, text: str) -> None:
        if self.alerter is not None:
            self.alerter.raise_incident(kind, text)

    def _resolve(self, kind: str) -> None:
        if self.alerter is not None:
            self.alerter.resolve(kind)

    def _notice(self, kind: str, text: str) -> None:
        if self.alerter is not None:
            self.alerter.notice(kind, text)

    def _guard(self, func: Callable[..., None], *args: Any) -> None:
        try:
            func(*args)
        except Exception:  # the alerts must never break a tick
            log.exception(messages.WATCH_ERROR)


class _DayTally:
    def __init__(self) -> None:
        self.ok = 0
        self.failed = 0
        self.saved: Counter[str] = Counter()
        self.error = ""

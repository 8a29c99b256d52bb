"""The daemon's continuous re-audit: the last hours, hour by hour, gaps repaired.

Light on the service: one ``v2/champs`` call, then one ``v3/games`` call per league and hour.
Only the lease holder runs it (it writes). Each hour's result (expected, missing found, missing
left after the repair) is kept in the store's ``completeness`` checkpoint for 7 days: the gauge
``oracxpred_completeness_ratio{league}`` (share present after the repair) and the Santé page's
chart read it. Matches the re-audit had to add are counted (``oracxpred_audit_repaired_total``)
and, for hours this daemon was running, announced: the collector missed them, and a repaired
row has no odds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oracxpred import defaults
from oracxpred.archive.writer import writer_for
from oracxpred.core.backfill import Checkpoint
from oracxpred.errors import CollectorError
from oracxpred.feed.mirrors import host_of
from oracxpred.history import messages
from oracxpred.history.audit import run_audit
from oracxpred.history.backfill import Pacer, ResultsSource, client_for, discover_leagues
from oracxpred.logs import get_logger, mask_secrets
from oracxpred.ops import alerts
from oracxpred.store.base import Store

log = get_logger("history.continuous")

NAME = "completeness"
KEEP_S = 7 * 86400
HOUR_S = 3600
SETTLE_LIVE_S = 3600
"""Hours younger than this are the live collector's (a row it stores has the odds, a repair
has none): the re-audit never races it."""


@dataclass(frozen=True, slots=True)
class DayRatio:
    league_id: int
    league: str
    day: int  # UTC midnight
    expected: int
    left: int  # still missing after the repair
    missing: int = 0  # found missing by the re-audit (then added without odds, or left)

    @property
    def ratio(self) -> float:
        """Share of the expected matches present once the re-audit has repaired."""
        return 1.0 if not self.expected else (self.expected - self.left) / self.expected


@dataclass(frozen=True, slots=True)
class RecentAudit:
    """One re-audit: the updated checkpoint, and what it added per league and hour."""

    record: dict[str, Any]
    repaired: dict[str, dict[int, int]]  # league name (id when unnamed) → hour → added


def audit_recent(
    store: Store, client: ResultsSource, now: int, hours: int = defaults.AUDIT_RECENT_HOURS
) -> RecentAudit:
    """Re-audit and repair the last ``hours`` full hours."""
    upper = (now - SETTLE_LIVE_S) // HOUR_S * HOUR_S
    lower = upper - hours * HOUR_S
    pacer = Pacer(0)
    names = discover_leagues(client, Checkpoint(upper), lower, upper, pacer)
    record = store.load_checkpoint(NAME) or {}
    expected = missing = repaired = 0
    added: dict[str, dict[int, int]] = {}
    hours_to_check = range(lower, upper, HOUR_S) if names else range(0)
    for hour in hours_to_check:
        report = run_audit(store, client, hour, hour + HOUR_S, leagues=list(names), repair=True)
        if report.failures:
            raise CollectorError(report.failures[0])
        for day in report.days:
            entry = record.setdefault(str(day.league_id), {"name": "", "hours": {}})
            entry["name"] = names.get(day.league_id) or day.league or entry["name"]
            left = report.left(day)
            entry["hours"][str(hour)] = [day.expected, len(day.missing), left]
            if len(day.missing) > left:
                label = entry["name"] or str(day.league_id)
                added.setdefault(label, {})[hour] = len(day.missing) - left
        expected += report.expected
        missing += report.missing
        repaired += report.repaired
    cutoff = now - KEEP_S
    for entry in record.values():
        entry["hours"] = {h: v for h, v in entry["hours"].items() if int(h) >= cutoff}
    store.save_checkpoint(NAME, record)
    log.info(
        messages.CONTINUOUS.format(
            expected=expected, hours=hours, missing=missing, repaired=repaired
        )
    )
    return RecentAudit(record, added)


def day_ratios(record: dict[str, Any] | None) -> list[DayRatio]:
    """Per league and UTC day, from the ``completeness`` checkpoint (oldest day first)."""
    out: dict[tuple[int, int], list[int]] = {}  # expected, left, missing
    names: dict[int, str] = {}
    for key, entry in (record or {}).items():
        try:
            league_id = int(key)
            names[league_id] = str(entry.get("name", ""))
            for hour, values in entry.get("hours", {}).items():
                day = int(hour) // 86400 * 86400
                expected, missing, left = int(values[0]), int(values[1]), int(values[2])
                acc = out.setdefault((league_id, day), [0, 0, 0])
                acc[0] += expected
                acc[1] += left
                acc[2] += missing
        except (AttributeError, TypeError, ValueError, IndexError):
            continue  # a damaged entry is not shown; the next audit rewrites it
    return [
        DayRatio(league_id, names[league_id], day, exp, left, missing)
        for (league_id, day), (exp, left, missing) in sorted(
            out.items(), key=lambda kv: (kv[0][1], kv[0][0])
        )
    ]


def league_ratios(record: dict[str, Any] | None) -> dict[str, float]:
    """Gauge values: league name (id when unnamed) → stored share over the days kept."""
    totals: dict[str, list[int]] = {}
    for d in day_ratios(record):
        acc = totals.setdefault(d.league or str(d.league_id), [0, 0])
        acc[0] += d.expected
        acc[1] += d.left
    return {k: 1.0 if not e else (e - left) / e for k, (e, left) in totals.items()}


class ContinuousAudit:
    """One APScheduler job of the daemon (``tick``); never raises."""

    def __init__(
        self,
        settings: Any,
        store: Store,
        lease: Any,
        metrics: Any,
        host: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.settings, self.store, self.lease, self.metrics = settings, store, lease, metrics
        self.host = host  # the collector's feed host in use: the results service follows it
        self.runs = 0
        self.started = int(time.time())  # hours before it are not this daemon's misses
        self.ratios: dict[str, float] = {}

    def summary_line(self) -> str:
        """The daily summary's completeness line (empty before the first re-audit)."""
        if not self.ratios:
            return messages.SUMMARY_NO_AUDIT
        shown = ", ".join(f"{league} {r:.1%}" for league, r in sorted(self.ratios.items()))
        return messages.SUMMARY_COMPLETENESS.format(leagues=shown)

    def tick(self) -> None:
        if not self.lease.held:
            return  # a standby does not write
        try:
            recorder = writer_for(self.settings)
            try:
                with client_for(self.settings, self.host(), recorder) as client:
                    done = audit_recent(self.store, client, int(time.time()))
            finally:
                if recorder is not None:
                    recorder.close()
        except (CollectorError, ValueError) as exc:
            log.warning(
                messages.CONTINUOUS_FAILED.format(
                    reason=mask_secrets(str(exc)), minutes=self.settings.audit_every_min
                )
            )
            return
        finally:
            self.runs += 1
        ratios = self.ratios = league_ratios(done.record)
        for league, ratio in ratios.items():
            self.metrics.completeness.labels(league=league).set(ratio)
        for league, by_hour in done.repaired.items():
            self.metrics.audit_repaired.labels(league=league).inc(sum(by_hour.values()))
        missed = missed_while_running(done.repaired, self.started)
        if missed:
            alerts.notice("audit_repaired", missed)
        incident = completeness_incident(ratios)
        if incident is None:
            alerts.resolve("completeness")
        else:
            alerts.raise_incident("completeness", incident)


def missed_while_running(repaired: dict[str, dict[int, int]], started: int) -> str | None:
    """The notice text when the re-audit added matches of hours that began after ``started``
    (the daemon was running and missed them), else None."""
    counts = {
        league: sum(n for hour, n in by_hour.items() if hour >= started)
        for league, by_hour in repaired.items()
    }
    shown = ", ".join(f"{league} {n}" for league, n in sorted(counts.items()) if n)
    return messages.MISSED_WHILE_RUNNING.format(leagues=shown) if shown else None


def completeness_incident(ratios: dict[str, float]) -> str | None:
    """The alert text when a league still misses matches after repair, else None."""
    short = sorted(league for league, ratio in ratios.items() if ratio < 1)
    if not short:
        return None
    shown = ", ".join(f"{league} {ratios[league]:.1%}" for league in short)
    return messages.COMPLETENESS_ALERT.format(leagues=shown)


def schedule_audit(scheduler: Any, runner: Any, settings: Any) -> ContinuousAudit:
    """Add the re-audit job beside the collection (first run within 5 minutes of the start)."""
    from datetime import UTC, datetime, timedelta

    from apscheduler.triggers.interval import IntervalTrigger

    client = runner.collector.client
    job = ContinuousAudit(
        settings,
        runner.store,
        runner.lease,
        runner.metrics,
        host=lambda: host_of(client.feed_url),
    )
    alerts.add_to_summary(job.summary_line)  # the daily summary's completeness line
    every_s = settings.audit_every_min * 60
    scheduler.add_job(
        job.tick,
        IntervalTrigger(seconds=every_s, timezone=UTC),
        id="audit",
        name="audit",
        next_run_time=datetime.now(UTC) + timedelta(seconds=min(every_s, 300)),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=max(1, int(every_s)),
    )
    return job

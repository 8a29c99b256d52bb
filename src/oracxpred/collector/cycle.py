"""One collection cycle: poll → parse → track → resolve vanished → save → persist state.

The only orchestration of a cycle; the daemon, the one-shot CLI and the web app's internal
collector all call ``Collector.run_cycle``. User-facing lines are logged here, from
``messages.py``; lower layers return reports.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime

from oracxpred import messages
from oracxpred.collector.events import log_decisions, log_saves, quarantine, valid_matches
from oracxpred.collector.outage import never_reached, outage_check, report_never_reached
from oracxpred.config import Settings
from oracxpred.core.parse import parse_feed
from oracxpred.core.records import FinishedMatch, Rejection
from oracxpred.core.results import parse_results
from oracxpred.core.tracker import (
    TrackerState,
    apply_results,
    confirm_saved,
    counts,
    due_resolutions,
    observe,
)
from oracxpred.errors import CollectorError, FeedError
from oracxpred.feed.client import FeedClient, RetryPolicy
from oracxpred.logs import escape, get_logger
from oracxpred.store.base import Heartbeat, Store
from oracxpred.store.spool.store import SpoolingStore

log = get_logger("collector.cycle")


@dataclass(slots=True)
class CycleReport:
    started_at: datetime
    saved: list[FinishedMatch] = field(default_factory=list)
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    events: int = 0  # in the feed answer, rejected ones included
    tracked: int = 0
    pending: int = 0
    resolved: int = 0
    unresolved: int = 0
    spooled: int = 0
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def client_for(settings: Settings) -> FeedClient:
    return FeedClient(
        settings.feed_url,
        results_url=settings.results_url,
        timeout_s=settings.timeout_s,
        max_body_bytes=settings.max_body_bytes,
        policy=RetryPolicy(retries=settings.retries, backoff_s=settings.backoff_s),
    )


def _spooling(store: Store) -> SpoolingStore | None:
    """The outage wrapper behind ``store``, if any (the daemon wraps stores once more)."""
    while not isinstance(store, SpoolingStore):
        inner = getattr(store, "inner", None)
        if not isinstance(inner, Store):
            return None
        store = inner
    return store


class Collector:
    """A feed client and a store, used one cycle at a time."""

    def __init__(self, settings: Settings, store: Store, client: FeedClient | None = None):
        self.settings = settings
        self.store = store
        self.client = client or client_for(settings)
        self._owns_client = client is None
        # The schedule's interval, recorded in each heartbeat; None for a one-shot run (cron
        # decides when it runs: the web app's own setting then judges freshness).
        self.interval_s: float | None = None
        # The state this collector saved last, with the stamp the store gave for it: while the
        # store's stamp is unchanged, the next cycle starts from it instead of loading and
        # checking the stored copy again (the daemon and the web collector run many cycles).
        self._saved_state: tuple[object, TrackerState] | None = None

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def run_cycle(self, now: datetime | None = None) -> CycleReport:
        """Run one cycle; log its lines; record a heartbeat; raise on a failed cycle."""
        started = now or datetime.now(UTC)
        report = CycleReport(started_at=started)
        log.info(messages.START)
        spool = _spooling(self.store)
        spooled_before = spool.pending_spool_rows() if spool is not None else 0
        try:
            self._collect(report, int(started.timestamp()))
        except CollectorError as exc:
            report.error = str(exc)
            log.error(messages.FAILED.format(reason=report.error))
            self._heartbeat(report)
            raise
        self._report_spool(report, spooled_before)
        self._heartbeat(report)
        log.info(messages.SUCCESS)
        log.info(
            messages.SUMMARY.format(
                saved=len(report.saved),
                duplicates=report.duplicates,
                rejected=len(report.rejected),
                tracked=report.tracked,
                pending=report.pending,
                resolved=report.resolved,
                unresolved=report.unresolved,
            )
        )
        return report

    def _collect(self, report: CycleReport, local_now: int) -> None:
        state = self._load_state()
        response = self.client.fetch_feed()
        # Tracking runs on the feed server's clock when it sends one: a skewed local clock (or
        # the simulator's accelerated one) then cannot shift vanish, retry and expiry decisions.
        now = response.server_time or local_now
        parsed = parse_feed(response.body)
        report.rejected = list(parsed.rejections)
        report.events = len(parsed.events) + len(parsed.rejections)
        quarantine(self.store, report.rejected, report.events, report.started_at)
        observation = observe(state, parsed.events, now)
        state = observation.state
        verbose = log.isEnabledFor(logging.DEBUG)
        if verbose:
            log_decisions(observation.decisions)
        to_save = list(observation.to_save)
        state, resolved, unresolved = self._resolve(state, now)
        to_save.extend(resolved)
        to_save, state = valid_matches(to_save, state, now, max(now, local_now))
        report.resolved = len(resolved)
        report.unresolved = len(unresolved)
        saved_ids: set[int] = set()
        if to_save:
            result = self.store.save_matches(to_save)
            saved_ids = set(result.saved)
            report.duplicates = len(result.duplicates)
            report.saved = [m for m in to_save if m.event_id in saved_ids]
            if verbose:
                log_saves(to_save, saved_ids, {m.event_id for m in resolved})
            state = confirm_saved(state, [*result.saved, *result.duplicates], now)
        self._saved_state = None  # a save that fails leaves nothing known in the store
        stamp = self.store.save_tracking(state.to_dict())
        if stamp is not None:
            self._saved_state = (stamp, state)
        tally = counts(state)
        report.tracked, report.pending = tally.tracked, tally.pending
        for match in report.saved:
            log.info(
                messages.SAVED.format(
                    team1=escape(match.team1),
                    team2=escape(match.team2),
                    score=f"{match.score1}-{match.score2}",
                )
            )
        for match_id, team1, team2, start in unresolved:
            log.warning(
                messages.UNRESOLVED.format(
                    event_id=match_id,
                    team1=escape(team1),
                    team2=escape(team2),
                    start=start,
                    hours=self.settings.unresolved_after_s / 3600,
                )
            )

    def _report_spool(self, report: CycleReport, spooled_before: int) -> None:
        """While the database is down, say so every cycle; once it is back, replay the spool
        even when this cycle had nothing to save (the fresh batch was already written)."""
        spool = _spooling(self.store)
        if spool is None:
            return
        if not spool.degraded and spool.pending_spool_rows():
            with getattr(self.store, "write_lock", contextlib.nullcontext()):
                spool.replay()
        if not spool.degraded and spooled_before > spool.pending_spool_rows():
            replayed = spooled_before - spool.pending_spool_rows()
            log.info(messages.REPLAYED.format(count=replayed))
        if spool.degraded:
            report.spooled = spool.pending_spool_rows()
            log.warning(messages.DEGRADED.format(count=report.spooled, spool=spool.spool_target))
        outage_check(spool, report.spooled)
        if never_reached(spool):
            report_never_reached(spool)  # every cycle: a one-shot run then exits 1

    def _load_state(self) -> TrackerState:
        """The stored tracker state: the one saved last by this collector when the store's
        stamp shows nobody replaced it since (another process, a lease takeover, a spool
        replay all change the stamp), else loaded and checked afresh."""
        saved, self._saved_state = self._saved_state, None
        if saved is not None:
            stamp = self.store.tracking_stamp()
            if stamp is not None and stamp == saved[0]:
                self._saved_state = saved
                return saved[1]
        raw = self.store.load_tracking()
        if raw is None:
            return TrackerState()
        try:
            return TrackerState.from_dict(raw)
        except ValueError as exc:
            log.warning(messages.TRACKING_RESET.format(reason=exc))
            return TrackerState()

    def _resolve(
        self, state: TrackerState, now: int
    ) -> tuple[TrackerState, list[FinishedMatch], list[tuple[int, str, str, str]]]:
        """Ask the results service about vanished matches; a failure only postpones them."""
        items = []
        for query in due_resolutions(state, now):
            try:
                body = self.client.fetch_results(query.league_id, query.date_from, query.date_to)
                items.extend(parse_results(body).items)
            except FeedError as exc:
                log.warning(messages.RESULTS_FAILED.format(reason=exc))
                break
        resolution = apply_results(state, items, now, self.settings.unresolved_after_s)
        return resolution.state, list(resolution.to_save), list(resolution.unresolved)

    def _heartbeat(self, report: CycleReport) -> None:
        beat = Heartbeat(
            started_at=report.started_at,
            finished_at=datetime.now(UTC),
            ok=report.ok,
            host=socket.gethostname(),
            pid=os.getpid(),
            saved=len(report.saved),
            pending=report.pending,
            duplicates=report.duplicates,
            rejected=len(report.rejected),
            error=report.error[:500],
            events=report.events,
            interval_s=self.interval_s,
        )
        try:
            self.store.record_heartbeat(beat)
        except CollectorError as exc:
            log.warning("Battement de cœur non enregistré : %s", exc)

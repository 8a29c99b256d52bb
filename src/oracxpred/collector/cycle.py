"""One collection cycle: poll → parse → track → resolve vanished → save → persist state.

The only orchestration of a cycle; the daemon, the one-shot CLI and the web app's internal
collector all call ``Collector.run_cycle``. User-facing lines are logged here, from
``messages.py``; lower layers return reports.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime

from oracxpred import messages
from oracxpred.archive.writer import writer_for
from oracxpred.collector.events import (
    log_decisions,
    log_saves,
    quarantine,
    refused_odds,
    valid_matches,
)
from oracxpred.collector.outage import report_long_outage, report_never_reached
from oracxpred.config import Settings
from oracxpred.core.odds import MarketsSeen
from oracxpred.core.parse import parse_feed
from oracxpred.core.records import FinishedMatch, Rejection, ResultItem
from oracxpred.core.results import parse_results
from oracxpred.core.state_codec import state_from_dict, state_to_dict
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
from oracxpred.feed.mirrors import MirrorClient, host_of
from oracxpred.logs import escape, get_logger
from oracxpred.store.base import Heartbeat, SpoolState, Store

log = get_logger("collector.cycle")


@dataclass(slots=True)
class CycleReport:
    started_at: datetime
    saved: list[FinishedMatch] = field(default_factory=list)
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    events: int = 0  # in the feed answer, rejected ones included
    odds_rejected: int = 0  # hostile selections refused by ``core/odds.py`` (not stored)
    tracked: int = 0
    pending: int = 0
    resolved: int = 0
    unresolved: int = 0
    spooled: int = 0
    error: str = ""
    # For alerts and the heartbeat (issue 16)
    results_error: str = ""  # the results service failed this cycle
    feed_host: str = ""  # the host that answered (or was tried last)

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def eventful(self) -> bool:
        """Something to tell beyond the summary: an empty cycle logs one INFO line only."""
        return bool(
            self.saved
            or self.duplicates
            or self.rejected
            or self.resolved
            or self.unresolved
            or self.spooled
            or self.error
        )


def client_for(settings: Settings) -> MirrorClient:
    return MirrorClient(
        settings.mirrors,
        results_url=settings.results_url,
        timeout_s=settings.timeout_s,
        max_body_bytes=settings.max_body_bytes,
        policy=RetryPolicy(retries=settings.retries, backoff_s=settings.backoff_s),
        recorder=writer_for(settings),
    )


class Collector:
    """A feed client and a store, used one cycle at a time."""

    def __init__(
        self, settings: Settings, store: Store, client: FeedClient | MirrorClient | None = None
    ):
        self.settings = settings
        self.store = store
        self.client: FeedClient | MirrorClient = client or client_for(settings)
        self._owns_client = client is None
        # The schedule's interval, recorded in each heartbeat; None for a one-shot run (cron
        # decides when it runs: the web app's own setting then judges freshness).
        self.interval_s: float | None = None
        # The state this collector saved last, with the stamp the store gave for it: while the
        # store's stamp is unchanged, the next cycle starts from it instead of loading and
        # checking the stored copy again (the daemon and the web collector run many cycles).
        self._saved_state: tuple[object, TrackerState] | None = None
        # The raw markets of the last poll and what they gave: an unchanged event's are not
        # read again (core.odds.markets_of). Kept only in memory: a one-shot run reads all.
        self._markets: MarketsSeen = {}
        # docs/operations.md §7: ``Démarrage de la collecte...`` is said at INFO for the first
        # cycle and for every cycle with something to tell, right before its first such line;
        # an empty cycle logs its summary only. With --verbose, every cycle says all three
        # lines as it always did, START first (the DEBUG lines need it as their heading).
        self._first_cycle = True
        self._start_said = False

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def run_cycle(self, now: datetime | None = None) -> CycleReport:
        """Run one cycle; log its lines; record a heartbeat; raise on a failed cycle."""
        started = now or datetime.now(UTC)
        report = CycleReport(started_at=started)
        self._start_said = False
        if self._first_cycle or log.isEnabledFor(logging.DEBUG):
            self._first_cycle = False
            self._say_start()
        spool_before = self.store.spool_state()
        try:
            self._collect(report, int(started.timestamp()))
        except CollectorError as exc:
            report.error = str(exc)
            self._say_start()
            log.error(messages.FAILED.format(reason=report.error))
            self._heartbeat(report)
            raise
        except Exception:
            self._say_start()  # before the caller's traceback line
            raise
        self._report_spool(report, spool_before)
        self._heartbeat(report)
        if self._start_said or report.eventful:
            self._say_start()
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

    def _say_start(self) -> None:
        """``Démarrage de la collecte...`` at INFO, once per cycle."""
        if not self._start_said:
            self._start_said = True
            log.info(messages.START)

    def _collect(self, report: CycleReport, local_now: int) -> None:
        state = self._load_state()
        try:
            response = self.client.fetch_feed()
        finally:
            report.feed_host = host_of(self.client.feed_url)
        # Tracking runs on the feed server's clock when it sends one: a skewed local clock (or
        # the simulator's accelerated one) then cannot shift vanish, retry and expiry decisions.
        now = response.server_time or local_now
        parsed = parse_feed(response.body, self._markets)
        self._markets = dict(parsed.markets)  # (the last poll's only: bounded)
        report.rejected = list(parsed.rejections)
        report.events = len(parsed.events) + len(parsed.rejections)
        quarantine(self.store, report.rejected, report.events, report.started_at)
        report.odds_rejected = refused_odds(parsed.events)
        observation = observe(state, parsed.events, now)
        state = observation.state
        verbose = log.isEnabledFor(logging.DEBUG)
        if verbose:
            log_decisions(observation.decisions)
        to_save = list(observation.to_save)
        state, resolved, unresolved = self._resolve(state, now, report)
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
        if observation.odds_rows:
            # Before the state: a crash in between may repeat a row later, never lose one.
            self.store.save_odds(observation.odds_rows)
        self._saved_state = None  # a save that fails leaves nothing known in the store
        stamp = self.store.save_tracking(state_to_dict(state))
        if stamp is not None:
            self._saved_state = (stamp, state)
        tally = counts(state)
        report.tracked, report.pending = tally.tracked, tally.pending
        if report.saved or unresolved:
            self._say_start()
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

    def _report_spool(self, report: CycleReport, before: SpoolState | None) -> None:
        """While the database is down, say so every cycle; once it is back, replay the spool
        even when this cycle had nothing to save (the fresh batch was already written)."""
        if before is None:
            return
        self.store.replay_spool()
        self.store.record_spool_outcome(report.started_at)
        spool = self.store.spool_state()
        if spool is None:
            return
        if not spool.degraded and before.pending > spool.pending:
            self._say_start()
            log.info(messages.REPLAYED.format(count=before.pending - spool.pending))
        if spool.degraded:
            report.spooled = spool.pending
            self._say_start()
            log.warning(messages.DEGRADED.format(count=report.spooled, spool=spool.target))
        report_long_outage(spool, report.spooled)
        if spool.never_reached:
            self._say_start()
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
            return state_from_dict(raw)
        except ValueError as exc:
            self._say_start()
            log.warning(messages.TRACKING_RESET.format(reason=exc))
            return TrackerState()

    def _resolve(
        self, state: TrackerState, now: int, report: CycleReport
    ) -> tuple[TrackerState, list[FinishedMatch], list[tuple[int, str, str, str]]]:
        """Ask the results service about vanished matches; a failure only postpones them."""
        items: list[ResultItem] = []
        for query in due_resolutions(state, now):
            try:
                body = self.client.fetch_results(query.league_id, query.date_from, query.date_to)
                items.extend(parse_results(body).items)
            except FeedError as exc:
                self._say_start()
                log.warning(messages.RESULTS_FAILED.format(reason=exc))
                report.results_error = str(exc)
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
            feed_host=report.feed_host,
            events=report.events,
            interval_s=self.interval_s,
        )
        try:
            self.store.record_heartbeat(beat)
        except CollectorError as exc:
            self._say_start()
            log.warning(messages.HEARTBEAT_NOT_RECORDED, exc)

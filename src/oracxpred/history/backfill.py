"""``oracxpred backfill``: every finished match of a range, read once from the results service.

Per league, window after window (``core.backfill.plan_windows``): fetch, keep the items the
window owns, store them (never overwriting a stored match), then mark the window done in the
checkpoint. A kill between the store write and the checkpoint write only repeats that window,
and the store ignores what it already holds. One window at a time in memory.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from oracxpred.config import Settings
from oracxpred.core.backfill import (
    DAY_S,
    SETTLE_S,
    Checkpoint,
    Span,
    backfill_row,
    floor_step,
    listing_windows,
    owns,
    parse_champs,
    plan_windows,
    resolve_range,
)
from oracxpred.core.records import FinishedMatch
from oracxpred.core.results import parse_results
from oracxpred.core.validate import match_problem
from oracxpred.errors import FeedError, FeedUnavailable
from oracxpred.feed.client import RetryPolicy
from oracxpred.feed.exchange import AUDIT, Recorder
from oracxpred.feed.mirrors import MirrorClient
from oracxpred.history import checkpoint, messages
from oracxpred.logs import get_logger
from oracxpred.store.base import Store

log = get_logger("history.backfill")


class ResultsSource(Protocol):
    """What the history commands ask of a client (``FeedClient`` or ``MirrorClient``)."""

    def fetch_results(self, league_id: int, date_from: int, date_to: int) -> bytes: ...

    def fetch_champs(self, date_from: int, date_to: int) -> bytes: ...


class Pacer:
    """At most ``rate`` requests per second (0: no limit), never a burst after a pause."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._clock, self._sleep = clock, sleep
        self._next = 0.0
        self.requests = 0

    def wait(self) -> None:
        self.requests += 1
        if not self.interval:
            return
        now = self._clock()
        if now < self._next:
            self._sleep(self._next - now)
            now = self._next
        self._next = now + self.interval


@dataclass(slots=True)
class LeagueSummary:
    league_id: int
    name: str = ""
    seconds: int = 0  # of the range fetched by this run
    found: int = 0
    stored: int = 0
    present: int = 0
    failed: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class BackfillReport:
    lower: int
    upper: int
    leagues: list[LeagueSummary] = field(default_factory=list)
    stopped: str | None = None  # the service was down: what is left waits for the next run
    requests: int = 0

    @property
    def failed_windows(self) -> int:
        return sum(len(s.failed) for s in self.leagues)

    @property
    def complete(self) -> bool:
        return self.stopped is None and not self.failed_windows


def storable(rows: Sequence[FinishedMatch], league: str) -> list[FinishedMatch]:
    """The rows ``core.validate`` accepts (the rule every row entering a store follows); each
    refused one is said at WARNING and never stored."""
    kept: list[FinishedMatch] = []
    for row in rows:
        # Dates are judged against the run's own clock (the service's, in the simulator).
        problem = match_problem(row, row.collected_at)
        if problem is None:
            kept.append(row)
        else:
            log.warning(
                messages.ROW_REFUSED.format(league=league, event_id=row.event_id, reason=problem)
            )
    return kept


def client_for(
    settings: Settings, host: str | None = None, recorder: Recorder | None = None
) -> MirrorClient:
    """A results-service client over every configured mirror (``host`` first: the daemon's
    host in use), with the configured timeouts and retry policy; what it receives goes to
    ``recorder`` as ``audit`` records (a replay skips them)."""
    policy = RetryPolicy(retries=settings.retries, backoff_s=settings.backoff_s)
    client = MirrorClient(
        settings.mirrors,
        results_url=settings.results_url,
        timeout_s=settings.timeout_s,
        max_body_bytes=settings.max_body_bytes,
        policy=policy,
        recorder=recorder,
        results_kind=AUDIT,
    )
    client.use_host(host)
    return client


def utc_label(t: int) -> str:
    return datetime.fromtimestamp(t, tz=UTC).strftime("%Y-%m-%d %H:%M")


def fixed_upper(now: int) -> int:
    return floor_step(now - SETTLE_S)


def discover_leagues(
    client: ResultsSource, point: Checkpoint, lower: int, upper: int, pacer: Pacer
) -> dict[int, str]:
    """Every league ``v2/champs`` lists over the range; kept in the checkpoint, so a resumed
    run does not list again."""
    if (
        point.listing is not None
        and point.listed is not None
        and point.listed[0] <= lower
        and upper <= point.listed[1]
    ):
        return dict(sorted(point.listing.items()))
    leagues: dict[int, str] = {}
    for a, b in listing_windows(lower, upper):
        pacer.wait()
        for league_id, name in parse_champs(client.fetch_champs(a, b)).items():
            leagues.setdefault(league_id, name)
    point.listing, point.listed = dict(sorted(leagues.items())), (lower, upper)
    return dict(point.listing)


def run_backfill(
    store: Store,
    client: ResultsSource,
    *,
    leagues: Sequence[int] = (),
    days: int | None = None,
    date_from: int | None = None,
    date_to: int | None = None,
    restart: bool = False,
    pacer: Pacer | None = None,
    now: int | None = None,
    progress: bool | None = None,
) -> BackfillReport:
    """Fill ``[lower, upper)``; ``ValueError`` (French) for a bad range, ``CollectorError``
    subclasses for the store or the listing call."""
    pacer = pacer or Pacer(1.0)
    moment = int(time.time()) if now is None else now
    point = None if restart else checkpoint.load(store)
    if point is not None:
        log.info(messages.RESUMED.format(upper=utc_label(point.upper)))
    else:
        point = Checkpoint(fixed_upper(moment))
    lower, upper = resolve_range(days, date_from, date_to, point.upper)
    report = BackfillReport(lower, upper)
    log.info(messages.RANGE.format(lower=utc_label(lower), upper=utc_label(upper)))
    names = {li: point.progress(li).name for li in leagues}
    if not leagues:
        names = discover_leagues(client, point, lower, upper, pacer)
        checkpoint.save(store, point)
        if not names:
            log.warning(messages.NO_LEAGUE)
    log.info(messages.LEAGUES.format(leagues=", ".join(str(li) for li in names) or "aucune"))
    collected = datetime.fromtimestamp(moment, tz=UTC)
    for league_id, name in names.items():
        summary = LeagueSummary(league_id, name or point.progress(league_id).name)
        report.leagues.append(summary)
        if report.stopped is None:
            _league(store, client, point, summary, lower, upper, collected, pacer, report, progress)
    report.requests = pacer.requests
    return report


def _league(
    store: Store,
    client: ResultsSource,
    point: Checkpoint,
    summary: LeagueSummary,
    lower: int,
    upper: int,
    collected: datetime,
    pacer: Pacer,
    report: BackfillReport,
    progress: bool | None,
) -> None:
    from tqdm import tqdm

    windows = plan_windows(lower, upper, point.progress(summary.league_id).done)
    label = summary.name or str(summary.league_id)
    bar = tqdm(
        windows, desc=label[:40], unit="jour", disable=None if progress is None else not progress
    )
    try:
        for window in bar:
            pacer.wait()
            try:
                body = client.fetch_results(summary.league_id, *window)
                parsed = parse_results(body)
            except FeedUnavailable as exc:
                summary.failed.append(window)
                report.stopped = str(exc)
                log.error(messages.SERVICE_DOWN.format(reason=exc))
                return
            except FeedError as exc:  # 400, a body that is not results: this window only
                summary.failed.append(window)
                log.error(
                    messages.WINDOW_FAILED.format(
                        league=label, lower=utc_label(window[0]), upper=utc_label(window[1]),
                        reason=exc,
                    )
                )  # fmt: skip
                continue
            for rejection in parsed.rejections:
                log.debug(
                    messages.REJECTED.format(
                        league=label, event_id=rejection.event_id, reason=rejection.reason
                    )
                )
            found = [
                backfill_row(item, summary.league_id, collected)
                for item in parsed.items
                if owns(window, item.start_time)
            ]
            rows = storable(found, label)
            if rows:
                saved = store.save_matches(rows)
                summary.stored += len(saved.saved)
                summary.present += len(saved.duplicates)
                if not summary.name:
                    summary.name = rows[0].league
            summary.found += len(found)
            summary.seconds += window[1] - window[0]
            entry = point.progress(summary.league_id)
            entry.name = entry.name or summary.name
            point.mark_done(summary.league_id, window)
            checkpoint.save(store, point)
    finally:
        bar.close()


def summary_rows(report: BackfillReport) -> list[tuple[str, ...]]:
    """The French summary table's rows (header first)."""
    rows: list[tuple[str, ...]] = [messages.SUMMARY_HEADER]
    for s in report.leagues:
        rows.append(
            (
                f"{s.name or '?'} ({s.league_id})",
                f"{s.seconds / DAY_S:g}",
                str(s.found),
                str(s.stored),
                str(s.present),
                str(len(s.failed)),
            )
        )
    return rows


def format_table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = [
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)

"""Pending matches: when to ask the results service, and what its answer decides. No I/O.

A match that left the feed without a finish seen is *pending* (``tracker.observe`` marks it).
``due_resolutions`` lists the requests to make now, with a back-off per match so that a slow
results service is not hammered; ``apply_results`` saves what the answer holds (matched on the
event id only, docs/feed.md §7) and gives up, once and loudly, on a match still unknown after
``unresolved_after_s``: it is reported, then forgotten, never saved with a guessed score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from oracxpred.core.records import FinishedMatch, FinishSource, Phase, ResultItem
from oracxpred.core.results import results_query_windows
from oracxpred.core.state import TrackedMatch, TrackerState, utc
from oracxpred.defaults import DEFAULT_UNRESOLVED_AFTER_S

RETRY_DELAYS_S = (60, 120, 300, 600, 1800, 3600)
"""Wait before results attempt n+1 (the first one ≥ 60 s after vanishing); the last repeats."""

UNKNOWN_START_LOOKBACK_S = 3600
"""Without ``S``, a search covers from the first sighting minus this, to the vanishing."""

RESULTS_STATUS = "Terminé (résultats)"
"""Status stored for a match resolved by the results service (the feed's label is unknown)."""


@dataclass(frozen=True, slots=True)
class PendingQuery:
    """One results-service request: a league and a window of at most one day."""

    league_id: int
    date_from: int  # unix seconds, multiple of 300
    date_to: int
    event_ids: tuple[int, ...]  # the due matches this window looks for


class Unresolved(NamedTuple):
    """A match given up on; reported once, then forgotten."""

    event_id: int
    team1: str
    team2: str
    start: str  # "YYYY-MM-DD HH:MM UTC", or "inconnu"


@dataclass(frozen=True, slots=True)
class Resolution:
    state: TrackerState
    to_save: tuple[FinishedMatch, ...]  # newly resolved from the results service
    unresolved: tuple[Unresolved, ...]  # newly given up


def due_resolutions(state: TrackerState, now: int) -> list[PendingQuery]:
    """Requests to make now: pending matches whose back-off has elapsed, grouped per league into
    as few ≤ 1-day windows as possible. A match without a league id cannot be searched
    (``champId`` is required): it only waits for its unresolved report."""
    due = [
        m
        for m in state.matches.values()
        if m.pending and m.league_id is not None and (m.next_try is None or m.next_try <= now)
    ]
    points = [(m.league_id, t) for m in due if m.league_id is not None for t in _search_times(m)]
    queries = []
    for league_id, date_from, date_to in results_query_windows(points):
        ids = tuple(
            sorted(
                m.event_id
                for m in due
                if m.league_id == league_id
                and any(date_from <= t < date_to for t in _search_times(m))
            )
        )
        queries.append(PendingQuery(league_id, date_from, date_to, ids))
    return queries


def apply_results(
    state: TrackerState,
    items: Sequence[ResultItem],
    now: int,
    unresolved_after_s: float = DEFAULT_UNRESOLVED_AFTER_S,
) -> Resolution:
    """Resolve the pending matches found in ``items``; give up on those pending for
    ``unresolved_after_s``; push back the next attempt of the due ones still missing.

    Call it every cycle, even with no items (a failed request included): that is what expires
    and schedules. Items for ids that are not pending (tracked, finished, saved, unknown) are
    ignored: a match still listed in the feed is settled by the feed."""
    st = state.copy()
    by_id: dict[int, ResultItem] = {}
    for item in items:
        by_id.setdefault(item.event_id, item)
    resolved: list[TrackedMatch] = []
    unresolved: list[Unresolved] = []
    for key in sorted(st.matches):
        match = st.matches[key]
        pending_since = match.pending_since
        if not match.pending or pending_since is None:
            continue
        found = by_id.get(key)
        if found is not None:
            match = st.matches[key] = match.clone()
            _resolve(match, found, now)
            resolved.append(match)
        elif now - pending_since >= unresolved_after_s:
            unresolved.append(Unresolved(key, match.team1, match.team2, _label(match.start_time)))
            del st.matches[key]
        elif match.next_try is None or match.next_try <= now:
            match = st.matches[key] = match.clone()
            match.attempts += 1
            match.next_try = now + RETRY_DELAYS_S[min(match.attempts, len(RETRY_DELAYS_S) - 1)]
    to_save = tuple(m.to_finished_match() for m in resolved)
    return Resolution(st, to_save, tuple(unresolved))


def mark_pending(match: TrackedMatch, now: int) -> None:
    """Start the wait for the results service (first attempt ``RETRY_DELAYS_S[0]`` later)."""
    match.pending_since = now
    match.attempts = 0
    match.next_try = now + RETRY_DELAYS_S[0]


def _resolve(match: TrackedMatch, item: ResultItem, now: int) -> None:
    match.phase = Phase.FINISHED
    match.score, match.halftime = item.score, item.halftime
    match.status = RESULTS_STATUS
    match.finish_source, match.finished_at = FinishSource.RESULTS, now
    match.pending_since = match.next_try = None
    if match.start_time is None:
        match.start_time = item.start_time


def _search_times(match: TrackedMatch) -> tuple[int, ...]:
    """Times the window must cover: ``S``, or (unknown) from before the first sighting on."""
    if match.start_time is not None:
        return (match.start_time,)
    end = match.pending_since if match.pending_since is not None else match.last_seen
    return (match.first_seen - UNKNOWN_START_LOOKBACK_S, end)


def _label(ts: int | None) -> str:
    moment = utc(ts)
    return "inconnu" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")

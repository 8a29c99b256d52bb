"""Match lifecycle across polls: which matches to save, which to resolve later. No I/O.

A finished virtual match stays in the live feed only seconds (docs/feed.md §6), far less than the
polling interval, so most matches simply vanish. The tracker therefore remembers every event id
(``TrackerState``) and decides, poll after poll:

* seen finished in the feed → saved with ``finish_source`` FEED;
* seen in play, or past its start, then gone without a finish seen → *pending*; the results
  service is asked with a back-off (``due_resolutions``) and ``apply_results`` saves it with
  ``finish_source`` RESULTS; after ``unresolved_after_s`` it is reported once as unresolved and
  dropped, never saved with a guessed score;
* seen only pre-match and gone more than ``withdrawn_after_s`` while its start is still ahead
  (or unknown) → withdrawn by the site, dropped (if it returns it is tracked afresh);
* a finished match is emitted on every cycle until ``confirm_saved`` (the store is idempotent,
  so a crash between the store write and the state save costs nothing); its id is then
  remembered ``keep_saved_s`` of feed time so it is not saved again while still listed.

Odds: opening = first, closing = last 1X2 seen while pre-match (``SC.GS`` 128 or absent) with
all its prices open (two for a 2-way market, docs/feed.md §9); never from a live or finished
snapshot, nor after one was seen, and never a 2-way reading once a draw price was seen. Time is the
``now`` argument (unix seconds, the feed's clock); no function mutates the state it is given.
The caller passes only successful polls to ``observe``: a failed poll must not make matches vanish.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from oracxpred.core.closing import main_total_of
from oracxpred.core.finish import finish_status, is_open_prematch, usable_odds
from oracxpred.core.odds import diff
from oracxpred.core.records import FeedEvent, FinishedMatch, FinishSource, OddsRow, Phase
from oracxpred.core.resolution import (
    PendingQuery,
    Resolution,
    Unresolved,
    apply_results,
    due_resolutions,
    mark_pending,
)
from oracxpred.core.state import TrackedMatch, TrackerState

__all__ = [
    "Decision",
    "Observation",
    "PendingQuery",
    "Resolution",
    "TrackedMatch",
    "TrackerCounts",
    "TrackerState",
    "Unresolved",
    "apply_results",
    "confirm_saved",
    "counts",
    "due_resolutions",
    "observe",
]

KEEP_SAVED_S = 48 * 3600
"""How long (feed time) a confirmed id is remembered after it was confirmed or last listed."""

WITHDRAWN_AFTER_S = 1800
"""A pre-match-only event absent this long while its start is still ahead is dropped."""


class Decision(StrEnum):
    """What ``observe`` made of one event this poll (logged in DEBUG by the cycle)."""

    PREMATCH = "prematch"  # tracked before its start
    LIVE = "live"  # in play
    FINISHED = "finished"  # seen finished: to save
    ALREADY_SAVED = "already_saved"  # stored already, still listed: ignored
    REAPPEARED = "reappeared"  # was pending, listed again: tracked again
    PENDING = "pending"  # vanished without a finish: ask the results service
    WITHDRAWN = "withdrawn"  # vanished before its start: dropped


@dataclass(frozen=True, slots=True)
class Observation:
    state: TrackerState
    to_save: tuple[FinishedMatch, ...]  # every finished match not confirmed yet
    newly_pending: tuple[int, ...]  # ids that left the feed this poll without a finish
    reappeared: tuple[int, ...]  # pending ids listed again (back to tracked)
    # (event id, team1, team2, decision) for every event listed or dropped this poll
    decisions: tuple[tuple[int, str, str, Decision], ...] = ()
    odds_rows: tuple[OddsRow, ...] = ()  # the change-only timeline of this poll (core/odds.py)


_PHASE_DECISIONS = {
    Phase.PREMATCH: Decision.PREMATCH,
    Phase.LIVE: Decision.LIVE,
    Phase.FINISHED: Decision.FINISHED,
}


@dataclass(frozen=True, slots=True)
class TrackerCounts:
    tracked: int  # in the feed (or briefly absent pre-match), not finished
    pending: int  # vanished, waiting for the results service
    finished: int  # finished, waiting for the store's confirmation
    remembered: int  # confirmed ids kept to avoid saving them twice


def observe(
    state: TrackerState,
    events: Sequence[FeedEvent],
    now: int,
    *,
    keep_saved_s: int = KEEP_SAVED_S,
    withdrawn_after_s: int = WITHDRAWN_AFTER_S,
) -> Observation:
    """Fold one successful poll into the state and say what to save."""
    st = state.copy()
    seen: set[int] = set()
    reappeared: list[int] = []
    decisions: list[tuple[int, str, str, Decision]] = []
    odds_rows: list[OddsRow] = []
    for event in events:
        seen.add(event.event_id)
        if event.event_id in st.saved:
            st.saved[event.event_id] = max(st.saved[event.event_id], now)
            decisions.append((event.event_id, event.team1, event.team2, Decision.ALREADY_SAVED))
            continue
        known = st.matches.get(event.event_id)
        match = _new_match(event, now) if known is None else known.clone()
        st.matches[event.event_id] = match
        back = match.pending
        if back:
            reappeared.append(event.event_id)
            match.pending_since = match.next_try = None
            match.attempts = 0
        _apply_snapshot(match, event, now, odds_rows)
        decision = Decision.REAPPEARED if back else _PHASE_DECISIONS[match.phase]
        decisions.append((match.event_id, match.team1, match.team2, decision))
    newly_pending: list[int] = []
    for match in list(st.matches.values()):
        if match.event_id in seen or match.finished or match.pending:
            continue
        started = match.start_time is not None and match.start_time < now
        if match.phase is not Phase.PREMATCH or started:
            match = st.matches[match.event_id] = match.clone()
            mark_pending(match, now)
            newly_pending.append(match.event_id)
            decisions.append((match.event_id, match.team1, match.team2, Decision.PENDING))
        elif now - match.last_seen > withdrawn_after_s:
            del st.matches[match.event_id]
            decisions.append((match.event_id, match.team1, match.team2, Decision.WITHDRAWN))
    for key in [k for k, t in st.saved.items() if now - t > keep_saved_s]:
        del st.saved[key]
    finished = sorted(
        (m for m in st.matches.values() if m.finished),
        key=lambda m: (m.finished_at or 0, m.event_id),
    )
    return Observation(
        state=st,
        to_save=tuple(m.to_finished_match() for m in finished),
        newly_pending=tuple(sorted(newly_pending)),
        reappeared=tuple(reappeared),
        decisions=tuple(decisions),
        odds_rows=tuple(odds_rows),
    )


def confirm_saved(state: TrackerState, event_ids: Iterable[int], now: int) -> TrackerState:
    """Forget the matches the store confirmed (saved or already there) and remember their ids.

    Call it only after the store answered: until then a finished match keeps being emitted."""
    st = state.copy()
    for event_id in event_ids:
        st.matches.pop(event_id, None)
        st.saved[event_id] = max(st.saved.get(event_id, now), now)
    return st


def counts(state: TrackerState) -> TrackerCounts:
    """Sizes for the per-cycle summary line."""
    matches = state.matches.values()
    finished = sum(1 for m in matches if m.finished)
    pending = sum(1 for m in matches if m.pending)
    return TrackerCounts(
        tracked=len(state.matches) - finished - pending,
        pending=pending,
        finished=finished,
        remembered=len(state.saved),
    )


def _new_match(event: FeedEvent, now: int) -> TrackedMatch:
    return TrackedMatch(
        event_id=event.event_id,
        league=event.league,
        team1=event.team1,
        team2=event.team2,
        first_seen=now,
        last_seen=now,
    )


def _lost_draw(match: TrackedMatch, event: FeedEvent) -> bool:
    """A draw price seen once and absent now has vanished (suspended): not a 2-way market."""
    opening = match.opening_odds
    return (
        event.odds is not None
        and event.odds.draw is None
        and (opening is not None and opening.draw is not None)
    )


def _apply_snapshot(
    match: TrackedMatch, event: FeedEvent, now: int, odds_rows: list[OddsRow]
) -> None:
    match.last_seen = now
    if match.finished:
        return  # frozen: the record emitted must not change between cycles
    # The furthest phase: a pre-match snapshot after a live one is still in play.
    keep = match.phase is Phase.LIVE and event.phase is Phase.PREMATCH
    odds_rows.extend(
        diff(
            match.event_id,
            match.prices,
            event.prices,
            observed_at=now,
            server_time=event.updated_at,
            phase=Phase.LIVE if keep else event.phase,
        )
    )
    match.prices = event.prices
    match.league, match.team1, match.team2 = event.league, event.team1, event.team2
    match.sport_id, match.league_id = event.sport_id, event.league_id
    match.team1_id, match.team2_id = event.team1_id, event.team2_id
    if event.start_time is not None:
        match.start_time = event.start_time
    if event.phase is Phase.PREMATCH:
        open_market = is_open_prematch(event.game_state)
        if match.phase is Phase.PREMATCH and open_market:
            if usable_odds(event.odds) and not _lost_draw(match, event):
                if match.opening_odds is None:
                    match.opening_odds, match.opening_odds_at = event.odds, now
                match.odds, match.odds_at = event.odds, now
            if match.opening_total is None:
                total = main_total_of(event.prices)
                if total is not None:
                    match.opening_total, match.opening_total_at = total, now
    elif event.phase is Phase.LIVE:
        match.phase = Phase.LIVE
        match.score = event.score
    else:
        match.phase = Phase.FINISHED
        match.score, match.halftime = event.score, event.halftime
        match.status = finish_status(event.status_text)
        match.finish_source, match.finished_at = FinishSource.FEED, now

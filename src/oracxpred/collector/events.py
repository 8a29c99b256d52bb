"""What a cycle says about single events: refused ones (WARNING, quarantine), rows that
``core.validate`` refuses, and in DEBUG (``--verbose``) one line per event decision."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from oracxpred import messages
from oracxpred.core.records import FeedEvent, FinishedMatch, Rejection
from oracxpred.core.tracker import Decision, TrackerState, confirm_saved
from oracxpred.core.validate import match_problem
from oracxpred.errors import CollectorError
from oracxpred.logs import escape, get_logger
from oracxpred.store.base import Store
from oracxpred.store.quarantine import quarantined

log = get_logger("collector.cycle")


def quarantine(store: Store, rejected: Sequence[Rejection], total: int, at: datetime) -> None:
    """Each refused event at WARNING, one summary line, and the events kept whole."""
    if not rejected:
        return
    for rejection in rejected:
        event_id = rejection.event_id
        log.warning(
            messages.REJECTED_EVENT.format(
                event_id=messages.REJECTED_UNKNOWN_ID if event_id is None else event_id,
                reason=escape(rejection.reason),
            )
        )
    log.warning(messages.REJECTED_SUMMARY.format(count=len(rejected), total=total))
    try:
        store.quarantine_events(quarantined(rejected, at))
    except CollectorError as exc:
        log.warning(messages.QUARANTINE_FAILED.format(reason=exc))


def refused_odds(events: Iterable[FeedEvent]) -> int:
    """Hostile selections (huge ``P``, NaN, strings) are never stored: one WARNING a cycle
    with the first reason, each one in DEBUG; returns how many."""
    refused = [(e.event_id, reason) for e in events for reason in e.odds_rejected]
    if not refused:
        return 0
    for event_id, reason in refused:
        log.debug(messages.ODDS_REJECTED_ONE.format(event_id=event_id, reason=escape(reason)))
    event_id, reason = refused[0]
    log.warning(
        messages.ODDS_REJECTED.format(count=len(refused), event_id=event_id, reason=escape(reason))
    )
    return len(refused)


def valid_matches(
    matches: list[FinishedMatch], state: TrackerState, now: int, latest: int
) -> tuple[list[FinishedMatch], TrackerState]:
    """The matches ``core.validate`` accepts (dates up to a day after ``latest``); the others
    are said once and forgotten (confirmed unstored, so not offered again every cycle)."""
    moment = datetime.fromtimestamp(latest, tz=UTC)
    kept: list[FinishedMatch] = []
    refused: list[int] = []
    for match in matches:
        problem = match_problem(match, moment)
        if problem is None:
            kept.append(match)
            continue
        refused.append(match.event_id)
        log.warning(
            messages.INVALID_MATCH.format(
                event_id=match.event_id,
                team1=escape(match.team1),
                team2=escape(match.team2),
                reason=escape(problem),
            )
        )
    return kept, confirm_saved(state, refused, now) if refused else state


def log_decisions(decisions: Iterable[tuple[int, str, str, Decision]]) -> None:
    for event_id, team1, team2, decision in decisions:
        _decided(event_id, team1, team2, decision.value)


def log_saves(matches: Iterable[FinishedMatch], saved: set[int], resolved: set[int]) -> None:
    for m in matches:
        score = f"{m.score1}-{m.score2}"
        if m.event_id in resolved:
            _decided(m.event_id, m.team1, m.team2, "resolved", score=score)
        key = "saved" if m.event_id in saved else "duplicate"
        _decided(m.event_id, m.team1, m.team2, key, score=score)


def _decided(event_id: int, team1: str, team2: str, decision: str, **values: str) -> None:
    text = messages.DECISIONS[decision].format(**values)
    log.debug(
        messages.EVENT_DECISION.format(
            event_id=event_id, team1=escape(team1), team2=escape(team2), decision=text
        )
    )

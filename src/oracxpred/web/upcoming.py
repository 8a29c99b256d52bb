"""Upcoming matches: ``/api/upcoming`` and the ``/a-venir`` page.

The pre-match events the tracker held at the end of its last cycle (the tracker state the
store keeps), with their opening and current 1X2 and main total (the opening total is the main
total of the first open pre-match poll that had one). Consumers read
them here instead of polling 1xBet themselves. When the collector is stale (the ``/health``
rule, same threshold) the answer is 503 with the French reason: an old list would look live.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, jsonify, render_template

from oracxpred.core.closing import TotalLine, main_total_of
from oracxpred.core.records import Phase
from oracxpred.core.state import TrackedMatch, utc
from oracxpred.core.state_codec import state_from_dict
from oracxpred.errors import StoreError
from oracxpred.logs import mask_secrets
from oracxpred.web.formatting import iso, odds_json
from oracxpred.web.health import beat_time, check
from oracxpred.web.state import web_state

bp = Blueprint("upcoming", __name__)

STATE_UNREADABLE = "État du suivi illisible : {reason}"


def _total(total: TotalLine | None, at: datetime | None = None) -> dict[str, Any] | None:
    if total is None:
        return None
    shown: dict[str, Any] = {"line": total.line, "over": total.over, "under": total.under}
    if at is not None:
        shown["at"] = iso(at)
    return shown


def event_json(m: TrackedMatch, now: datetime) -> dict[str, Any]:
    start = utc(m.start_time)
    return {
        "event_id": m.event_id,
        "league": m.league,
        "league_id": m.league_id,
        "team1": m.team1,
        "team2": m.team2,
        "start_time": iso(start),
        "countdown_s": None if start is None else round((start - now).total_seconds()),
        "opening_odds": odds_json(m.opening_odds, utc(m.opening_odds_at)),
        "odds": odds_json(m.odds, utc(m.odds_at)),
        "two_way": _two_way(m),
        "opening_total": _total(m.opening_total, utc(m.opening_total_at)),
        "main_total": _total(main_total_of(m.prices)),
    }


def _two_way(m: TrackedMatch) -> bool:
    """A 1X2 without a draw price (FIFA *Penalty* leagues), as the tracker records it."""
    odds = m.odds or m.opening_odds
    return odds is not None and odds.draw is None


def upcoming_data() -> tuple[dict[str, Any], int]:
    """The body and status of ``/api/upcoming`` (also what the page shows)."""
    state = web_state()
    result = check(state)
    verdict = result.verdict
    cycle = iso(beat_time(verdict.last_success)) if verdict.last_success else None
    body: dict[str, Any] = {
        "status": "ok" if verdict.ok else "erreur",
        "reason": verdict.reason,
        "cycle_at": cycle,
        "checked_at": iso(result.now),
        "items": [],
    }
    if not verdict.ok:
        return body, 503
    try:
        raw = state.store().load_tracking()
        tracker = state_from_dict(raw) if raw is not None else None
    except (StoreError, ValueError, TypeError, KeyError) as exc:
        body.update(status="erreur", reason=STATE_UNREADABLE.format(reason=mask_secrets(str(exc))))
        return body, 503
    events = [] if tracker is None else list(tracker.matches.values())
    pending = [m for m in events if m.phase is Phase.PREMATCH and not m.finished]
    pending.sort(key=lambda m: (m.start_time is None, m.start_time or 0, m.event_id))
    body["items"] = [event_json(m, result.now) for m in pending]
    return body, 200


@bp.get("/api/upcoming")
def api() -> tuple[Any, int]:
    body, status = upcoming_data()
    return jsonify(body), status


@bp.get("/a-venir")
def page() -> tuple[str, int]:
    body, status = upcoming_data()
    cycle = body["cycle_at"]  # the page shows instants in the display zone (``dt`` filter)
    body["cycle_shown"] = None if cycle is None else datetime.fromisoformat(cycle)
    for item in body["items"]:
        start = item["start_time"]
        item["start_at"] = None if start is None else datetime.fromisoformat(start)
    return render_template("upcoming.html", data=body), status

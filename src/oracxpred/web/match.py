"""One match: ``/api/matches/<id>`` (the match, its opening and closing line of every market),
``/api/matches/<id>/odds`` (its odds timeline) and the page ``/match/<id>``.

The lines come from ``core/closing.py`` over the stored change-only timeline, the names from
``core/markets.py``. A store has no "match by id" lookup: ``stored_ids`` answers "unknown"
cheaply, then the timeline's dates narrow an indexed ``query_matches`` before any full scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, jsonify, render_template, url_for
from flask.typing import ResponseReturnValue

from oracxpred.core.closing import OVER, TOTAL_GROUP, UNDER, closing_line, main_total, opening_line
from oracxpred.core.finish import usable_price
from oracxpred.core.markets import line_text, market_label, outcome_label, selection_label, sort_key
from oracxpred.core.odds import ODDS_COLUMNS
from oracxpred.core.records import FinishedMatch, OddsRow, SelectionKey
from oracxpred.store.base import Store
from oracxpred.store.values import MatchQuery
from oracxpred.web.charts import TimeChart, odds_chart
from oracxpred.web.errors import error_response
from oracxpred.web.formatting import fmt_number, iso, match_json
from oracxpred.web.params import ParamError
from oracxpred.web.state import web_state

bp = Blueprint("match", __name__)

_ID = re.compile(r"[0-9]{1,18}")
WINDOW = timedelta(days=1)
"""How far from its timeline a match's start (or collection) is looked for first."""

CURVES = (  # 1X2 then the main total: (group, type, name, colour, dashed)
    (1, 1, "1 (domicile)", "#2f6fdf", False),
    (1, 2, "N (nul)", "#7a7f87", False),
    (1, 3, "2 (extérieur)", "#e0702a", False),
)
TOTAL_COLOURS = {OVER: "#22a35a", UNDER: "#b03ad0"}


def parse_event_id(raw: str) -> int:
    """A positive integer id, else a French 400."""
    if not _ID.fullmatch(raw):
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise ParamError(f"identifiant de match invalide « {shown} » : un entier est attendu")
    return int(raw)


def unknown(event_id: int) -> ResponseReturnValue:
    return error_response(404, f"Aucun match enregistré avec l'identifiant {event_id}.")


def find_match(store: Store, event_id: int, rows: Sequence[OddsRow]) -> FinishedMatch | None:
    """The stored match ``event_id`` or None."""
    if event_id not in store.stored_ids([event_id]):
        return None
    if rows:
        lower = datetime.fromtimestamp(min(r.observed_at for r in rows), tz=UTC) - WINDOW
        upper = datetime.fromtimestamp(max(r.observed_at for r in rows), tz=UTC) + WINDOW
        page = store.query_matches(MatchQuery(date_from=lower, date_to=upper, limit=None))
        for match in page.items:
            if match.event_id == event_id:
                return match
    return next((m for m in store.iter_matches() if m.event_id == event_id), None)


def timeline(store: Store, event_id: int) -> list[OddsRow]:
    """The event's rows in time order (storage order within one poll)."""
    return sorted(store.iter_odds(event_id), key=lambda r: r.observed_at)


def line_json(line: Mapping[SelectionKey, OddsRow]) -> list[dict[str, Any]]:
    """Every selection of a line, in display order, with its French label."""
    return [
        {
            "group": row.group,
            "type": row.type,
            "param": row.param,
            "label": selection_label(row.group, row.type, row.param),
            "price": row.price,
            "observed_at_utc": _iso_ts(row.observed_at),
        }
        for key, row in sorted(line.items(), key=lambda item: sort_key(*item[0]))
    ]


def row_json(row: OddsRow) -> dict[str, Any]:
    values = {
        "event_id": row.event_id,
        "observed_at_utc": _iso_ts(row.observed_at),
        "server_time_utc": None if row.server_time is None else _iso_ts(row.server_time),
        "phase": row.phase.value,
        "group": row.group,
        "type": row.type,
        "param": row.param,
        "price": row.price,
        "blocked": row.blocked,
        "central": row.central,
        "removed": row.removed,
    }
    return {name: values[name] for name in ODDS_COLUMNS}


def _iso_ts(ts: int) -> str | None:
    return iso(datetime.fromtimestamp(ts, tz=UTC))


@bp.get("/api/matches/<raw_id>")
def match_api(raw_id: str) -> ResponseReturnValue:
    """The match as ``/api/matches`` shows it, plus its opening and closing line."""
    event_id = parse_event_id(raw_id)
    store = web_state().store()
    rows = timeline(store, event_id)
    match = find_match(store, event_id, rows)
    if match is None:
        return unknown(event_id)
    closing, opening = closing_line(rows), opening_line(rows)
    total = main_total(closing)
    return jsonify(
        {
            **match_json(match),
            "main_total": (
                None
                if total is None
                else {"line": total.line, "over": total.over, "under": total.under}
            ),
            "closing_line": line_json(closing),
            "opening_line": line_json(opening),
        }
    )


@bp.get("/api/matches/<raw_id>/odds")
def odds_api(raw_id: str) -> ResponseReturnValue:
    """The event's timeline rows (``ODDS_COLUMNS``), in time order; also before it is stored
    as a match (it is being collected)."""
    event_id = parse_event_id(raw_id)
    store = web_state().store()
    rows = timeline(store, event_id)
    if not rows and not store.stored_ids([event_id]):
        return unknown(event_id)
    return jsonify({"event_id": event_id, "count": len(rows), "items": [row_json(r) for r in rows]})


def market_table(
    opening: Mapping[SelectionKey, OddsRow], closing: Mapping[SelectionKey, OddsRow]
) -> list[dict[str, Any]]:
    """One table row per selection of either line, in display order."""
    keys = sorted(opening.keys() | closing.keys(), key=lambda k: sort_key(*k))
    table = []
    for group, kind, param in keys:
        first, last = opening.get((group, kind, param)), closing.get((group, kind, param))
        table.append(
            {
                "market": market_label(group),
                "outcome": outcome_label(group, kind, param),
                "line": line_text(group, param),
                "opening": None if first is None else first.price,
                "closing": None if last is None else last.price,
                "closing_at": None
                if last is None
                else datetime.fromtimestamp(last.observed_at, UTC),
            }
        )
    return table


def _points(rows: Iterable[OddsRow], key: SelectionKey) -> list[tuple[int, float | None]]:
    points: list[tuple[int, float | None]] = []
    for row in rows:
        if (row.group, row.type, row.param) == key:
            price = None if row.removed else usable_price(row.price, row.blocked)
            points.append((row.observed_at, price))
    return points


def chart_of(match: FinishedMatch, rows: Sequence[OddsRow], zone: ZoneInfo) -> TimeChart | None:
    """The 1X2 and the main total (closing, else opening) over the whole timeline."""
    curves: list[tuple[str, str, bool, Sequence[tuple[int, float | None]]]] = []
    for group, kind, name, colour, dashed in CURVES:
        points = _points(rows, (group, kind, None))
        if points:
            curves.append((name, colour, dashed, points))
    total = main_total(closing_line(rows)) or main_total(opening_line(rows))
    if total is not None:
        shown = fmt_number(total.line, 1)
        for kind, word in ((OVER, "plus de"), (UNDER, "moins de")):
            points = _points(rows, (TOTAL_GROUP, kind, total.line))
            curves.append((f"Total {word} {shown}", TOTAL_COLOURS[kind], True, points))
    kickoff = None if match.start_time is None else int(match.start_time.timestamp())

    def time_text(ts: int) -> str:
        return datetime.fromtimestamp(ts, tz=UTC).astimezone(zone).strftime("%H:%M")

    name = f"Cotes au fil du temps — {match.team1} – {match.team2}"
    return odds_chart(name, curves, kickoff, time_text)


@bp.get("/match/<raw_id>")
def page(raw_id: str) -> ResponseReturnValue:
    """The match, its line per market and the chart of its 1X2 and main total."""
    event_id = parse_event_id(raw_id)
    state = web_state()
    store = state.store()
    rows = timeline(store, event_id)
    match = find_match(store, event_id, rows)
    if match is None:
        return unknown(event_id)
    opening, closing = opening_line(rows), closing_line(rows)
    html = render_template(
        "match.html",
        m=match,
        table=market_table(opening, closing),
        chart=chart_of(match, rows, ZoneInfo(state.settings.timezone)),
        rows=len(rows),
        api_url=url_for("match.match_api", raw_id=event_id),
        odds_url=url_for("match.odds_api", raw_id=event_id),
    )
    return Response(html, mimetype="text/html")

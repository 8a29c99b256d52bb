"""The results service (``result/web/api/v3/games``): parse its answer, plan its windows. No I/O.

A match that left the live feed without being seen finished is looked up here by its event id
(results ``id`` = feed ``I``, docs/feed.md §7). Only the leading ``h:a`` of ``score`` is trusted;
halves are read only from a ``(h1:a1,h2:a2)`` that adds up to it. An item we cannot read is
rejected with a reason, never guessed. A body that is not a results object at all raises
``FeedFormatError``: it is a failed request, not "no results".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from oracxpred.core.finish import is_int
from oracxpred.core.records import Rejection, ResultItem, Score
from oracxpred.errors import FeedFormatError

WINDOW_STEP_S = 300
"""``dateFrom``/``dateTo`` must be multiples of 300 s, else the service answers 400
(docs/feed.md §7)."""

MAX_WINDOW_S = 86400
"""Longest window asked for: 2 days are accepted on Melbet, one client trusts only 1 day."""

WINDOW_MARGIN_S = 300
"""Slack around a start time, so that either bound being exclusive cannot lose it."""

# Leading "h:a", then end, a space or "(": "5:0(1:0 F;…)", "2:0 (1:0,1:0)", "3:2".
_LEADING = re.compile(r"\s*(\d{1,3}):(\d{1,3})(?=\s|\(|$)")
_HALVES = re.compile(r"\s*\(\s*(\d{1,3}):(\d{1,3})\s*,\s*(\d{1,3}):(\d{1,3})\s*\)\s*")


@dataclass(frozen=True, slots=True)
class ResultsParse:
    items: tuple[ResultItem, ...]
    rejections: tuple[Rejection, ...]


def parse_results(payload: bytes) -> ResultsParse:
    """Items of one results answer; ``FeedFormatError`` (French) when the envelope is wrong."""
    try:
        data = json.loads(payload)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        head = payload.lstrip()[:1]
        what = "une page HTML" if head == b"<" else "un contenu qui n'est pas du JSON"
        raise FeedFormatError(f"Service de résultats : {what} au lieu de JSON") from None
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise FeedFormatError(
            f"Service de résultats : réponse JSON qui n'est pas un objet ({kind})"
        )
    count = data.get("count")
    if count is not None and not is_int(count):
        raise FeedFormatError(f"Service de résultats : « count » invalide ({count!r:.40})")
    raw_items = data.get("items")
    if raw_items is None:
        if count == 0:
            return ResultsParse((), ())  # the service omits "items" when there is none
        raise FeedFormatError(
            f"Service de résultats : « items » absent (count = {count!r:.20}) ; "
            "ce n'est pas une réponse de résultats"
        )
    if not isinstance(raw_items, list):
        raise FeedFormatError("Service de résultats : « items » n'est pas une liste")
    items: list[ResultItem] = []
    rejections: list[Rejection] = []
    seen: set[int] = set()
    for raw in raw_items:
        outcome = _item(raw)
        if isinstance(outcome, Rejection):
            rejections.append(outcome)
        elif outcome.event_id in seen:
            rejections.append(Rejection(outcome.event_id, "résultat en double, le premier compte"))
        else:
            seen.add(outcome.event_id)
            items.append(outcome)
    return ResultsParse(tuple(items), tuple(rejections))


def parse_score(text: str) -> tuple[Score, Score | None] | None:
    """Final score and half-time score of a results ``score`` string; None when unreadable."""
    lead = _LEADING.match(text)
    if lead is None:
        return None
    final = Score(int(lead[1]), int(lead[2]))
    halves = _HALVES.fullmatch(text, lead.end())
    if halves is None:
        return final, None  # no parenthesis, or periods that are not two halves (MK rounds)
    h1, a1, h2, a2 = (int(g) for g in halves.groups())
    if (h1 + h2, a1 + a2) != (final.home, final.away):
        return final, None  # sets or rounds, not halves ("2:0 (11:7,11:7)")
    return final, Score(h1, a1)


def results_query_windows(
    pending: Iterable[tuple[int, int]],
) -> list[tuple[int, int, int]]:
    """``(league_id, date_from, date_to)`` windows covering every ``(league_id, start_time)``.

    Bounds are unix seconds, multiples of ``WINDOW_STEP_S``, each window at most
    ``MAX_WINDOW_S`` long with every start at least ``WINDOW_MARGIN_S`` inside it. Greedy over
    sorted starts, which gives the fewest windows per league."""
    by_league: dict[int, list[int]] = {}
    for league_id, start in pending:
        by_league.setdefault(league_id, []).append(start)
    windows: list[tuple[int, int, int]] = []
    for league_id in sorted(by_league):
        first, *others = sorted(set(by_league[league_id]))
        date_from, date_to = _floor(first - WINDOW_MARGIN_S), _ceil(first + WINDOW_MARGIN_S)
        for start in others:
            high = _ceil(start + WINDOW_MARGIN_S)
            if high - date_from <= MAX_WINDOW_S:
                date_to = high
            else:
                windows.append((league_id, date_from, date_to))
                date_from, date_to = _floor(start - WINDOW_MARGIN_S), high
        windows.append((league_id, date_from, date_to))
    return windows


def _floor(t: int) -> int:
    return t - t % WINDOW_STEP_S


def _ceil(t: int) -> int:
    return -(-t // WINDOW_STEP_S) * WINDOW_STEP_S


def _item(raw: Any) -> ResultItem | Rejection:
    if not isinstance(raw, dict):
        return Rejection(None, "résultat qui n'est pas un objet")
    event_id = raw.get("id")
    if not is_int(event_id) or event_id <= 0:
        return Rejection(None, f"identifiant de résultat invalide ({event_id!r:.30})")
    ids1, ids2 = raw.get("opp1Ids"), raw.get("opp2Ids")
    if not (isinstance(ids1, list) and isinstance(ids2, list) and len(ids1) == len(ids2) == 1):
        # docs/feed.md §7: one id per side; doubles and multi-team entries are not matches we track.
        return Rejection(event_id, "il faut exactement un identifiant par équipe (opp1Ids/opp2Ids)")
    score_text = raw.get("score")
    if not isinstance(score_text, str) or not score_text.strip():
        return Rejection(event_id, "score absent")
    parsed = parse_score(score_text)
    if parsed is None:
        return Rejection(event_id, f"score illisible ({score_text!r:.40})")
    league_id, start = raw.get("champId"), raw.get("dateStart")
    return ResultItem(
        event_id=event_id,
        score=parsed[0],
        halftime=parsed[1],
        team1=_text(raw.get("opp1")),
        team2=_text(raw.get("opp2")),
        league=_text(raw.get("champName")),
        league_id=league_id if is_int(league_id) else None,
        start_time=start if is_int(start) else None,
        team1_id=_positive_id(ids1[0]),
        team2_id=_positive_id(ids2[0]),
        sport_id=_positive_id(raw.get("sportId")),
    )


def _positive_id(value: Any) -> int | None:
    return value if is_int(value) and value > 0 else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""

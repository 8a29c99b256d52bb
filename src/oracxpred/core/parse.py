"""Live feed answers (``Get1x2_VZip``) → typed ``FeedEvent``s, or a reason. No I/O.

Two levels, two behaviours:

- The envelope is all or nothing (``envelope.raw_events_of``): a body that is not a feed answer
  raises ``FeedFormatError``, a failed poll, never "no matches".
- Each event is checked on its own (docs/feed.md §3): a bad one becomes a ``Rejection`` with a
  French reason naming the field, and the others are kept. Nothing else ever leaves
  ``parse_feed``.

Names are trimmed and otherwise kept as sent (neutralising control characters is the job of
the logs and stores), but a name over ``MAX_NAME_LENGTH`` characters or holding a NUL is
refused. Odds come from ``E`` only (see ``finish.odds_1x2``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oracxpred.core.envelope import raw_events_of, show_value
from oracxpred.core.finish import (
    halftime_of,
    is_int,
    phase_of,
    score_of,
    status_text_of,
)
from oracxpred.core.odds import MarketsSeen, markets_of
from oracxpred.core.records import FeedEvent, ParseResult, Phase, Rejection
from oracxpred.errors import FeedFormatError

MAX_NAME_LENGTH = 500
"""Longest team or league name kept; the simulator's hostile names have 10,000 characters."""

MAX_ID = 2**63 - 1
"""Ids must fit a signed 64-bit column."""

MAX_TIMESTAMP = 253402300799
"""9999-12-31T23:59:59Z: the last unix second a ``datetime`` can hold."""

_OPTIONAL_INTS = (
    # (field, upper bound): absent or null means unknown.
    ("S", MAX_TIMESTAMP),
    ("U", MAX_TIMESTAMP),
    ("SI", MAX_ID),
    ("LI", MAX_ID),
    ("O1I", MAX_ID),
    ("O2I", MAX_ID),
)


_DUPLICATE = "identifiant en double dans la réponse"


class EventRejected(ValueError):
    """One event refused; ``reason`` is French, ``event_id`` is None when unreadable."""

    def __init__(self, reason: str, event_id: int | None = None, category: str = "autre") -> None:
        super().__init__(reason)
        self.reason = reason
        self.event_id = event_id
        self.category = category


def parse_feed(
    payload: bytes | bytearray | memoryview, previous: Mapping[int, Any] | None = None
) -> ParseResult:
    """Events and rejections of one feed answer, in input order.

    Raises only ``FeedFormatError`` (the envelope is wrong). A repeated ``I`` keeps its first
    occurrence; later ones are rejected, even when the first was itself rejected. ``previous``:
    the ``markets`` of the previous poll's result, so that unchanged markets are not read
    again (``core.odds.markets_of``); the result is the same without it."""
    kept: MarketsSeen = {}
    payload = bytes(payload)
    raw_events = raw_events_of(payload)
    events: list[FeedEvent] = []
    refused: list[tuple[int, int | None, str, str]] = []  # index, id, reason, category
    seen: set[int] = set()
    for index, raw in enumerate(raw_events):
        try:
            event = parse_event(raw, previous, kept)
        except EventRejected as exc:
            if exc.event_id is not None and exc.event_id in seen:
                refused.append((index, exc.event_id, _DUPLICATE, "duplicate_id"))
            else:
                refused.append((index, exc.event_id, exc.reason, exc.category))
            if exc.event_id is not None:
                seen.add(exc.event_id)
            continue
        if event.event_id in seen:
            refused.append((index, event.event_id, _DUPLICATE, "duplicate_id"))
            continue
        seen.add(event.event_id)
        events.append(event)
    if refused:
        # The fast path keeps only the fields read: the quarantine wants each event whole (the
        # reference may refuse what the fast path read, a 5,000-digit integer: keep the part).
        # Both paths give the same events in the same order (tests/unit/test_parse.py).
        try:
            raw_events = raw_events_of(payload, fast=False)
        except FeedFormatError:
            pass  # keep the fast path's view of the events
    rejections = tuple(
        Rejection(event_id, reason, category, raw_events[index])
        for index, event_id, reason, category in refused
    )
    return ParseResult(tuple(events), rejections, kept)


def parse_event(
    raw: Mapping[str, Any],
    seen: Mapping[int, Any] | None = None,
    kept: MarketsSeen | None = None,
) -> FeedEvent:
    """One raw event → ``FeedEvent``; ``EventRejected`` with a French reason otherwise
    (``seen``: the previous poll's markets, ``kept``: this poll's, see ``parse_feed``)."""
    if not isinstance(raw, Mapping):
        raise EventRejected(
            f"événement qui n'est pas un objet JSON ({type(raw).__name__})", category="not_object"
        )
    event_id = raw.get("I")
    if not is_int(event_id) or not 0 < event_id <= MAX_ID:
        raise EventRejected(
            f"identifiant I invalide ({show_value(event_id)})", category="invalid_id"
        )
    team1 = _name(raw, "O1", event_id)
    team2 = _name(raw, "O2", event_id)
    league = _league(raw, event_id)
    ints = {key: _optional_int(raw, key, high, event_id) for key, high in _OPTIONAL_INTS}
    sc = raw.get("SC")
    if sc is None:
        sc = {}
    elif not isinstance(sc, Mapping):
        raise EventRejected(
            f"champ SC invalide : objet attendu, reçu {type(sc).__name__}", event_id, "wrong_type"
        )
    phase = phase_of(raw)
    fs = sc.get("FS")
    if fs is None and phase is Phase.FINISHED:
        # A finished event must show its score: FS:{} is 0-0, a missing FS is unknown.
        raise EventRejected("match terminé sans score (SC.FS absent)", event_id, "missing_score")
    try:
        score = score_of(fs)
    except ValueError as exc:
        raise EventRejected(f"score invalide (SC.FS) : {exc}", event_id, "invalid_score") from None
    game_state = sc.get("GS")
    selections, odds = markets_of(raw, event_id, seen, kept)
    return FeedEvent(
        event_id=event_id,
        sport_id=ints["SI"],
        league=league,
        league_id=ints["LI"],
        team1=team1,
        team2=team2,
        team1_id=ints["O1I"],
        team2_id=ints["O2I"],
        start_time=ints["S"],
        phase=phase,
        score=score,
        halftime=halftime_of(sc.get("PS")),
        status_text=status_text_of(sc),
        game_state=game_state if is_int(game_state) else None,
        odds=odds,
        updated_at=ints["U"],
        prices=selections.prices,
        odds_rejected=selections.rejected,
    )


def _name(raw: Mapping[str, Any], key: str, event_id: int) -> str:
    if raw.get(key) is None:
        raise EventRejected(f"champ {key} absent", event_id, "missing_field")
    return _checked_text(raw[key], key, event_id, allow_empty=False)


def _league(raw: Mapping[str, Any], event_id: int) -> str:
    for key in ("L", "LE"):  # LE (English) when the localized name is missing
        if raw.get(key) is not None:
            text = _checked_text(raw[key], key, event_id, allow_empty=True)
            if text:
                return text
    raise EventRejected("ligue absente (champs L et LE)", event_id, "missing_field")


def _checked_text(value: object, key: str, event_id: int, *, allow_empty: bool) -> str:
    if not isinstance(value, str):
        raise EventRejected(
            f"champ {key} invalide : texte attendu, reçu {type(value).__name__}",
            event_id,
            "wrong_type",
        )
    text = value.strip()
    if not text and not allow_empty:
        raise EventRejected(f"champ {key} vide", event_id, "empty_field")
    if len(text) > MAX_NAME_LENGTH:
        raise EventRejected(
            f"champ {key} trop long ({len(text)} caractères, maximum {MAX_NAME_LENGTH})",
            event_id,
            "too_long",
        )
    if "\x00" in text:
        raise EventRejected(f"champ {key} contient un caractère NUL", event_id, "nul_char")
    return text


def _optional_int(raw: Mapping[str, Any], key: str, high: int, event_id: int) -> int | None:
    value: object = raw.get(key)
    if value is None:
        return None
    if type(value) is int and 0 <= value <= high:
        return value  # the usual case, decided without the checks below
    if not is_int(value):
        raise EventRejected(
            f"champ {key} invalide : entier attendu, reçu {type(value).__name__} "
            f"({show_value(value)})",
            event_id,
            "wrong_type",
        )
    if not 0 <= value <= high:
        raise EventRejected(
            f"champ {key} hors limites ({show_value(value)})", event_id, "out_of_range"
        )
    return value

"""Live feed answers (``Get1x2_VZip``) → typed ``FeedEvent``s, or a reason. No I/O.

Two levels, two behaviours:

- The envelope (FEED.md §2, §8) is all or nothing: a body that is not a feed answer (not
  UTF-8, not JSON, truncated, an HTML page, ``Success:false``, no ``Value``) raises
  ``FeedFormatError`` with a French message. It is a failed poll, never "no matches".
  ``Value`` may be a list of events, one event object (``GetGameZip``), a ``GetChampZip``
  league object whose ``G`` is the list, or null (no events). ``Success`` may be absent
  (captures re-wrapped as ``{"Value": […]}``).
- Each event is checked on its own: a bad one becomes a ``Rejection`` with a French reason
  naming the field, and the others are kept. Nothing else ever leaves ``parse_feed``.

Names are trimmed and otherwise kept as sent (neutralising control characters is the job of
the logs and stores), but a name over ``MAX_NAME_LENGTH`` characters or holding a NUL is
refused. Odds come from ``E`` only (see ``finish.odds_1x2``).

Speed: a feed answer of 1,000 events is about 2.5 MB, most of it fields never read (``AE``,
translations, images). ``_fast_events`` decodes the usual shape (an object whose ``Value`` is a
list of objects, ``Success`` absent or true) with ``msgspec``, keeping only ``EVENT_FIELDS`` of
each event; any other body, and any body it cannot decode, goes through the reference path
(``_decode`` then ``_envelope``, the standard ``json`` module), which alone words the errors.
Both paths give the same events and the same reasons (``tests/unit/test_parse.py``), except
that an integer of more than 4,300 digits in a field never read no longer fails the poll.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import msgspec

from oracxpred.core.finish import halftime_of, odds_1x2, phase_of, score_of, status_text_of
from oracxpred.core.records import FeedEvent, ParseResult, Phase, Rejection
from oracxpred.errors import FeedFormatError

MAX_NAME_LENGTH = 500
"""Longest team or league name kept; the simulator's hostile names have 10,000 characters."""

MAX_ID = 2**63 - 1
"""Ids must fit a signed 64-bit column."""

MAX_TIMESTAMP = 253402300799
"""9999-12-31T23:59:59Z: the last unix second a ``datetime`` can hold."""

_WHAT = "Flux live"
_OPTIONAL_INTS = (
    # (field, upper bound): absent or null means unknown.
    ("S", MAX_TIMESTAMP),
    ("U", MAX_TIMESTAMP),
    ("SI", MAX_ID),
    ("LI", MAX_ID),
    ("O1I", MAX_ID),
    ("O2I", MAX_ID),
)


EVENT_FIELDS = (
    "I",
    "O1",
    "O2",
    "L",
    "LE",
    "S",
    "U",
    "SI",
    "LI",
    "O1I",
    "O2I",
    "SC",
    "E",
    "F",
    "GNS",
)
"""Every top-level field of an event that ``parse_event`` (and ``finish``) reads."""

_DUPLICATE = "identifiant en double dans la réponse"
_BOM = b"\xef\xbb\xbf"
_FastEvent = msgspec.defstruct("_FastEvent", [(key, Any, None) for key in EVENT_FIELDS], gc=False)
_FAST_ENVELOPE = msgspec.json.Decoder(
    msgspec.defstruct(
        "_FastEnvelope",
        [("Success", Any, msgspec.UNSET), ("Value", list[_FastEvent] | None, msgspec.UNSET)],
        gc=False,
    )
)


class EventRejected(ValueError):
    """One event refused; ``reason`` is French, ``event_id`` is None when unreadable."""

    def __init__(self, reason: str, event_id: int | None = None, category: str = "autre") -> None:
        super().__init__(reason)
        self.reason = reason
        self.event_id = event_id
        self.category = category


def parse_feed(payload: bytes) -> ParseResult:
    """Events and rejections of one feed answer, in input order.

    Raises only ``FeedFormatError`` (the envelope is wrong). A repeated ``I`` keeps its first
    occurrence; later ones are rejected, even when the first was itself rejected."""
    payload = bytes(payload)
    fast = _fast_events(payload)
    raw_events = _envelope(_decode(payload)) if fast is None else fast
    events: list[FeedEvent] = []
    refused: list[tuple[int, int | None, str, str]] = []  # index, id, reason, category
    seen: set[int] = set()
    for index, raw in enumerate(raw_events):
        try:
            event = parse_event(raw)
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
    if refused and fast is not None:
        # The fast path kept only EVENT_FIELDS: the quarantine wants each event whole (the
        # reference may refuse what the fast path read, a 5,000-digit integer: keep the part).
        try:
            raw_events = _envelope(_decode(payload))
        except FeedFormatError:
            pass
    rejections = tuple(
        Rejection(event_id, reason, category, raw_events[index])
        for index, event_id, reason, category in refused
    )
    return ParseResult(tuple(events), rejections)


def parse_event(raw: Mapping[str, Any]) -> FeedEvent:
    """One raw event → ``FeedEvent``; ``EventRejected`` with a French reason otherwise."""
    if not isinstance(raw, Mapping):
        raise EventRejected(
            f"événement qui n'est pas un objet JSON ({type(raw).__name__})", category="not_object"
        )
    event_id = raw.get("I")
    if not _is_int(event_id) or not 0 < event_id <= MAX_ID:
        raise EventRejected(f"identifiant I invalide ({_show(event_id)})", category="invalid_id")
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
        game_state=game_state if _is_int(game_state) else None,
        odds=odds_1x2(raw.get("E")),
        updated_at=ints["U"],
    )


def raw_events_of(payload: bytes, *, fast: bool = True) -> list[Any]:
    """The raw events of a feed answer; ``FeedFormatError`` when it is not one.

    ``fast=False`` forces the reference path (tests compare both)."""
    events = _fast_events(payload) if fast else None
    return _envelope(_decode(payload)) if events is None else events


def _fast_events(payload: bytes) -> list[Any] | None:
    """The events of the usual answer, each a dict of ``EVENT_FIELDS`` (None for an absent
    field, which every reader treats like a missing one); None when the reference path must
    decide (another shape, or anything it cannot decode: the error is worded there)."""
    try:
        # The typed decoder skips the fields it does not keep without checking their UTF-8:
        # decoding the whole body first keeps "not UTF-8 anywhere" a failed poll.
        payload.decode("utf-8")
        envelope = _FAST_ENVELOPE.decode(payload.removeprefix(_BOM))
    except (msgspec.DecodeError, ValueError, RecursionError):
        return None
    if envelope.Success is not msgspec.UNSET and envelope.Success is not True:
        return None
    if envelope.Value is msgspec.UNSET:
        return None
    if envelope.Value is None:
        return []
    asdict = msgspec.structs.asdict
    return [asdict(event) for event in envelope.Value]


def _decode(payload: bytes) -> Any:
    if not payload.strip():
        raise FeedFormatError(f"{_WHAT} : réponse vide")
    if payload.lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<":
        raise FeedFormatError(f"{_WHAT} : page HTML reçue au lieu de JSON")
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FeedFormatError(
            f"{_WHAT} : réponse qui n'est pas de l'UTF-8 valide (octet {exc.start})"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise FeedFormatError(
                f"{_WHAT} : réponse tronquée (JSON incomplet après {len(payload)} octet(s))"
            ) from None
        raise FeedFormatError(
            f"{_WHAT} : contenu qui n'est pas du JSON (ligne {exc.lineno}, colonne {exc.colno})"
        ) from None
    except RecursionError:
        raise FeedFormatError(f"{_WHAT} : JSON trop profondément imbriqué") from None
    except ValueError:  # e.g. an integer of more than 4300 digits
        raise FeedFormatError(f"{_WHAT} : JSON illisible (nombre hors limites)") from None


def _envelope(data: Any) -> list[Any]:
    if not isinstance(data, dict):
        raise FeedFormatError(
            f"{_WHAT} : la réponse JSON n'est pas un objet ({type(data).__name__})"
        )
    if "Success" in data and data["Success"] is not True:
        if data["Success"] is False:
            error = data.get("Error")
            error = _escape(error) if isinstance(error, str) else _show(error)
            raise FeedFormatError(
                f"{_WHAT} : le site a répondu Success:false "
                f"(erreur : « {error} », code : {_show(data.get('ErrorCode'))})"
            )
        raise FeedFormatError(f"{_WHAT} : champ Success invalide ({_show(data['Success'])})")
    if "Value" not in data:
        raise FeedFormatError(
            f"{_WHAT} : champ Value absent (ce n'est pas une réponse du flux live)"
        )
    value = data["Value"]
    if value is None:
        return []  # GetGameZip: the game has ended and left the feed (FEED.md §2)
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        if "I" not in value and isinstance(value.get("G"), list):
            return value["G"]  # GetChampZip: one league object, its events in G
        return [value]  # GetGameZip: one event
    raise FeedFormatError(f"{_WHAT} : champ Value ni liste ni objet ({type(value).__name__})")


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
    value = raw.get(key)
    if value is None:
        return None
    if type(value) is int and 0 <= value <= high:
        return value  # the usual case, decided without the checks below
    if not _is_int(value):
        raise EventRejected(
            f"champ {key} invalide : entier attendu, reçu {type(value).__name__} ({_show(value)})",
            event_id,
            "wrong_type",
        )
    if not 0 <= value <= high:
        raise EventRejected(f"champ {key} hors limites ({_show(value)})", event_id, "out_of_range")
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value: object) -> str:
    """A short, one-line view of a hostile value for a reason (containers by type only:
    their repr could be huge or too deeply nested to print)."""
    if isinstance(value, str):
        text = repr(value[:40])
    elif _is_int(value) and abs(value) >= 10**30:
        text = "entier démesuré"
    elif value is None or isinstance(value, int | float):
        text = repr(value)
    else:
        text = type(value).__name__
    return _escape(text, limit=50)


def _escape(text: str, limit: int = 200) -> str:
    """No control character can break the reason's line; long texts are cut."""
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text[: limit + 1])
    return text if len(text) <= limit else text[: limit - 1] + "…"

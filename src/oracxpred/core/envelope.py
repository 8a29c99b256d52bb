"""A live feed answer's envelope → its raw events, or ``FeedFormatError``. No I/O.

The envelope (docs/feed.md §2, §8) is all or nothing: a body that is not a feed answer (not
UTF-8, not JSON, truncated, an HTML page, ``Success:false``, no ``Value``) raises
``FeedFormatError`` with a French message. It is a failed poll, never "no matches". ``Value`` may
be a list of events, one event object (``GetGameZip``), a ``GetChampZip`` league object whose
``G`` is the list, or null (no events). ``Success`` may be absent (captures re-wrapped as
``{"Value": […]}``). The events themselves are checked by ``parse``.

Speed: a feed answer of 1,000 events is about 2.5 MB, much of it fields never read
(translations, images, display prices). ``_fast_events`` decodes the usual shape (an object
whose ``Value`` is a list of objects, ``Success`` absent or true) with ``msgspec``, keeping
only ``EVENT_FIELDS`` of each event (its markets ``E``/``AE`` as raw JSON, which ``core.odds``
types with ``FastSelection``, or reads the reference way); any other body,
and any body it cannot decode, goes through the reference path (``_decode`` then
``_envelope``, the standard ``json`` module), which alone words the errors.
Both paths give the same events and the same reasons (``tests/unit/test_parse.py``), except
that an integer of more than 4,300 digits in a field never read no longer fails the poll.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import msgspec

from oracxpred.core.finish import is_int
from oracxpred.errors import FeedFormatError

_WHAT = "Flux live"


MAX_PRICE = 100_000.0
"""Largest ``C`` accepted; the feed's longest prices (exact scores) stay far below."""

MAX_PARAM = 10_000.0
"""Largest ``|P|`` accepted: handicaps and totals are small lines, cricket totals a few hundred."""

MAX_CODE = 2**31 - 1
"""Largest ``G`` or ``T`` accepted (they are small codes; more is a broken feed)."""

_Code = Annotated[int, msgspec.Meta(ge=0, le=MAX_CODE)]


RAW_NULL = msgspec.Raw(b"null")
"""An absent ``E``/``AE`` in the fast path (the same as ``null``)."""


class FastSelection(msgspec.Struct, gc=False):
    """One entry of ``E`` or ``AE[*].ME`` as the fast path decodes it: typed and bounded like
    ``core.odds.read_price`` checks a raw entry, so any hostile entry fails the fast decode and
    the whole answer takes the reference path, which words the reason."""

    G: _Code
    T: _Code
    P: Annotated[float, msgspec.Meta(ge=-MAX_PARAM, le=MAX_PARAM)] | None = None
    C: Annotated[float, msgspec.Meta(ge=1.0, le=MAX_PRICE)] | None = None
    B: Any = None
    CE: Any = None


class FastLines(msgspec.Struct, gc=False):
    """One ``AE`` block: its lines ``ME`` (a block without them fails the typed decode)."""

    ME: list[FastSelection]


FAST_MARKETS = msgspec.json.Decoder(list[FastSelection] | None)
FAST_LINES = msgspec.json.Decoder(list[FastLines] | None)


class _FastEvent(msgspec.Struct, gc=False):
    """The fields of an event that ``parse_event`` (and ``finish``) reads, named as the feed
    names them; an absent one is None, which every reader treats like a missing one."""

    I: Any = None  # noqa: E741 (the feed's own name for the event id)
    O1: Any = None
    O2: Any = None
    L: Any = None
    LE: Any = None
    S: Any = None
    U: Any = None
    SI: Any = None
    LI: Any = None
    O1I: Any = None
    O2I: Any = None
    SC: Any = None
    E: msgspec.Raw = RAW_NULL  # decoded by ``core.odds`` only when it changed since last poll
    AE: msgspec.Raw = RAW_NULL
    F: Any = None
    GNS: Any = None


class _FastEnvelope(msgspec.Struct, gc=False):
    Success: Any = msgspec.UNSET
    Value: list[_FastEvent] | msgspec.UnsetType | None = msgspec.UNSET


EVENT_FIELDS: tuple[str, ...] = _FastEvent.__struct_fields__
"""Every top-level field of an event that ``parse_event`` (and ``finish``) reads."""

_BOM = b"\xef\xbb\xbf"
_FAST_ENVELOPE = msgspec.json.Decoder(_FastEnvelope)


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
    events = envelope.Value
    if isinstance(events, msgspec.UnsetType):
        return None
    if events is None:
        return []
    asdict = msgspec.structs.asdict
    return [asdict(event) for event in events]


def decode_json(payload: bytes) -> Any:
    """The standard ``json`` reading of a body; ``FeedFormatError`` worded as for a poll."""
    return _decode(payload)


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
            error = escape_text(error) if isinstance(error, str) else show_value(error)
            raise FeedFormatError(
                f"{_WHAT} : le site a répondu Success:false "
                f"(erreur : « {error} », code : {show_value(data.get('ErrorCode'))})"
            )
        raise FeedFormatError(f"{_WHAT} : champ Success invalide ({show_value(data['Success'])})")
    if "Value" not in data:
        raise FeedFormatError(
            f"{_WHAT} : champ Value absent (ce n'est pas une réponse du flux live)"
        )
    value = data["Value"]
    if value is None:
        return []  # GetGameZip: the game has ended and left the feed (docs/feed.md §2)
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        events = value.get("G")
        if "I" not in value and isinstance(events, list):
            return events  # GetChampZip: one league object, its events in G
        return [value]  # GetGameZip: one event
    raise FeedFormatError(f"{_WHAT} : champ Value ni liste ni objet ({type(value).__name__})")


def show_value(value: object) -> str:
    """A short, one-line view of a hostile value for a reason (containers by type only:
    their repr could be huge or too deeply nested to print)."""
    if isinstance(value, str):
        text = repr(value[:40])
    elif is_int(value) and abs(value) >= 10**30:
        text = "entier démesuré"
    elif value is None or isinstance(value, int | float):
        text = repr(value)
    else:
        text = type(value).__name__
    return escape_text(text, limit=50)


def escape_text(text: str, limit: int = 200) -> str:
    """No control character can break the reason's line; long texts are cut."""
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text[: limit + 1])
    return text if len(text) <= limit else text[: limit - 1] + "…"

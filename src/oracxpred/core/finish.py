"""Every feed rule the collector relies on (docs/feed.md §4–§5), each in one function: phase,
pre-match market, zero-omitted scores, half-time, 1X2 prices, the settled price, the finish
status and the outcome of a score. No I/O.

The tracker and the parser call these and keep no feed constant of their own. The readers take
one raw event (a decoded JSON object) and never trust a type: anything unexpected either falls
back to the safe answer (phase, prices) or raises a ``ValueError`` with a French reason
(scores), which the parser turns into a rejection.

Status texts are matched **exactly** (after trimming, Unicode NFC and casefolding), never by
substring: "mi-temps" is a period name, not an end, and ``SLS`` is a clock label, never read.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from typing import Any, TypeGuard

from oracxpred.core.records import Odds1X2, Outcome, Phase, Score

FINISHED_GAME_STATE = 1
PREMATCH_GAME_STATE = 128

SETTLED_PRICE = 1.001
"""In play and at the finish, near-decided outcomes show ``C: 1.001`` (docs/feed.md §5): a price
at or below it is never stored."""

FINISHED_STATUS = "Terminé"
"""Status stored for a feed finish whose label (``CPS``/``SC.I``) was empty."""

MAX_SCORE = 9999
"""Largest score accepted (cricket runs reach a few hundred); more is a broken feed."""


def _label(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


GAME_OVER_PERIOD_LABELS = frozenset(
    _label(t)
    for t in (
        "Jeu terminé",  # fr, 16 FIFA captures
        "Oyun sona erdi",  # tr, hockey capture
        "Game finished",  # en, Betwinner client's filter
        "Игра завершена",  # ru, site wording, not captured
    )
)
"""``SC.CPS`` values that mean the game is over (docs/feed.md §4, "Game over" labels)."""

GAME_OVER_INFO_LABELS = frozenset({_label("Match terminé")})
"""``SC.I`` values that mean the game is over (fr, next to "Jeu terminé")."""

PREMATCH_INFO_LABELS = frozenset(
    _label(t)
    for t in (
        "Paris avant le début du jeu",  # fr, FIFA pre-match
        "Paris d'avant-match",  # fr, Mortal Kombat pre-match (GetChampZip capture)
        "Maç öncesi bahisler",  # tr, real-sport pre-match without GS
    )
)
"""``SC.I`` values of a not-started event, used only when ``SC.GS`` is absent."""


def phase_of(raw_event: Mapping[str, Any]) -> Phase:
    """Phase of one raw event from the feed's own signals; never raises.

    FINISHED: ``F`` is true, ``SC.GS`` is 1, or an exact game-over label (``SC.CPS``, or
    "Match terminé" in ``SC.I``). PREMATCH: ``SC.GS`` is 128; when ``GS`` is absent (real
    sports), ``GNS`` true or an exact pre-match ``SC.I`` label, provided no goal is on the
    board (the hand-trimmed capture carries ``GNS`` on a match at 3-1: goals mean it started).
    Anything else is LIVE, including ``GS`` 2 (break) and 64."""
    sc = raw_event.get("SC")
    if not isinstance(sc, dict) and not isinstance(sc, Mapping):
        sc = {}
    game_state = sc.get("GS")
    if not is_int(game_state):
        game_state = None
    if raw_event.get("F") is True or game_state == FINISHED_GAME_STATE:
        return Phase.FINISHED
    if _matches(sc.get("CPS"), GAME_OVER_PERIOD_LABELS) or _matches(
        sc.get("I"), GAME_OVER_INFO_LABELS
    ):
        return Phase.FINISHED
    if game_state == PREMATCH_GAME_STATE:
        return Phase.PREMATCH
    not_started = raw_event.get("GNS") is True or _matches(sc.get("I"), PREMATCH_INFO_LABELS)
    if game_state is None and not_started and not _has_goal(sc.get("FS")):
        return Phase.PREMATCH
    return Phase.LIVE


def is_open_prematch(game_state: int | None) -> bool:
    """True when a pre-match snapshot's market is open: ``SC.GS`` 128, or absent (real sports).

    Any other state of a pre-match event (a break, 64) never gives odds to keep."""
    return game_state in (PREMATCH_GAME_STATE, None)


def score_of(fs: Mapping[str, Any] | None) -> Score:
    """A ``FS``/``PS`` score with omitted zeros restored: ``{"S2": 1}`` is 0-1, ``{}`` 0-0.

    ``ValueError`` (French reason) for anything that is not a score: a non-object, a value
    that is null, a boolean, a non-integer, negative or absurdly large."""
    if fs is None:
        return Score(0, 0)
    if not isinstance(fs, Mapping):
        raise ValueError(f"le score n'est pas un objet ({type(fs).__name__})")
    return Score(_goals(fs, "S1"), _goals(fs, "S2"))


def usable_price(c: object, blocked: bool) -> float | None:
    """A ``C`` price as a float when it is a usable pre-match price, else None.

    Blocked outcomes, non-numbers (booleans included), non-finite values and prices at or
    below 1.001 (the in-play "decided" mark, docs/feed.md §5) are all unusable."""
    if blocked or isinstance(c, bool) or not isinstance(c, int | float):
        return None
    if not math.isfinite(c) or c <= SETTLED_PRICE:
        return None
    return float(c)


def is_settled_price(c: object, blocked: bool) -> bool:
    """True when a ``C`` price is not a usable pre-match price (see ``usable_price``)."""
    return usable_price(c, blocked) is None


def usable_odds(odds: Odds1X2 | None) -> bool:
    """True when every price of a 1X2 (two for a 2-way market) is a usable pre-match price."""
    if odds is None:
        return False
    prices = (odds.home, odds.away) if odds.draw is None else (odds.home, odds.draw, odds.away)
    return not any(is_settled_price(p, False) for p in prices)


def odds_1x2(markets: object) -> Odds1X2 | None:
    """Home/draw/away prices from ``E`` (``G`` 1; ``T`` 1 home, **2 draw**, 3 away).

    Only ``C`` is read, never ``CV`` (a display string, "+655" in American format). The first
    entry of each type counts. None unless all three are present and usable, or (2-way
    market, docs/feed.md §9) ``T`` 2 is absent and home and away are usable: then ``draw`` is
    None. ``AE`` (extra lines) is not read: it never carries the 1X2 in the captures."""
    if not isinstance(markets, list):
        return None
    found: dict[int, float | None] = {}
    for entry in markets:
        if not isinstance(entry, dict) and not isinstance(entry, Mapping):
            continue  # (the dict test first: a Mapping test on each entry is costly)
        group = entry.get("G")
        if group != 1 or not is_int(group):
            continue  # most entries are other markets: the cheap test first
        kind = entry.get("T")
        if is_int(kind) and kind in (1, 2, 3) and kind not in found:
            blocked = entry.get("B") not in (None, False, 0)
            found[kind] = usable_price(entry.get("C"), blocked)
    home, draw, away = (found.get(kind) for kind in (1, 2, 3))
    if home is None or away is None or (draw is None and 2 in found):
        return None
    return Odds1X2(home=home, draw=draw, away=away)


def halftime_of(periods: object) -> Score | None:
    """First ``SC.PS`` entry with ``Key`` 1; None when absent or unreadable (never a reason
    to drop the match: the half-time score is secondary)."""
    if not isinstance(periods, list):
        return None
    for entry in periods:
        if isinstance(entry, Mapping) and is_int(entry.get("Key")) and entry["Key"] == 1:
            value = entry.get("Value")
            if not isinstance(value, Mapping):
                return None
            try:
                return score_of(value)
            except ValueError:
                return None
    return None


def status_text_of(sc: Mapping[str, Any]) -> str:
    """``SC.CPS``, else ``SC.I``, trimmed: for display only, never a status rule."""
    for key in ("CPS", "I"):
        value = sc.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def finish_status(status_text: str) -> str:
    """Status stored for a match seen finished: the feed's label, ``FINISHED_STATUS`` if empty."""
    return status_text or FINISHED_STATUS


def outcome_of(score: Score) -> Outcome:
    """1 when the home side scored more, 2 when the away side did, N for a draw."""
    if score.home > score.away:
        return Outcome.HOME
    if score.home < score.away:
        return Outcome.AWAY
    return Outcome.DRAW


def is_int(value: object) -> TypeGuard[int]:
    """A JSON integer: ``True`` is an ``int`` to ``isinstance`` but never an id, a time or a
    count in the feed."""
    return isinstance(value, int) and not isinstance(value, bool)


def _goals(fs: Mapping[str, Any], key: str) -> int:
    if key not in fs:
        return 0  # zero values are omitted by the feed
    value = fs[key]
    if isinstance(value, bool):
        raise ValueError(f"{key} est un booléen, pas un nombre de buts")
    if not isinstance(value, int):
        raise ValueError(f"{key} n'est pas un entier ({value!r:.30})")
    if value < 0:
        raise ValueError(f"{key} négatif ({value})")
    if value > MAX_SCORE:
        raise ValueError(f"{key} invraisemblable (plus de {MAX_SCORE})")
    return value


def _has_goal(fs: object) -> bool:
    if not isinstance(fs, Mapping):
        return False
    return any(is_int(goals := fs.get(k)) and goals > 0 for k in ("S1", "S2"))


def _matches(text: object, labels: frozenset[str]) -> bool:
    return isinstance(text, str) and _label(text) in labels

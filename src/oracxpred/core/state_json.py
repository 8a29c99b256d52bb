"""The tracker state as JSON text, for every place that stores it (CSV side file, SQL table,
spool mirror). No I/O.

``msgspec`` does the work (five times faster than ``json`` on a state of 1,000 matches, which
is written after every cycle); ``json`` takes over for what ``msgspec`` refuses: a lone
surrogate (a feed may send one as ``\\ud800``) is written as an ASCII escape, and such an
escape, or ``NaN``, is read back. The tracker never holds a non-finite number (odds are
checked on the way in, ``TrackerState.from_dict`` refuses them), so ``msgspec`` writing them
as ``null`` never happens.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

_ENCODE = msgspec.json.Encoder().encode
_DECODE = msgspec.json.Decoder().decode


def dumps_state(state: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON; ``TypeError``/``ValueError`` for what JSON cannot hold."""
    try:
        return _ENCODE(state)
    except UnicodeEncodeError:
        # Only ASCII escapes keep a lone surrogate exact (and any text column accepts them).
        return json.dumps(state, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def loads_state(data: bytes | str) -> Any:
    """The JSON value; ``ValueError`` (or ``RecursionError``) when it is not JSON."""
    try:
        return _DECODE(data)
    except msgspec.DecodeError:
        pass
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return json.loads(text)

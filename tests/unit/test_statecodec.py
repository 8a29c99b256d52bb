"""``store.statecodec``: msgspec first, json for what msgspec refuses, same values either way."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracxpred.core.state_codec import dumps_state, loads_state

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),  # lone surrogates included
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=6), values, max_size=5))
def test_any_state_round_trips_like_json(state):
    data = dumps_state(state)
    assert loads_state(data) == state
    assert loads_state(data.decode("utf-8")) == state  # SQL hands back text
    assert json.loads(data.decode("utf-8")) == state  # older versions read it with json


def test_lone_surrogate_is_written_as_an_ascii_escape():
    data = dumps_state({"team1": "a\ud800b", "league": "Été"})
    assert data == b'{"team1":"a\\ud800b","league":"\\u00c9t\\u00e9"}'
    assert loads_state(data) == {"team1": "a\ud800b", "league": "Été"}


def test_non_ascii_is_written_as_utf8_otherwise():
    assert dumps_state({"league": "Суперлига ✓"}) == '{"league":"Суперлига ✓"}'.encode()


def test_states_written_by_json_are_read():
    old = json.dumps({"odds": [1.5, math.inf], "x": "\ud800"}, ensure_ascii=True)
    assert loads_state(old.encode("ascii"))["x"] == "\ud800"
    assert math.isnan(loads_state(b'{"a":NaN}')["a"])


@pytest.mark.parametrize("bad", [b"", b"{", b'{"a":1', b"\xff{}", b"[1,]", b"{} x"])
def test_what_is_not_json_raises_value_error(bad):
    with pytest.raises(ValueError):  # noqa: PT011 - any ValueError: the caller sets it aside
        loads_state(bad)


def test_what_json_cannot_hold_raises():
    with pytest.raises(TypeError):
        dumps_state({"x": object()})

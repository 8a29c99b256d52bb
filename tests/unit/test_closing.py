"""Opening and closing line per selection, and the main total, from a change-only timeline."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from oracxpred.core.closing import (
    TotalLine,
    closing_line,
    main_total,
    main_total_of,
    opening_line,
)
from oracxpred.core.odds import diff
from oracxpred.core.records import OddsRow, Phase, Price

PRE, LIVE = Phase.PREMATCH, Phase.LIVE


def row(at: int, g: int, t: int, p: float | None, c: float | None, **flags: object) -> OddsRow:
    return OddsRow(
        event_id=1,
        observed_at=at,
        server_time=None,
        phase=flags.get("phase", PRE),  # type: ignore[arg-type]
        group=g,
        type=t,
        param=p,
        price=c,
        blocked=bool(flags.get("blocked", False)),
        central=bool(flags.get("central", False)),
        removed=bool(flags.get("removed", False)),
    )


def test_opening_is_the_first_and_closing_the_last_usable_prematch_price() -> None:
    rows = [
        row(20, 1, 1, None, 1.9),
        row(10, 1, 1, None, 2.0),  # storage order is not time order
        row(15, 1, 1, None, 1.95),
        row(30, 1, 1, None, 1.8, blocked=True),  # blocked: not a price
        row(40, 1, 1, None, 1.001),  # the in-play "decided" mark
        row(50, 1, 1, None, 1.5, phase=LIVE),  # in play never closes the line
        row(60, 1, 1, None, 1.7, removed=True),
    ]
    assert opening_line(rows)[(1, 1, None)].price == 2.0
    assert closing_line(rows)[(1, 1, None)].price == 1.9


def test_a_selection_never_usable_before_kick_off_has_no_line() -> None:
    rows = [row(10, 17, 9, 2.5, None, blocked=True), row(20, 17, 9, 2.5, 1.8, phase=LIVE)]
    assert opening_line(rows) == closing_line(rows) == {}


def test_the_central_total_line_is_the_main_one() -> None:
    line = closing_line(
        [
            row(10, 17, 9, 2.5, 1.9),
            row(10, 17, 10, 2.5, 1.9),
            row(10, 17, 9, 3.5, 2.6, central=True),
            row(10, 17, 10, 3.5, 1.5),
        ]
    )
    assert main_total(line) == TotalLine(3.5, 2.6, 1.5)


def test_without_a_flag_the_balanced_line_is_main_and_the_lower_on_a_tie() -> None:
    rows = [
        row(10, 17, 9, 4.5, 2.9),
        row(10, 17, 10, 4.5, 1.4),
        row(10, 17, 9, 3.5, 1.9),
        row(10, 17, 10, 3.5, 1.9),
        row(10, 17, 9, 2.5, 1.9),
        row(10, 17, 10, 2.5, 1.9),
    ]
    assert main_total(closing_line(rows)) == TotalLine(2.5, 1.9, 1.9)


def test_no_main_total_without_both_sides_of_a_line() -> None:
    lonely = {
        (17, 9, 2.5): row(10, 17, 9, 2.5, 1.9),  # no under
        (17, 9, None): row(10, 17, 9, None, 1.9),  # no line
        (15, 11, 1.5): row(10, 15, 11, 1.5, 1.9),  # a team total, not the match total
        (17, 9, 3.5): row(10, 17, 9, 3.5, None),  # priceless over (a hand-made line)
        (17, 10, 3.5): row(10, 17, 10, 3.5, 1.9),
    }
    assert main_total(lonely) is None
    assert main_total({}) is None


prices = st.lists(
    st.tuples(st.sampled_from([1.5, 1.9, 2.4]), st.booleans()), min_size=1, max_size=12
)


@given(prices, st.integers(min_value=0, max_value=12))
def test_the_closing_of_a_timeline_is_the_last_usable_prematch_poll(polls, kick_off) -> None:
    """The change-only rows give the same closing price as looking at every poll (the phase
    only moves forward: pre-match polls, then in play)."""
    last: tuple[Price, ...] = ()
    rows: list[OddsRow] = []
    expected = None
    for at, (price, blocked) in enumerate(polls):
        phase = PRE if at < kick_off else LIVE
        now = (Price(1, 1, None, price, blocked, False),)
        rows.extend(diff(1, last, now, observed_at=at, server_time=None, phase=phase))
        last = now
        if phase is PRE and not blocked:
            expected = price
    closing = closing_line(rows).get((1, 1, None))
    assert (closing.price if closing else None) == expected


def test_the_main_total_of_one_poll_skips_what_is_not_a_usable_price() -> None:
    poll = [
        Price(17, 9, 2.5, 1.9, True, True),  # blocked, even though flagged central
        Price(17, 10, 2.5, 1.9, False, True),
        Price(17, 9, 3.5, 1.001, False, False),  # the "decided" mark
        Price(17, 10, 3.5, 9.0, False, False),
        Price(15, 11, 1.5, 1.9, False, False),  # a team total
        Price(15, 12, 1.5, 1.9, False, False),
        Price(17, 9, 4.5, 2.6, False, False),
        Price(17, 10, 4.5, 1.45, False, False),
        Price(1, 1, None, 2.0, False, False),
    ]
    assert main_total_of(poll) == TotalLine(4.5, 2.6, 1.45)
    assert main_total_of(poll[:6]) is None
    assert main_total_of(()) is None


@given(
    st.lists(
        st.tuples(
            st.sampled_from([17, 15]),
            st.sampled_from([9, 10]),
            st.sampled_from([None, 2.5, 3.5]),
            st.sampled_from([None, 1.001, 1.5, 1.9, 2.4]),
            st.booleans(),
            st.booleans(),
        ),
        max_size=10,
        unique_by=lambda t: t[:3],
    )
)
def test_one_poll_gives_the_main_total_its_timeline_gives(selections) -> None:
    """The tracker's opening total (one poll) and the timeline's (``core/closing``) agree."""
    poll = tuple(Price(*s) for s in selections)
    rows = diff(1, (), poll, observed_at=10, server_time=None, phase=PRE)
    assert main_total_of(poll) == main_total(opening_line(rows))

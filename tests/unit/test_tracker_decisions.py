"""``observe`` says what it decided for each event (``--verbose`` logs one line for each)."""

from __future__ import annotations

from oracxpred.core.records import Phase
from oracxpred.core.tracker import Decision, TrackerState, confirm_saved, observe
from tests.unit.tracker_support import T0, event


def _decisions(state: TrackerState, events: list, now: int) -> tuple[TrackerState, dict]:
    obs = observe(state, events, now)
    return obs.state, {event_id: d for event_id, _, _, d in obs.decisions}


def test_each_event_gets_one_decision_per_poll() -> None:
    state, first = _decisions(
        TrackerState(),
        [
            event(1, start=T0 + 600),
            event(2, Phase.LIVE, score=(1, 0)),
            event(3, Phase.FINISHED, score=(2, 1)),
            event(4, start=T0 + 5 * 3600),
        ],
        T0,
    )
    assert first == {
        1: Decision.PREMATCH,
        2: Decision.LIVE,
        3: Decision.FINISHED,
        4: Decision.PREMATCH,
    }
    state = confirm_saved(state, [3], T0)
    state, second = _decisions(state, [event(1, start=T0 + 600), event(3, Phase.FINISHED)], T0 + 60)
    assert second == {1: Decision.PREMATCH, 3: Decision.ALREADY_SAVED, 2: Decision.PENDING}
    state, third = _decisions(state, [event(2, Phase.LIVE, score=(2, 0))], T0 + 1900)
    assert third == {
        2: Decision.REAPPEARED,
        1: Decision.PENDING,  # its start has passed
        4: Decision.WITHDRAWN,  # absent 30 min before a start still ahead
    }


def test_decisions_carry_the_team_names() -> None:
    obs = observe(TrackerState(), [event(7, start=T0 + 600)], T0)
    [(event_id, team1, team2, decision)] = obs.decisions
    assert (event_id, decision) == (7, Decision.PREMATCH)
    assert team1
    assert team2

"""The format-drift rule of ``/health`` at its boundaries: at least 10 % of the events rejected
in each of the last three successful cycles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from oracxpred.store.base import Heartbeat, QuarantinedEvent
from oracxpred.web.drift import DRIFT_CYCLES, DRIFT_SHARE, drift_reason

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _beat(rejected: int, events: int = 100, ok: bool = True, age_min: int = 0) -> Heartbeat:
    started = T0 - timedelta(minutes=age_min)
    return Heartbeat(
        started, started + timedelta(seconds=1), ok, "h", 1, rejected=rejected, events=events
    )


def _newest_first(*beats: Heartbeat) -> list[Heartbeat]:
    return sorted(beats, key=lambda hb: hb.started_at, reverse=True)


def _rejection(category: str, reason: str) -> QuarantinedEvent:
    return QuarantinedEvent(T0, 7, category, reason, "{}")


def test_the_constants_are_the_documented_rule() -> None:
    assert (DRIFT_SHARE, DRIFT_CYCLES) == (0.10, 3)


def test_exactly_ten_percent_in_each_of_three_cycles_is_a_drift() -> None:
    beats = _newest_first(*(_beat(10, age_min=m) for m in range(3)))
    reason = drift_reason(beats, [])
    assert reason is not None
    assert reason.startswith("Format du flux modifié ? Au moins 10% des événements rejetés")
    assert "3 derniers cycles" in reason


def test_just_under_ten_percent_in_one_cycle_is_not_a_drift() -> None:
    for low in range(3):
        beats = _newest_first(*(_beat(9 if m == low else 50, age_min=m) for m in range(3)))
        assert drift_reason(beats, []) is None, low


def test_two_cycles_are_not_enough() -> None:
    assert drift_reason(_newest_first(_beat(100, age_min=0), _beat(100, age_min=1)), []) is None
    assert drift_reason([], []) is None


def test_only_the_latest_three_successful_cycles_count() -> None:
    # a clean fourth cycle further back does not matter; failed cycles are skipped
    beats = _newest_first(
        _beat(20, age_min=0),
        _beat(0, events=0, ok=False, age_min=1),
        _beat(30, age_min=2),
        _beat(40, age_min=3),
        _beat(0, age_min=4),
    )
    reason = drift_reason(beats, [])
    assert reason is not None
    assert "Au moins 20%" in reason  # the smallest share of the three
    # a clean cycle among the latest three clears it
    assert drift_reason(_newest_first(_beat(0, age_min=0), *beats[1:]), []) is None


def test_a_cycle_with_no_event_is_not_a_drift() -> None:
    beats = _newest_first(_beat(0, events=0, age_min=0), _beat(50, age_min=1), _beat(50, age_min=2))
    assert drift_reason(beats, []) is None


def test_the_reason_names_the_most_frequent_category_with_an_example() -> None:
    beats = _newest_first(*(_beat(100, age_min=m) for m in range(3)))
    rejections = [
        _rejection("wrong_type", "T n'est pas un entier"),
        _rejection("invalid_score", "score S1 négatif : -1"),
        _rejection("invalid_score", "score S2 négatif : -2"),
    ]
    reason = drift_reason(beats, rejections)
    assert reason is not None
    assert "Au moins 100%" in reason
    assert "raison la plus fréquente : invalid_score (score S1 négatif : -1)" in reason
    assert reason.endswith("voir « oracxpred rejected ».")

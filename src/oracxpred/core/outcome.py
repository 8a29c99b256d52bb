"""Outcome of a score. No I/O."""

from oracxpred.core.records import Outcome, Score


def outcome_of(score: Score) -> Outcome:
    """1 when the home side scored more, 2 when the away side did, N for a draw."""
    if score.home > score.away:
        return Outcome.HOME
    if score.home < score.away:
        return Outcome.AWAY
    return Outcome.DRAW

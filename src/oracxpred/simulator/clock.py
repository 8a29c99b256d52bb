"""The simulator's clock: manual (moves only when told) or accelerated wall time.

Manual mode is what deterministic tests and benchmarks use: nothing happens between two
``advance`` calls, whatever the machine's speed. Simulated time never goes back, so the league
model never has to replay the past.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class SimClock:
    """Simulated unix time. ``speed`` None = manual; else sim seconds per wall second."""

    def __init__(
        self,
        start_epoch: float,
        speed: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if speed is not None and speed <= 0:
            raise ValueError("la vitesse doit être positive")
        self.speed = speed
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._base = float(start_epoch)
        self._wall0 = monotonic()

    @property
    def manual(self) -> bool:
        return self.speed is None

    def now(self) -> float:
        with self._lock:
            return self._now()

    def _now(self) -> float:
        if self.speed is None:
            return self._base
        return self._base + (self._monotonic() - self._wall0) * self.speed

    def advance(self, seconds: float) -> float:
        """Move forward by ``seconds`` (≥ 0); works in both modes."""
        if not seconds >= 0:  # also refuses NaN
            raise ValueError("on ne peut avancer que d'une durée positive ou nulle")
        with self._lock:
            self._base += seconds
            return self._now()

    def set(self, epoch: float) -> float:
        """Jump to ``epoch``, which may not be in the simulated past."""
        with self._lock:
            current = self._now()
            if not epoch >= current:
                raise ValueError(
                    f"le temps simulé ne recule pas (maintenant {current:.0f}, demandé {epoch})"
                )
            self._base += epoch - current
            return self._now()

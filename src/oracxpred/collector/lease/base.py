"""The lease interface (``Lease``), who holds it (``Holder``) and the clock all leases share."""

from __future__ import annotations

import abc
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self

from oracxpred import defaults

HOST = socket.gethostname()


def utc_now() -> datetime:
    """The aware UTC time every lease stamps its holder details with."""
    return datetime.now(UTC)


def validity_s(interval_s: float) -> float:
    """How long holder details stay credible without renewal (renewed at every interval)."""
    return max(defaults.DEFAULT_LEASE_TTL_S, 3 * interval_s)


@dataclass(frozen=True, slots=True)
class Holder:
    """Who collects: enough for an operator to find the process."""

    host: str
    pid: int
    since: datetime
    valid_until: datetime | None = None
    mechanism: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "pid": self.pid,
            "since": self.since.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "mechanism": self.mechanism,
        }

    def describe(self) -> str:
        since = self.since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        return f"hôte {self.host}, pid {self.pid}, depuis {since} UTC"


class Lease(abc.ABC):
    """The right to collect. ``ensure`` is called before every cycle; it never blocks beyond
    the configured timeouts and never raises for a busy lease (it returns False)."""

    mechanism: str

    @abc.abstractmethod
    def ensure(self) -> bool:
        """Take or renew the lease; True when this process holds it afterwards."""

    @abc.abstractmethod
    def holder(self) -> Holder | None:
        """The current holder (this process included), or None when nobody holds it."""

    @abc.abstractmethod
    def release(self) -> None:
        """Give the lease up (idempotent); holder details are removed."""

    @property
    @abc.abstractmethod
    def held(self) -> bool:
        """Whether this process holds the lease (as of the last ``ensure``)."""

    def close(self) -> None:
        self.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Query parameters of the web app and its API, validated into a ``MatchQuery``.

Every value a visitor sends is untrusted: a bad one becomes ``ParamError`` (a French message,
answered with 400), never a 500 nor a database error. Text filters refuse control characters
(PostgreSQL rejects NUL bytes in strings) and dates are kept within years every backend
stores. Empty values mean "no filter", as an HTML form submits them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, tzinfo
from typing import Any

from oracxpred.core.records import Outcome
from oracxpred.store.base import MatchQuery
from oracxpred.web import messages as msg

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_PAGE = 1_000_000
MAX_TEXT = 200
MIN_YEAR, MAX_YEAR = 1970, 2999

_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DIGITS = re.compile(r"[0-9]{1,9}")
_OUTCOMES = {"1": Outcome.HOME, "N": Outcome.DRAW, "X": Outcome.DRAW, "2": Outcome.AWAY}

FILTER_NAMES = ("league", "team", "date_from", "date_to", "outcome")
"""Parameters that select matches, in every page, API call and export."""


class ParamError(ValueError):
    """A query parameter we refuse; ``message`` is French and safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _show(raw: str) -> str:
    return raw if len(raw) <= 40 else raw[:40] + "…"


@dataclass(frozen=True, slots=True)
class Filters:
    """Validated filters, plus the cleaned strings to put back in forms and links."""

    league: str | None = None
    team: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    outcome: Outcome | None = None
    raw: tuple[tuple[str, str], ...] = ()

    def args(self) -> dict[str, Any]:
        """The non-empty filter parameters, for links that keep the selection.

        Typed ``Any`` because ``url_for(**args)`` checks each key against its own options."""
        return dict(self.raw)

    def api_args(self) -> dict[str, Any]:
        """``args`` for a link to the JSON API, which reads UTC: the dates as the UTC instants
        they were read as (a page's day in Europe/Paris is not the API's UTC day)."""
        args = self.args()
        for name, moment in (("date_from", self.date_from), ("date_to", self.date_to)):
            if moment is not None:
                args[name] = moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return args

    def query(self, offset: int = 0, limit: int | None = None) -> MatchQuery:
        return MatchQuery(
            league=self.league,
            team=self.team,
            date_from=self.date_from,
            date_to=self.date_to,
            outcome=self.outcome,
            offset=offset,
            limit=limit,
        )


@dataclass(frozen=True, slots=True)
class Paging:
    page: int = 1
    limit: int = DEFAULT_LIMIT

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


def _text(name: str, raw: str) -> str | None:
    value = raw.strip()
    if not value:
        return None
    if len(value) > MAX_TEXT:
        raise ParamError(msg.PARAM_TOO_LONG.format(name=name, limit=MAX_TEXT))
    if not value.isprintable():
        raise ParamError(msg.PARAM_CONTROL_CHARS.format(name=name))
    return value


def parse_moment(name: str, raw: str, *, end_of_day: bool, zone: tzinfo = UTC) -> datetime | None:
    """``AAAA-MM-JJ`` (a whole day in ``zone``) or an ISO 8601 instant (naive: in ``zone``),
    as a UTC instant. The JSON API reads UTC; the pages read the display zone."""
    value = raw.strip()
    if not value:
        return None
    hint = "AAAA-MM-JJ ou AAAA-MM-JJTHH:MM[:SS][Z|±HH:MM]"
    try:
        if _DATE_ONLY.fullmatch(value):
            day = datetime.strptime(value, "%Y-%m-%d").date()
            local = datetime.combine(day, time.max if end_of_day else time.min, tzinfo=zone)
        else:
            local = datetime.fromisoformat(value)
            if local.tzinfo is None:
                local = local.replace(tzinfo=zone)
        moment = local.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ParamError(
            msg.PARAM_NOT_A_DATE.format(name=name, value=_show(value), hint=hint)
        ) from None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ParamError(
            msg.PARAM_YEAR_RANGE.format(name=name, value=_show(value), low=MIN_YEAR, high=MAX_YEAR)
        )
    return moment


def parse_outcome(raw: str) -> Outcome | None:
    value = raw.strip().upper()
    if not value:
        return None
    if value not in _OUTCOMES:
        raise ParamError(msg.PARAM_OUTCOME.format(value=_show(raw.strip())))
    return _OUTCOMES[value]


def parse_filters(args: Mapping[str, str], zone: tzinfo = UTC) -> Filters:
    """Filters of a request's query string, dates read in ``zone``; raises ``ParamError``."""
    date_from = parse_moment("date_from", args.get("date_from", ""), end_of_day=False, zone=zone)
    date_to = parse_moment("date_to", args.get("date_to", ""), end_of_day=True, zone=zone)
    if date_from and date_to and date_from > date_to:
        raise ParamError(msg.PARAM_PERIOD)
    cleaned = ((name, args.get(name, "").strip()) for name in FILTER_NAMES)
    return Filters(
        league=_text("league", args.get("league", "")),
        team=_text("team", args.get("team", "")),
        date_from=date_from,
        date_to=date_to,
        outcome=parse_outcome(args.get("outcome", "")),
        raw=tuple((name, value) for name, value in cleaned if value),
    )


def _bounded_int(name: str, raw: str, low: int, high: int, default: int) -> int:
    value = raw.strip()
    if not value:
        return default
    if not _DIGITS.fullmatch(value) or not low <= int(value) <= high:
        raise ParamError(
            msg.PARAM_NOT_AN_INT.format(name=name, value=_show(value), low=low, high=high)
        )
    return int(value)


def parse_paging(args: Mapping[str, str], default_limit: int = DEFAULT_LIMIT) -> Paging:
    """``page`` (from 1) and ``limit`` (1 to 500); raises ``ParamError``."""
    return Paging(
        page=_bounded_int("page", args.get("page", ""), 1, MAX_PAGE, 1),
        limit=_bounded_int("limit", args.get("limit", ""), 1, MAX_LIMIT, default_limit),
    )


def page_count(total: int, limit: int) -> int:
    return max(1, -(-total // limit))

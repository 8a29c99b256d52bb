"""The matches page: newest first, filtered, paginated, with both sets of pre-match odds."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for

from oracxpred.web.params import (
    DEFAULT_LIMIT,
    Filters,
    Paging,
    page_count,
    parse_paging,
)
from oracxpred.web.state import web_state
from oracxpred.web.timezone import request_filters

bp = Blueprint("matches", __name__)

LIMIT_CHOICES = (20, 50, 100, 200, 500)
OUTCOME_CHOICES = (("1", "1 — domicile"), ("N", "N — nul"), ("2", "2 — extérieur"))


def page_window(current: int, last: int, radius: int = 2) -> list[int | None]:
    """Page numbers to link, ``None`` where a gap is elided: 1 … 4 5 [6] 7 8 … 20."""
    wanted = {1, last, *range(current - radius, current + radius + 1)}
    shown = sorted(n for n in wanted if 1 <= n <= last)
    window: list[int | None] = []
    for n in shown:
        if window and n - (window[-1] or 0) > 1:
            window.append(None)
        window.append(n)
    return window


def page_url(endpoint: str, filters: Filters, paging: Paging, page: int) -> str:
    """A link to ``page`` that keeps the filters (and a non-default page size)."""
    args: dict[str, Any] = filters.args()
    if paging.limit != DEFAULT_LIMIT:
        args["limit"] = paging.limit
    if page > 1:
        args["page"] = page
    return url_for(endpoint, **args)


@bp.get("/")
def index() -> str:
    """Stored matches, newest first, with the filters of the query string."""
    filters = request_filters()
    paging = parse_paging(request.args)
    state = web_state()
    result = state.store().query_matches(filters.query(paging.offset, paging.limit))
    pages = page_count(result.total, paging.limit)
    return render_template(
        "matches.html",
        result=result,
        filters=filters,
        paging=paging,
        pages=pages,
        window=page_window(min(paging.page, pages), pages),
        page_url=lambda n: page_url("matches.index", filters, paging, n),
        export_url=url_for("api.export_csv", **filters.args()),
        excel_url=url_for("api.export_csv", **filters.args(), excel=1),
        api_url=url_for("api.matches", **filters.api_args()),
        leagues=state.league_names(),
        limits=LIMIT_CHOICES,
        outcomes=OUTCOME_CHOICES,
    )

"""JSON API (``/api/matches``, ``/api/stats``) and the CSV export of a filtered selection.

Same filters as the pages. The export writes ``MATCH_COLUMNS`` through ``core.rows``, the one
text form of a stored match, so its cells are neutralised against spreadsheet formulas exactly
like the CSV store's.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

from flask import Blueprint, Response, jsonify, request

from oracxpred.core.cells import match_to_row
from oracxpred.core.records import MATCH_COLUMNS, FinishedMatch
from oracxpred.push.body import item_json
from oracxpred.store.transfer import excel as excel_form
from oracxpred.web.formatting import match_json
from oracxpred.web.params import DEFAULT_LIMIT, MAX_LIMIT, page_count, parse_paging
from oracxpred.web.params import _bounded_int as bounded_int
from oracxpred.web.state import web_state
from oracxpred.web.stats import combined, stats_json
from oracxpred.web.timezone import request_filters

bp = Blueprint("api", __name__)

EXPORT_NAME = "oracxpred-matchs.csv"
EXCEL_EXPORT_NAME = "oracxpred-matchs-excel.csv"
EXPORT_CHUNK = 500
MAX_SEQ = 999_999_999
"""Highest ``after_seq`` accepted (nine digits, as every integer parameter)."""


@bp.get("/api/matches")
def matches() -> Any:
    """A page of matches, newest first: ``page`` from 1, ``limit`` 1–500 (default 50).
    With ``after_seq``: the cursor instead (``cursor_page``)."""
    if "after_seq" in request.args:
        return cursor_page()
    filters = request_filters()
    paging = parse_paging(request.args)
    result = web_state().store().query_matches(filters.query(paging.offset, paging.limit))
    return jsonify(
        {
            "total": result.total,
            "page": paging.page,
            "limit": paging.limit,
            "pages": page_count(result.total, paging.limit),
            "filters": filters.args(),
            "items": [match_json(m) for m in result.items],
        }
    )


def cursor_page() -> Any:
    """Matches stored after ``after_seq``, in ingestion order, ``limit`` 1–500 (default 50);
    ask next with ``after_seq=next_seq``. Filters and ``page`` do not apply here."""
    after = bounded_int("after_seq", request.args.get("after_seq", ""), 0, MAX_SEQ, 0)
    limit = bounded_int("limit", request.args.get("limit", ""), 1, MAX_LIMIT, DEFAULT_LIMIT)
    result = web_state().store().matches_after(after, limit)
    return jsonify(
        {
            "after_seq": after,
            "limit": limit,
            "next_seq": result.next_seq,
            "items": [item_json(item) for item in result.items],
        }
    )


@bp.get("/api/stats")
def stats() -> Any:
    """Per-league statistics of the filtered matches, plus every league combined."""
    filters = request_filters()
    leagues = web_state().store().league_stats(filters.query())
    return jsonify(
        {
            "filters": filters.args(),
            "leagues": [stats_json(s) for s in leagues],
            "total": stats_json(combined(leagues)),
        }
    )


def csv_lines(matches: Iterable[FinishedMatch], excel: bool = False) -> Iterator[str]:
    """The header, then rows, a few hundred per chunk (the response streams); ``excel``: the
    French Excel form of ``export-csv --excel`` (BOM, ``;``, decimal comma)."""
    buffer = io.StringIO(newline="")
    writer = excel_form.writer(buffer, excel)
    writer.writerow(MATCH_COLUMNS)
    for i, match in enumerate(matches, 1):
        writer.writerow(excel_form.cells(match_to_row(match), excel))
        if i % EXPORT_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@bp.get("/export.csv")
def export_csv() -> Response:
    """Every match of the filtered selection (no paging), newest first, as CSV; ``excel=1``
    for French Excel."""
    filters = request_filters()
    excel = request.args.get("excel", "") not in ("", "0")
    result = web_state().store().query_matches(filters.query(0, None))
    name = EXCEL_EXPORT_NAME if excel else EXPORT_NAME
    return Response(
        csv_lines(result.items, excel),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

"""``SqlStore.query_matches`` / ``league_stats`` in SQL, with ``querying.py``'s semantics.

Filters run on indexed columns (``league``, ``sort_time``), the order is the one of
``ix_matches_sort_time``, and only the requested page leaves the server. Team search is
case-insensitive like ``str.casefold``: ``lower()`` on PostgreSQL and MariaDB (whose tables
use ``utf8mb4_bin``, so "é" never matches "e"), a registered ``casefold`` on SQLite (whose
``lower()`` only knows ASCII). They agree with ``casefold`` except on the few letters whose
folding changes length (ß → ss).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from oracxpred.store.base import LeagueStats, MatchPage, MatchQuery
from oracxpred.store.sql import schema
from oracxpred.store.sql.rows import row_match

M = schema.matches
ORDER = (M.c.sort_time.desc(), M.c.timestamp_utc.desc(), M.c.event_id.desc())


def _casefold(value: str | None) -> str | None:
    return None if value is None else value.casefold()


def _fold(conn: sa.Connection, column: Any) -> Any:
    if conn.dialect.name == "sqlite":
        driver: Any = conn.connection.driver_connection
        driver.create_function("oracx_casefold", 1, _casefold, deterministic=True)
        return sa.func.oracx_casefold(column)
    return sa.func.lower(column)


def _escape(text: str) -> str:
    """``text`` as a LIKE pattern matching only itself (escape character ``\\``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _mysql(conn: sa.Connection) -> bool:
    return conn.dialect.name in ("mysql", "mariadb")


def _where(conn: sa.Connection, query: MatchQuery) -> list[Any]:
    conditions: list[Any] = []
    if query.league is not None:
        conditions.append(M.c.league == query.league)
        if _mysql(conn):
            # PAD SPACE collations (utf8mb4_bin too) find "A" = "A ": LIKE does not pad,
            # and the = above still lets the index narrow the rows.
            conditions.append(M.c.league.like(_escape(query.league), escape="\\"))
    if query.outcome is not None:
        conditions.append(M.c.outcome == query.outcome.value)
    if query.team:
        pattern = "%" + _escape(query.team.casefold()) + "%"
        conditions.append(
            sa.or_(
                _fold(conn, M.c.team1).like(pattern, escape="\\"),
                _fold(conn, M.c.team2).like(pattern, escape="\\"),
            )
        )
    if query.date_from is not None:
        conditions.append(M.c.sort_time >= query.date_from)
    if query.date_to is not None:
        conditions.append(M.c.sort_time <= query.date_to)
    return conditions


def query_page(conn: sa.Connection, query: MatchQuery) -> MatchPage:
    where = _where(conn, query)
    total = conn.execute(sa.select(sa.func.count()).select_from(M).where(*where)).scalar_one()
    page = sa.select(M).where(*where).order_by(*ORDER).offset(max(query.offset, 0))
    if query.limit is not None:
        page = page.limit(max(query.limit, 0))
    items = tuple(row_match(row) for row in conn.execute(page).mappings())
    return MatchPage(items=items, total=int(total))


def league_stats(conn: sa.Connection, query: MatchQuery | None) -> list[LeagueStats]:
    c = M.c
    # Usable closing odds: all three present, positive and finite (PostgreSQL sorts NaN above
    # every number, hence the upper bound), as ``sql_rows`` reads them.
    usable = sa.and_(*[sa.and_(o > 0, o < 1e308) for o in (c.odds_1, c.odds_x, c.odds_2)])
    book = 1.0 / c.odds_1 + 1.0 / c.odds_x + 1.0 / c.odds_2

    def count_if(condition: Any) -> Any:
        return sa.func.sum(sa.case((condition, 1), else_=0))

    def implied(price: Any) -> Any:
        return sa.func.sum(sa.case((usable, (1.0 / price) / book), else_=0.0))

    statement = sa.select(
        c.league,
        sa.func.count(),
        sa.func.sum(c.score1 + c.score2),
        count_if(c.outcome == "1"),
        count_if(c.outcome == "N"),
        count_if(c.outcome == "2"),
        count_if(usable),
        implied(c.odds_1),
        implied(c.odds_x),
        implied(c.odds_2),
    )
    # MariaDB groups "A" with "A " (PAD SPACE): the length keeps them apart.
    statement = statement.group_by(c.league, *([sa.func.length(c.league)] if _mysql(conn) else []))
    if query is not None:
        statement = statement.where(*_where(conn, query))
    stats = []
    for league, n, goals, home, draw, away, with_odds, p1, px, p2 in conn.execute(statement):
        stats.append(
            LeagueStats(
                league=league,
                matches=int(n),
                goals=int(goals or 0),
                outcomes={"1": int(home or 0), "N": int(draw or 0), "2": int(away or 0)},
                implied={"1": float(p1 or 0), "N": float(px or 0), "2": float(p2 or 0)},
                with_odds=int(with_odds or 0),
            )
        )
    return sorted(stats, key=lambda s: (s.league.casefold(), s.league))

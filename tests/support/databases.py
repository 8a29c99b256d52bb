"""Throwaway PostgreSQL and MariaDB databases: created under a random name, dropped afterwards.

The one place that runs ``CREATE DATABASE``/``DROP DATABASE`` for the store, service, web and
fault tests and for the benchmarks. Callers decide whether a missing server skips (tests,
with ``tests.helpers.need``) or fails (benchmarks).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

PG_ADMIN_URL = os.environ.get(
    "ORACXPRED_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
MARIADB_ADMIN_URL = os.environ.get(
    "ORACXPRED_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/mysql"
)
PLAIN_PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
"""The same server spelt as users write ``DATABASE_URL`` (what subprocess tests pass on)."""


def admin_engine(url: str | sa.URL) -> sa.Engine:
    """Autocommit and no pool: ``CREATE DATABASE`` cannot run inside a transaction."""
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3 is the one installed
    return sa.create_engine(parsed, isolation_level="AUTOCOMMIT", poolclass=NullPool)


@contextlib.contextmanager
def throwaway_database(
    admin: sa.Engine | str, prefix: str = "oracx_test", *, charset: str | None = None
) -> Iterator[str]:
    """A new empty database on ``admin``'s server; yields its URL (spelt like ``admin``'s).

    ``charset`` (MariaDB only) overrides the server's default character set.
    """
    engine = admin_engine(admin) if isinstance(admin, str) else admin
    url = sa.make_url(admin) if isinstance(admin, str) else admin.url
    name = f"{prefix}_{secrets.token_hex(5)}"
    postgres = engine.dialect.name == "postgresql"
    create, drop = f"CREATE DATABASE {name}", f"DROP DATABASE IF EXISTS {name}"
    if postgres:
        drop += " WITH (FORCE)"  # a connection a failed test left open must not block it
    elif charset:
        create += f" CHARACTER SET {charset}"
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(create)
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            with engine.connect() as conn:
                conn.exec_driver_sql(drop)
    finally:
        if engine is not admin:
            engine.dispose()


def pg_database(prefix: str = "oracxpred_bench") -> contextlib.AbstractContextManager[str]:
    """A fresh database on the local PostgreSQL, as a ``postgresql://`` URL."""
    return throwaway_database(PLAIN_PG_ADMIN_URL, prefix)


def mariadb_database(prefix: str = "oracx_test") -> contextlib.AbstractContextManager[str]:
    """A fresh utf8mb4 database on the local MariaDB, as a ``mysql+pymysql://`` URL."""
    return throwaway_database(MARIADB_ADMIN_URL, prefix, charset="utf8mb4")

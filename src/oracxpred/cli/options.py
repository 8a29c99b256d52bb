"""What every command shares before its own work: the settings it runs with, the store flags.

Its own module so the sub-command modules (``cli/db.py``, ``cli/web.py``) and the main group
(``cli/__init__.py``) all import it without importing each other.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from oracxpred.config import Settings, load_settings, read_dotenv


def utc_bounds(date_from: str | None, date_to: str | None) -> tuple[int | None, int | None]:
    """``--from`` (included) and ``--to`` (excluded; a bare day is included) as unix seconds;
    a French usage error when either is not a moment or they are in the wrong order."""
    from oracxpred.core.backfill import parse_moment

    try:
        lower = None if date_from is None else parse_moment(date_from, end=False)
        upper = None if date_to is None else parse_moment(date_to, end=True)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if lower is not None and upper is not None and lower >= upper:
        raise click.UsageError("--from doit précéder --to")
    return lower, upper


def settings_from(values: dict[str, Any]) -> Settings:
    """Flag > environment > ``.env`` (current folder) > default."""
    return load_settings(values, os.environ, read_dotenv(Path(".env")))


def store_options(func: Any) -> Any:
    """Options every store-reading command shares (collector, web, import/export)."""
    func = click.option(
        "--csv-path",
        metavar="CHEMIN",
        help="Fichier CSV utilisé sans base de données (défaut : data/matches.csv).",
    )(func)
    func = click.option(
        "--database-url",
        metavar="URL",
        help="Base SQL (postgresql://, sqlite:///, mysql+pymysql://) ; sinon DATABASE_URL.",
    )(func)
    return func

"""``oracxpred export-odds FICHIER``: the stored odds timeline as CSV (columns ``ODDS_COLUMNS``).

Same conventions as ``export-csv``: UTF-8, ``,`` separator (``--excel``: BOM, ``;`` and a
decimal comma), ``-`` for standard output, the file written beside its name then renamed (a
failed export never leaves half a file), French errors, exit 0 / 1 failure / 2 usage. Every
cell is a number, a UTC instant, a phase or a 0/1 flag written by us (``store/odds_rows.py``):
no feed text reaches a cell, so none needs the formula quote of ``core/cells.py``.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import click

from oracxpred.cli import messages_export as texts
from oracxpred.cli.db import FILE, _direct_store, _fail, _settings, refuse_output
from oracxpred.cli.french import HELP_OPTION, FrenchCommand, stderr_line
from oracxpred.cli.options import store_options, utc_bounds
from oracxpred.core.odds import ODDS_COLUMNS
from oracxpred.core.records import OddsRow
from oracxpred.errors import CollectorError
from oracxpred.store.base import Store
from oracxpred.store.odds_rows import row_cells
from oracxpred.store.transfer.excel import BOM, DELIMITER
from oracxpred.store.transfer.files import write_atomically
from oracxpred.store.values import MatchQuery

DECIMAL_CELLS = frozenset(i for i, name in enumerate(ODDS_COLUMNS) if name in ("param", "price"))
"""Cells holding a decimal number: a decimal comma in the Excel form."""


@dataclass(frozen=True, slots=True)
class OddsFilter:
    """``--from`` (inclusive) / ``--to`` (exclusive) on ``observed_at_utc``, unix seconds;
    the event ids of ``--league`` (None: every event, stored as a match or not)."""

    lower: int | None = None
    upper: int | None = None
    event_id: int | None = None
    events: frozenset[int] | None = None

    def keeps(self, row: OddsRow) -> bool:
        if self.lower is not None and row.observed_at < self.lower:
            return False
        if self.upper is not None and row.observed_at >= self.upper:
            return False
        return self.events is None or row.event_id in self.events


def league_events(store: Store, league: str) -> frozenset[int]:
    """Ids of the stored matches of ``league`` (exact name, as the web filters)."""
    page = store.query_matches(MatchQuery(league=league, limit=None))
    return frozenset(m.event_id for m in page.items)


def selected_rows(store: Store, chosen: OddsFilter) -> Iterator[OddsRow]:
    """The timeline rows ``chosen`` keeps, in storage order."""
    for row in store.iter_odds(chosen.event_id):
        if chosen.keeps(row):
            yield row


def write_odds(rows: Iterator[OddsRow], f: TextIO, *, excel: bool = False) -> int:
    """The header then every row to an open text file; the count."""
    if excel:
        f.write(BOM)
        writer = csv.writer(f, delimiter=DELIMITER)
    else:
        writer = csv.writer(f)
    writer.writerow(ODDS_COLUMNS)
    count = 0
    for row in rows:
        cells = row_cells(row)
        if excel:
            cells = [c.replace(".", ",") if i in DECIMAL_CELLS else c for i, c in enumerate(cells)]
        writer.writerow(cells)
        count += 1
    return count


def export_to_file(rows: Iterator[OddsRow], path: Path, *, excel: bool, parents: bool) -> int:
    """``write_odds`` to a temporary file beside ``path``, then renamed over it."""
    return write_atomically(path, lambda f: write_odds(rows, f, excel=excel), parents=parents)


def exported(count: int, file: Path) -> str:
    where = "sur la sortie standard" if str(file) == texts.STDOUT else f"dans {file}"
    return f"{count} ligne(s) de cotes exportée(s) {where}."


@click.command(cls=FrenchCommand, context_settings=HELP_OPTION, name="export-odds")
@click.argument("file", type=FILE, metavar="FICHIER")
@store_options
@click.option(
    "--from", "date_from", metavar="DATE", help="Observées depuis (UTC) : AAAA-MM-JJ[THH:MM]."
)
@click.option(
    "--to", "date_to", metavar="DATE", help="Observées avant (UTC, exclue ; un jour seul : inclus)."
)
@click.option("--league", metavar="NOM", help="Seulement les matchs de cette ligue (nom exact).")
@click.option("--event", "event_id", type=int, metavar="ID", help="Seulement ce match (event_id).")
@click.option("--force", is_flag=True, help="Remplacer FICHIER s'il existe déjà.")
@click.option("--parents", is_flag=True, help=texts.HELP_PARENTS)
@click.option("--excel", is_flag=True, help=texts.HELP_EXCEL)
def export_odds(
    file: Path,
    date_from: str | None,
    date_to: str | None,
    league: str | None,
    event_id: int | None,
    force: bool,
    parents: bool,
    excel: bool,
    **values: Any,
) -> int:
    """Exporte l'historique des cotes (une ligne par changement) dans un fichier CSV.

    FICHIER « - » : la sortie standard (le compte rendu va alors sur la sortie d'erreur).
    Sans --league, les cotes d'un match pas encore enregistré sont exportées aussi.
    """
    lower, upper = utc_bounds(date_from, date_to)
    settings = _settings(values)
    if settings is None:
        return 2
    to_stdout = str(file) == texts.STDOUT
    csv_path = settings.csv_path.absolute()
    own = {csv_path, settings.spool_path.absolute(), csv_path.with_name("odds.csv")}
    own.add(csv_path.with_name(f"{csv_path.stem}.odds.csv"))
    refused = None if to_stdout else refuse_output(file, own, force=force, parents=parents)
    if refused is not None:
        return refused
    try:
        with _direct_store(settings) as store:
            events = None if league is None else league_events(store, league)
            rows = selected_rows(store, OddsFilter(lower, upper, event_id, events))
            if to_stdout:
                count = _to_stdout(rows, excel)
            else:
                count = export_to_file(rows, file, excel=excel, parents=parents)
    except CollectorError as exc:
        return _fail(exc)
    if to_stdout:
        stderr_line(exported(count, file))
    else:
        click.echo(exported(count, file))
    return 0


def _to_stdout(rows: Iterator[OddsRow], excel: bool) -> int:
    """The export on standard output, bytes as in a file (no newline translation)."""
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
    try:
        return write_odds(rows, stream, excel=excel)
    finally:
        stream.flush()
        stream.detach()  # the process's stdout stays open

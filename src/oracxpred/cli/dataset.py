"""``oracxpred dataset OUT``: the leakage-safe dataset (docs/dataset.md).

Exit codes: 0 written, 1 failed (store or file; French message on stderr), 2 usage error.
The file is written beside OUT under a temporary name and renamed at the end: a failure never
leaves a half-written OUT nor replaces an older one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from oracxpred.cli import messages as msg
from oracxpred.cli.french import HELP_OPTION, FrenchCommand, stderr_line
from oracxpred.cli.options import settings_from, store_options, utc_bounds
from oracxpred.errors import CollectorError, ConfigError
from oracxpred.logs import mask_secrets
from oracxpred.oserrors import os_reason


@click.command(cls=FrenchCommand, context_settings=HELP_OPTION, name="dataset")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path), metavar="SORTIE")
@click.option(
    "--format",
    "fmt",
    default="parquet",
    metavar="FORMAT",
    help="parquet (défaut) ou csv.",
)
@click.option(
    "--from", "date_from", metavar="DATE", help="Coups d'envoi depuis (UTC) : AAAA-MM-JJ[THH:MM]."
)
@click.option(
    "--to",
    "date_to",
    metavar="DATE",
    help="Coups d'envoi jusqu'à (UTC, exclue ; un jour seul : inclus).",
)
@click.option("--league", "leagues", multiple=True, metavar="NOM", help="Ligue (nom), répétable.")
@click.option("--force", is_flag=True, help="Remplacer SORTIE si elle existe déjà.")
@store_options
def dataset(
    out: Path,
    fmt: str,
    date_from: str | None,
    date_to: str | None,
    leagues: tuple[str, ...],
    force: bool,
    **values: Any,
) -> int:
    """Écrit le jeu de données sans fuite : une ligne par match terminé (docs/dataset.md)."""
    fmt = fmt.strip().lower()
    if fmt not in ("parquet", "csv"):
        raise click.UsageError(f"format inconnu « {fmt} » : parquet ou csv attendu")
    lower, upper = utc_bounds(date_from, date_to)
    try:
        settings = settings_from(values)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    if out.exists() and not force:
        stderr_line(f"Erreur : {out} existe déjà (--force pour le remplacer)")
        return 1
    if not out.parent.is_dir():
        stderr_line(f"Erreur : le dossier de {out} n'existe pas")
        return 1
    from oracxpred.dataset.build import Selection, write_dataset
    from oracxpred.store.factory import open_csv, open_sql

    partial = out.with_name(f".{out.name}.partiel")
    selection = Selection(lower, upper, frozenset(leagues))
    try:
        store = open_sql(settings.database_url) if settings.database_url else open_csv(settings)
        with store:
            report = write_dataset(store.iter_matches(), store.iter_odds, partial, fmt, selection)
        os.replace(partial, out)
    except CollectorError as exc:
        partial.unlink(missing_ok=True)
        stderr_line(msg.ERROR.format(reason=mask_secrets(str(exc))))
        return 1
    except OSError as exc:
        partial.unlink(missing_ok=True)
        stderr_line(f"Erreur : écriture de {out} impossible : {os_reason(exc)}")
        return 1
    click.echo(f"{report.rows} lignes écrites dans {out} ({fmt})")
    if report.skipped_no_start:
        click.echo(f"{report.skipped_no_start} matchs sans heure de début ignorés")
    return 0

"""Storage commands: ``db upgrade``, ``db status``, ``import-csv FILE``, ``export-csv FILE``.

Each command builds ``Settings`` (flag > environment > ``.env``), makes one library call and
returns an exit code: 0 done, 1 failed (French message on stderr), 2 usage error. Imports and
``db upgrade`` use the database directly, never the outage spool: a million rows must not be
spooled to a local file because the server is down, they must fail loudly.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import click

from oracxpred.cli import messages as msg
from oracxpred.cli import messages_export as texts
from oracxpred.cli.french import HELP_OPTION, FrenchCommand, FrenchGroup, stderr_line
from oracxpred.cli.options import settings_from, store_options
from oracxpred.config import Settings
from oracxpred.errors import CollectorError, ConfigError
from oracxpred.logs import mask_secrets
from oracxpred.store.base import Store

FILE = click.Path(dir_okay=False, path_type=Path)


def _settings(values: dict[str, Any]) -> Settings | None:
    try:
        return settings_from(values)
    except ConfigError as exc:
        stderr_line(msg.ERROR.format(reason=exc))
        return None


def _fail(exc: CollectorError) -> int:
    stderr_line(msg.ERROR.format(reason=mask_secrets(str(exc))))
    return 1


def refuse_output(file: Path, own: set[Path], *, force: bool, parents: bool) -> int | None:
    """The exit code (French reason on stderr) when an export may not write ``file``: one of
    the store's own files (2), already there without ``--force`` or in a missing folder without
    ``--parents`` (1); None when it may."""
    if file.absolute() in own:
        stderr_line(msg.EXPORT_IS_STORE_FILE.format(file=file))
        return 2
    if file.exists() and not force:
        stderr_line(msg.EXPORT_EXISTS.format(file=file))
        return 1
    if not parents and not file.parent.is_dir():
        stderr_line(texts.missing_folder(file))
        return 1
    return None


def _direct_store(settings: Settings) -> Store:
    """The configured store without the spool: SQL (migrated) or CSV."""
    from oracxpred.store.factory import open_csv, open_sql

    return open_sql(settings.database_url) if settings.database_url else open_csv(settings)


@click.group(cls=FrenchGroup, context_settings=HELP_OPTION)
def db() -> None:
    """Base de données SQL : schéma (migrations) et état."""


@db.command("upgrade")
@click.option("--database-url", metavar="URL", help="Base SQL ; sinon DATABASE_URL.")
def upgrade(**values: Any) -> int:
    """Crée ou met à jour le schéma de la base (migrations Alembic)."""
    settings = _settings(values)
    if settings is None:
        return 2
    if not settings.database_url:
        stderr_line(msg.NO_DATABASE)
        return 2
    from oracxpred.store.sql.store import SqlStore

    try:
        with SqlStore(settings.database_url) as store:
            revision = store.upgrade()
            click.echo(msg.SCHEMA_UP_TO_DATE.format(revision=revision, target=store.target))
            for line in store.describe().details:
                click.echo(line)
    except CollectorError as exc:
        return _fail(exc)
    return 0


@db.command("status")
@store_options
def status(**values: Any) -> int:
    """Affiche l'état du stockage configuré (connexion réelle, schéma, nombre de matchs)."""
    settings = _settings(values)
    if settings is None:
        return 2
    from oracxpred.collector.once import describe_lines

    try:
        with _direct_store(settings) as store:
            info = store.describe()
    except CollectorError as exc:
        return _fail(exc)
    for line in describe_lines(info):
        click.echo(line)
    return 0


@click.command(cls=FrenchCommand, context_settings=HELP_OPTION, name="import-csv")
@click.argument("file", type=FILE, metavar="FICHIER")
@store_options
@click.option("--no-progress", is_flag=True, help="Ne pas afficher la barre de progression.")
def import_csv(file: Path, no_progress: bool, **values: Any) -> int:
    """Importe un fichier CSV (format d'origine ou le nôtre) dans le stockage configuré.

    Idempotent : un match déjà présent (même event_id) n'est ni réécrit ni dupliqué. Les
    lignes invalides sont listées avec leur numéro, sans interrompre l'import.
    """
    settings = _settings(values)
    if settings is None:
        return 2
    from oracxpred.store.transfer import files as transfer

    try:
        with _direct_store(settings) as store:
            report = transfer.import_csv(file, store, progress=not no_progress)
    except CollectorError as exc:
        return _fail(exc)
    for line, reason in report.rejections:
        stderr_line(msg.LINE_SKIPPED.format(line=line, reason=reason))
    if report.rejected > len(report.rejections):
        stderr_line(msg.MORE_LINES_SKIPPED.format(count=report.rejected - len(report.rejections)))
    click.echo(msg.IMPORT_DONE.format(summary=report.summary(), elapsed_s=report.elapsed_s))
    return 0


@click.command(cls=FrenchCommand, context_settings=HELP_OPTION, name="export-csv")
@click.argument("file", type=FILE, metavar="FICHIER")
@store_options
@click.option("--force", is_flag=True, help="Remplacer FICHIER s'il existe déjà.")
@click.option("--parents", is_flag=True, help=texts.HELP_PARENTS)
@click.option("--excel", is_flag=True, help=texts.HELP_EXCEL)
@click.option(
    "--after-seq",
    type=click.IntRange(min=0),
    metavar="N",
    default=None,
    help=texts.HELP_AFTER_SEQ,
)
@click.option("--no-progress", is_flag=True, help="Ne pas afficher la barre de progression.")
def export_csv(
    file: Path,
    force: bool,
    parents: bool,
    excel: bool,
    after_seq: int | None,
    no_progress: bool,
    **values: Any,
) -> int:
    """Exporte tous les matchs du stockage configuré dans un fichier CSV (nos colonnes).

    FICHIER « - » : la sortie standard (le compte rendu va alors sur la sortie d'erreur).
    """
    settings = _settings(values)
    if settings is None:
        return 2
    to_stdout = str(file) == texts.STDOUT
    own = {settings.csv_path.absolute(), settings.spool_path.absolute()}
    refused = None if to_stdout else refuse_output(file, own, force=force, parents=parents)
    if refused is not None:
        return refused
    from oracxpred.store.transfer import files as transfer

    try:
        with _direct_store(settings) as store:
            if to_stdout:
                count = _to_stdout(store, excel, progress=not no_progress, after_seq=after_seq)
            else:
                count = transfer.export_csv(
                    store,
                    file,
                    progress=not no_progress,
                    excel=excel,
                    parents=parents,
                    after_seq=after_seq,
                )
    except CollectorError as exc:
        return _fail(exc)
    if to_stdout:
        stderr_line(texts.exported(count, file))
    else:
        click.echo(texts.exported(count, file))
    return 0


def _to_stdout(store: Store, excel: bool, progress: bool, after_seq: int | None = None) -> int:
    """The export on standard output, bytes as in a file (no newline translation)."""
    from oracxpred.store.transfer.files import write_export

    stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
    try:
        return write_export(store, stream, excel=excel, progress=progress, after_seq=after_seq)
    finally:
        stream.flush()
        stream.detach()  # the process's stdout stays open

"""Command line: options → Settings → one library call → exit code (0 ok, 1 failure, 2 usage).

``collector_service.py`` runs the ``collect`` command directly (the spec's interface); the
``oracxpred`` console script groups it with the other tools.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from oracxpred import __version__
from oracxpred.cli import messages as msg
from oracxpred.cli.french import HELP_OPTION, FrenchCommand, FrenchGroup, run_click, stderr_line
from oracxpred.cli.mirrors import mirror_values
from oracxpred.cli.options import settings_from, store_options
from oracxpred.errors import ConfigError
from oracxpred.logs import setup_logging
from oracxpred.oserrors import os_reason


@click.command(cls=FrenchCommand, context_settings=HELP_OPTION, name="collect")
@click.option("--daemon", is_flag=True, help="Exécuter en mode daemon avec planification.")
@click.option(
    "--interval",
    "interval_min",
    metavar="N",
    help="Intervalle entre les collectes, en minutes (défaut : 1 ; décimales acceptées).",
)
@click.option("--log-file", metavar="CHEMIN", help="Écrire aussi les logs dans ce fichier.")
@click.option("--test-db", is_flag=True, help="Tester le stockage configuré et quitter.")
@click.option("--verbose", "-v", is_flag=True, help="Mode verbeux (DEBUG).")
@click.option(
    "--feed-url",
    metavar="URL",
    multiple=True,
    help="Adresse du flux 1xBet (ORACXPRED_FEED_URL) ; répétable : miroirs du même flux "
    "(ORACXPRED_FEED_URLS).",
)
@click.option(
    "--results-url",
    metavar="URL",
    help="Adresse du service de résultats (défaut : même hôte que le flux).",
)
@store_options
@click.option(
    "--archive-dir",
    metavar="DOSSIER",
    help="Archive des réponses reçues (défaut : archive/ à côté du CSV, data/archive pour SQL).",
)
@click.option("--no-archive", is_flag=True, help="Ne pas archiver les réponses reçues.")
@click.option(
    "--metrics-port",
    metavar="PORT",
    help="Exposer les métriques Prometheus sur ce port (mode daemon).",
)
@click.option(
    "--alert-url",
    "alert_urls",
    metavar="URL",
    multiple=True,
    help="Adresse apprise où envoyer les alertes (répétable ; ORACXPRED_ALERT_URLS).",
)
@click.option(
    "--webhook-url",
    "webhook_urls",
    metavar="URL",
    multiple=True,
    help="Envoyer chaque match enregistré à cette adresse (POST JSON signé avec "
    "ORACXPRED_WEBHOOK_SECRET ; répétable ; ORACXPRED_WEBHOOK_URLS).",
)
@click.option(
    "--audit-every",
    "audit_every_min",
    metavar="MIN",
    help="Mode daemon : revérifier les dernières heures toutes les MIN minutes "
    "(défaut : 60 ; 0 : jamais).",
)
@click.version_option(
    __version__,
    "--version",
    message="oracxpred %(version)s",
    help="Afficher la version et quitter.",
)
def collect_command(daemon: bool, test_db: bool, verbose: bool, **values: Any) -> int:
    """Collecte les matchs terminés du flux 1xBet (une fois, ou en continu avec --daemon)."""
    try:
        settings = settings_from({**mirror_values(values), "verbose": verbose})
        from oracxpred.push.webhooks import check_settings

        check_settings(settings)
        setup_logging(settings.verbose, settings.log_file)
    except ConfigError as exc:
        stderr_line(msg.ERROR.format(reason=exc))
        return 2
    except OSError as exc:
        stderr_line(msg.LOG_FILE_UNUSABLE.format(reason=os_reason(exc)))
        return 2
    if test_db:
        from oracxpred.collector.once import check_store

        return check_store(settings)
    if daemon:
        from oracxpred.collector.daemon import run_daemon

        return run_daemon(settings)
    from oracxpred.collector.once import run_once

    return run_once(settings)


@click.group(cls=FrenchGroup, context_settings=HELP_OPTION)
@click.version_option(
    __version__,
    "--version",
    message="oracxpred %(version)s",
    help="Afficher la version et quitter.",
)
def group() -> None:
    """OracXPred : collecteur de résultats de football virtuel 1xBet et outils associés."""


group.add_command(collect_command)


def _register_optional() -> None:
    """Sub-commands that live beside their modules (imported only for ``oracxpred``)."""
    if "web" in group.commands:
        return
    from oracxpred.cli.db import db, export_csv, import_csv
    from oracxpred.cli.history import audit, backfill
    from oracxpred.cli.sim import feed_sim
    from oracxpred.cli.web import web

    group.add_command(feed_sim, "feed-sim")
    group.add_command(db, "db")
    group.add_command(import_csv, "import-csv")
    group.add_command(export_csv, "export-csv")
    from oracxpred.cli.export_odds import export_odds

    group.add_command(export_odds, "export-odds")
    group.add_command(web, "web")
    from oracxpred.cli.doctor import doctor

    group.add_command(doctor, "doctor")
    group.add_command(backfill, "backfill")
    group.add_command(audit, "audit")

    from oracxpred.cli.archive import archive

    group.add_command(archive, "archive")
    from oracxpred.cli.rejected import rejected

    group.add_command(rejected, "rejected")
    from oracxpred.cli.dataset import dataset

    group.add_command(dataset, "dataset")


def main(args: list[str] | None = None) -> int:
    """Console script ``oracxpred``."""
    _register_optional()
    return run_click(group, args, "oracxpred")


def collector_main(args: list[str] | None = None) -> int:
    """``python collector_service.py``: the collector command of the spec."""
    return run_click(collect_command, args, "collector_service.py")


if __name__ == "__main__":
    sys.exit(main())

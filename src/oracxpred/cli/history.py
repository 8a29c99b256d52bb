"""``oracxpred backfill`` and ``oracxpred audit``: history from the results service.

Both write into the store directly (never the outage spool) and hold the collector lease while
they write, so a live daemon and a backfill are never two writers of one store. Exit codes:
backfill 0 done / 1 failed or incomplete / 2 usage; audit 0 complete / 3 gaps or mismatches /
1 failure / 2 usage.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from oracxpred.cli.french import HELP_OPTION, FrenchCommand, stderr_line
from oracxpred.cli.mirrors import mirror_values
from oracxpred.cli.options import settings_from, store_options
from oracxpred.config import Settings
from oracxpred.errors import CollectorError, ConfigError
from oracxpred.logs import mask_secrets, setup_logging

AUDIT_RATE = 2.0
"""Requests per second of ``audit`` (one per league and day: 90 days of 3 leagues ≈ 2 min)."""

_DAYS = click.option("--days", type=int, metavar="N", help="Les N derniers jours.")
_FROM = click.option(
    "--from", "date_from", metavar="DATE", help="Début (UTC) : AAAA-MM-JJ[THH:MM]."
)
_TO = click.option(
    "--to", "date_to", metavar="DATE", help="Fin (UTC, exclue ; un jour seul : inclus)."
)
_LEAGUE = click.option(
    "--league",
    "leagues",
    type=int,
    multiple=True,
    metavar="ID",
    help="Ligue (champId), répétable (défaut : toutes celles du service de résultats).",
)


def _common(func: Any) -> Any:
    func = click.option("--verbose", "-v", is_flag=True, help="Mode verbeux (DEBUG).")(func)
    func = click.option("--results-url", metavar="URL", help="Adresse du service de résultats.")(
        func
    )
    func = click.option(
        "--feed-url",
        metavar="URL",
        multiple=True,
        help="Adresse du flux (hôte, sport), répétable : miroirs essayés dans l'ordre.",
    )(func)
    return store_options(func)


def _range(days: int | None, date_from: str | None, date_to: str | None) -> tuple[int | None, ...]:
    """Parsed bounds; ``click.UsageError`` (French, exit 2) for any mistake."""
    from oracxpred.core.backfill import parse_moment

    if days is not None and (date_from or date_to):
        raise click.UsageError("--days ou bien --from/--to, pas les deux")
    if days is None and not (date_from and date_to):
        raise click.UsageError("--days N, ou bien --from et --to ensemble, est attendu")
    if days is not None:
        if days <= 0:
            raise click.UsageError(f"--days doit être un nombre de jours positif (reçu {days})")
        return days, None, None
    assert date_from is not None
    assert date_to is not None
    try:
        lower, upper = parse_moment(date_from, end=False), parse_moment(date_to, end=True)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if lower >= upper:
        raise click.UsageError("--from doit précéder --to")
    return None, lower, upper


def _settings(values: dict[str, Any]) -> Settings:
    try:
        settings = settings_from(mirror_values(values))
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    setup_logging(settings.verbose, settings.log_file)
    return settings


@contextmanager
def _writing(settings: Settings) -> Iterator[Any]:
    """The direct store, with the collector lease held (``CollectorError`` when busy)."""
    from oracxpred.collector.lease import lease_for
    from oracxpred.history import messages
    from oracxpred.store.factory import open_csv, open_sql

    store = open_sql(settings.database_url) if settings.database_url else open_csv(settings)
    with store, lease_for(settings) as lease:
        if not lease.ensure():
            holder = lease.holder()
            who = holder.describe() if holder else "inconnu"
            raise CollectorError(messages.LEASE_BUSY.format(who=who))
        yield store


def _client(settings: Settings) -> Any:
    from oracxpred.history.backfill import client_for

    return client_for(settings)


@click.command(cls=FrenchCommand, context_settings=HELP_OPTION, name="backfill")
@_DAYS
@_FROM
@_TO
@_LEAGUE
@click.option(
    "--rate",
    type=click.FloatRange(min=0),
    metavar="R",
    default=1.0,
    show_default=True,
    help="Requêtes par seconde au plus (0 : sans limite).",
)
@click.option("--restart", is_flag=True, help="Oublier le point de reprise et tout redemander.")
@_common
def backfill(
    days: int | None,
    date_from: str | None,
    date_to: str | None,
    leagues: tuple[int, ...],
    rate: float,
    restart: bool,
    **values: Any,
) -> int:
    """Rattrape l'historique des matchs terminés depuis le service de résultats."""
    from oracxpred.history import messages
    from oracxpred.history.backfill import Pacer, format_table, run_backfill, summary_rows

    n_days, lower, upper = _range(days, date_from, date_to)
    settings = _settings(values)
    try:
        with _writing(settings) as store, _client(settings) as client:
            report = run_backfill(
                store,
                client,
                leagues=leagues,
                days=n_days,
                date_from=lower,
                date_to=upper,
                restart=restart,
                pacer=Pacer(rate),
                now=int(time.time()),
            )
    except ValueError as exc:
        stderr_line(f"Erreur : {exc}")
        return 2
    except CollectorError as exc:
        stderr_line(f"Erreur : {mask_secrets(str(exc))}")
        return 1
    click.echo(format_table(summary_rows(report)))
    stored = sum(s.stored for s in report.leagues)
    present = sum(s.present for s in report.leagues)
    click.echo(messages.DONE.format(stored=stored, present=present))
    if report.complete:
        return 0
    click.echo(messages.LEFT.format(count=report.failed_windows), err=True)
    return 1


@click.command(cls=FrenchCommand, context_settings=HELP_OPTION, name="audit")
@_DAYS
@_FROM
@_TO
@_LEAGUE
@click.option("--json", "as_json", is_flag=True, help="Rapport JSON sur la sortie standard.")
@click.option("--repair", is_flag=True, help="Ajouter les matchs manquants (sans rien réécrire).")
@_common
def audit(
    days: int | None,
    date_from: str | None,
    date_to: str | None,
    leagues: tuple[int, ...],
    as_json: bool,
    repair: bool,
    **values: Any,
) -> int:
    """Vérifie le stockage contre le service de résultats, par ligue et par jour (UTC)."""
    from oracxpred.core.backfill import resolve_range
    from oracxpred.history.audit import run_audit
    from oracxpred.history.backfill import Pacer, fixed_upper
    from oracxpred.history.report import print_audit

    n_days, lower, upper = _range(days, date_from, date_to)
    settings = _settings(values)
    try:
        span = resolve_range(n_days, lower, upper, fixed_upper(int(time.time())))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    pacer = Pacer(AUDIT_RATE)
    try:
        with _client(settings) as client:
            if repair:
                with _writing(settings) as store:
                    report = run_audit(
                        store, client, *span, leagues=leagues, repair=True, pacer=pacer
                    )
            else:
                from oracxpred.store.factory import open_csv, open_sql

                url = settings.database_url
                with open_sql(url) if url else open_csv(settings) as store:
                    report = run_audit(store, client, *span, leagues=leagues, pacer=pacer)
    except CollectorError as exc:
        stderr_line(f"Erreur : {mask_secrets(str(exc))}")
        return 1
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print_audit(report)
    return report.exit_code()

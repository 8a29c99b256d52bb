"""``oracxpred rejected``: the feed events the parser refused, newest first (the quarantine,
see ``store/quarantine.py``), as a French table or as JSON that can be parsed again."""

from __future__ import annotations

import json
from typing import Any

import click

from oracxpred.cli.french import HELP_OPTION, FrenchCommand, stderr_line
from oracxpred.core.cells import format_utc
from oracxpred.errors import CollectorError, ConfigError
from oracxpred.logs import escape, mask_secrets
from oracxpred.store.base import QuarantinedEvent

HEADERS = ("Rejeté le (UTC)", "Événement", "Catégorie", "Raison")
REASON_WIDTH = 90


@click.command(cls=FrenchCommand, context_settings=HELP_OPTION, name="rejected")
@click.option("--csv-path", metavar="CHEMIN", help="Fichier CSV (défaut : data/matches.csv).")
@click.option("--database-url", metavar="URL", help="Base SQL ; sinon DATABASE_URL.")
@click.option(
    "--limit",
    type=click.IntRange(1, 100_000),
    default=20,
    show_default=True,
    help="Nombre d'événements affichés, les plus récents d'abord.",
)
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (événements bruts inclus).")
def rejected(limit: int, as_json: bool, **values: Any) -> int:
    """Liste les événements du flux rejetés (quarantaine), les plus récents d'abord.

    Chaque événement est gardé tel que reçu, avec l'heure, la raison et son identifiant :
    `--json` le rend en entier pour l'analyser à nouveau.
    """
    from oracxpred.cli.options import settings_from
    from oracxpred.store.factory import open_store

    try:
        settings = settings_from(values)
    except ConfigError as exc:
        stderr_line(f"Erreur : {exc}")
        return 2
    try:
        with open_store(settings) as store:
            events = store.recent_rejections(limit)
    except CollectorError as exc:
        stderr_line(f"Erreur : {mask_secrets(str(exc))}")
        return 1
    if as_json:
        click.echo(json.dumps([_json(e) for e in events], ensure_ascii=False, indent=2))
    elif not events:
        click.echo("Aucun événement rejeté en quarantaine.")
    else:
        for line in table(events):
            click.echo(line)
    return 0


def table(events: list[QuarantinedEvent]) -> list[str]:
    rows = [
        (
            e.rejected_at.strftime("%Y-%m-%d %H:%M:%S"),
            "inconnu" if e.event_id is None else str(e.event_id),
            e.category,
            _cut(escape(e.reason)),
        )
        for e in events
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(HEADERS)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(HEADERS, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"{len(rows)} événement(s) ; --json pour les événements bruts.")
    return lines


def _cut(text: str) -> str:
    return text if len(text) <= REASON_WIDTH else text[: REASON_WIDTH - 1] + "…"


def _json(event: QuarantinedEvent) -> dict[str, Any]:
    try:
        raw: Any = json.loads(event.raw)
    except ValueError:
        raw = event.raw  # cut at RAW_MAX_CHARS: kept as text
    return {
        "rejected_at": format_utc(event.rejected_at),
        "event_id": event.event_id,
        "category": event.category,
        "reason": event.reason,
        "raw": raw,
    }

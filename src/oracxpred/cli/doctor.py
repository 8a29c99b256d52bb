"""``oracxpred doctor``: the diagnostic table (or ``--json``); exit 0 when collection can work."""

from __future__ import annotations

import json
from typing import Any

import click

from oracxpred.cli.french import HELP_OPTION, FrenchCommand, stderr_line
from oracxpred.cli.mirrors import mirror_values
from oracxpred.cli.options import settings_from, store_options
from oracxpred.errors import ConfigError
from oracxpred.ops import doctor_messages as t
from oracxpred.ops.doctor import Diagnosis, diagnose


def render(diagnosis: Diagnosis) -> str:
    """A plain-text table, then one hint per failing or doubtful line."""
    rows = [t.HEADER] + [
        (line.group, line.check, t.VERDICTS[line.verdict], line.detail) for line in diagnosis.lines
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    out = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in rows
    ]
    hints = [
        f"- {line.group} / {line.check} : {line.hint}" for line in diagnosis.lines if line.hint
    ]
    if hints:
        out += ["", t.HINTS_TITLE, *hints]
    out += ["", t.CAN_COLLECT if diagnosis.can_collect else t.CANNOT_COLLECT]
    return "\n".join(out)


@click.command(cls=FrenchCommand, context_settings=HELP_OPTION, name="doctor")
@click.option(
    "--feed-url",
    metavar="URL",
    multiple=True,
    help="Adresse du flux à tester (répétable : miroirs) ; sinon la configuration.",
)
@click.option("--results-url", metavar="URL", help="Adresse du service de résultats.")
@store_options
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (pour les scripts).")
def doctor(as_json: bool, **values: Any) -> int:
    """Diagnostic : hôtes du flux, service de résultats, horloge, stockage, bail, disque."""
    try:
        settings = settings_from(mirror_values(values))
    except ConfigError as exc:
        stderr_line(f"Erreur : {exc}")
        return 2
    diagnosis = diagnose(settings)
    if as_json:
        click.echo(json.dumps(diagnosis.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render(diagnosis))
    return 0 if diagnosis.can_collect else 1

"""The end of ``oracxpred feed-sim --help``: control routes, fault API and league ids.

Built from the simulator's own tables (``faults.MODES``, ``DEFAULT_PARAMS``, ``CATALOG``), so the
help cannot forget a mode or a league; the README repeats it (a test compares both).
"""

from __future__ import annotations

from oracxpred.simulator.catalog import CATALOG, DEFAULT_LEAGUES
from oracxpred.simulator.faults import DEFAULT_PARAMS, MODES

MODE_HELP = {
    "refuse": "connexion fermée sans réponse",
    "timeout": "requête retenue delay secondes",
    "slow_body": "corps lent : chunk octets toutes les interval s",
    "500": "HTTP 500 (page HTML)",
    "503": "HTTP 503 (page HTML)",
    "429": "HTTP 429, en-tête Retry-After de retry_after s",
    "406": "HTTP 406 (paramètres refusés)",
    "html": "page HTML au lieu de JSON (blocage)",
    "truncated": "JSON coupé au milieu",
    "success_false": '{"Success": false, "Value": null}',
    "no_value": "enveloppe sans Value",
    "wrong_types": "événements aux champs de mauvais type (I, O1, SC)",
    "huge": "réponse de size_mb Mo",
    "invalid_utf8": "octets UTF-8 invalides",
    "long_names": "noms d'équipe de 10 000 caractères, fausse ligne de log",
    "schema_drift": "format changé : SC absent ou scores en texte",
}
"""One French line per fault mode of ``POST /__faults__``."""


def _param(mode: str) -> str:
    """`` (delay=30)``: the mode's parameters and their defaults, to put in the JSON body."""
    names = [name for name in DEFAULT_PARAMS if name in MODE_HELP[mode].split()]
    values = ", ".join(f"{name}={DEFAULT_PARAMS[name]:g}" for name in names)
    return f" ({values})" if values else ""


def epilog(port: int = 8585) -> str:
    """The help's last paragraphs (``\\b``: click keeps the lines as they are)."""
    base = f"http://127.0.0.1:{port}"
    lines = [
        "\b",
        "Routes de contrôle (JSON) :",
        "  GET  /__truth__        matchs terminés, vérité terrain (?all=1 : tous)",
        "  GET  /__clock__        heure simulée ; POST ?advance=SECONDES ou ?set=EPOCH",
        "  GET  /__faults__       panne en cours et compteurs de requêtes",
        '  POST /__faults__       {"mode": M, "count": N} (N requêtes suivantes) ou',
        '                         {"mode": M, "rate": 0.1, "seed": 1} ; "target" : feed',
        '                         (défaut), results ou all ; {"mode": "none"} arrête',
        "  GET  /__health__       ok",
        "",
        "\b",
        "Modes de panne (paramètres et défauts) :",
        *(f"  {mode:<14} {MODE_HELP[mode]}{_param(mode)}" for mode in MODES),
        "",
        "\b",
        "Ligues (--league LI) :",
        *(
            f"  {li}  {spec.name}{' (défaut)' if spec in DEFAULT_LEAGUES else ''}"
            for li, spec in CATALOG.items()
        ),
        "",
        "\b",
        "Exemple : trois réponses 503 de suite, puis le flux normal :",
        f'  curl -X POST -d \'{{"mode": "503", "count": 3}}\' {base}/__faults__',
    ]
    return "\n".join(lines)

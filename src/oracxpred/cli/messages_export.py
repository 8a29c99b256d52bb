"""French lines of ``export-csv`` (standard output, missing folder, Excel form)."""

from __future__ import annotations

from pathlib import Path

STDOUT = "-"
"""``export-csv -``: the file argument that means standard output."""

HELP_EXCEL = "Format Excel français : BOM UTF-8, séparateur « ; », virgule décimale."
HELP_AFTER_SEQ = (
    "Seulement les matchs enregistrés après le numéro N (curseur incrémental), dans l'ordre "
    "d'enregistrement, avec deux colonnes de plus : seq et ingested_at_utc."
)
HELP_PARENTS = "Créer le dossier de FICHIER s'il n'existe pas."


def exported(count: int, file: Path | str) -> str:
    where = "sur la sortie standard" if str(file) == STDOUT else f"dans {file}"
    return f"{count} match(s) exporté(s) {where}."


def missing_folder(file: Path) -> str:
    return f"Erreur : le dossier {file.parent} n'existe pas (--parents pour le créer)."

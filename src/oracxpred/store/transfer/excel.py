"""The CSV flavour that French Excel opens correctly: UTF-8 BOM, ``;`` separator, decimal comma.

Excel in a French locale splits columns on ``;`` and reads ``1.85`` as a date or text; without a
BOM it decodes UTF-8 as Windows-1252 (``Ã©`` for ``é``). Only the separator, the BOM and the
decimal point of the odds cells change: the columns, their order and the formula neutralising
of ``core.cells`` stay those of the CSV store, so both exports carry the same data.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from typing import Any, TextIO

from oracxpred.core.records import MATCH_COLUMNS

BOM = "\ufeff"
DELIMITER = ";"
DECIMAL_COLUMNS = frozenset(
    name for name in MATCH_COLUMNS if "odds" in name and not name.endswith("_at_utc")
)
"""Cells holding a decimal number (the 1X2 odds); every other cell is an integer or text."""


def cells(row: Mapping[str, str], excel: bool) -> list[str]:
    """The cells of one ``match_to_row`` row in ``MATCH_COLUMNS`` order."""
    if not excel:
        return [row[name] for name in MATCH_COLUMNS]
    return [
        row[name].replace(".", ",") if name in DECIMAL_COLUMNS else row[name]
        for name in MATCH_COLUMNS
    ]


def writer(f: TextIO, excel: bool) -> Any:
    """A csv writer for ``f``; in Excel form, writes the BOM first."""
    if not excel:
        return csv.writer(f)
    f.write(BOM)
    return csv.writer(f, delimiter=DELIMITER)

"""Driver errors → our French ``StoreError`` family, with every secret masked.

Only this module knows what psycopg, PyMySQL and sqlite3 errors look like. Connection failures
carry no SQLSTATE in psycopg 3 (the server's FATAL text is all we get), so the classifier reads
SQLSTATEs and MySQL error codes first and falls back on the libpq/server message text.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import psycopg
import sqlalchemy as sa

from oracxpred.errors import (
    StoreCorrupted,
    StoreError,
    StoreNotWritable,
    StoreUnavailable,
)
from oracxpred.logs import get_logger, mask_secrets

log = get_logger("store.sql")

# (exception class, French reason) per kind of failure.
AUTH = (StoreError, "authentification refusée (utilisateur ou mot de passe incorrect)")
DENIED = (StoreError, "connexion refusée par la configuration d'accès du serveur")
NO_DATABASE = (StoreError, "la base de données n'existe pas sur ce serveur")
UNKNOWN_HOST = (StoreUnavailable, "hôte inconnu (nom introuvable dans le DNS)")
REFUSED = (StoreUnavailable, "connexion refusée (serveur arrêté ou mauvais port ?)")
TIMEOUT = (StoreUnavailable, "délai dépassé (serveur injoignable ou surchargé)")
LOST = (StoreUnavailable, "connexion au serveur perdue")
BUSY = (StoreUnavailable, "serveur occupé (verrou, trop de connexions ou démarrage en cours)")
READ_ONLY = (StoreNotWritable, "écriture impossible (lecture seule, droits ou disque plein)")
SCHEMA = (StoreCorrupted, "schéma inattendu (table ou colonne absente ou d'un autre type)")
BROKEN = (StoreCorrupted, "fichier de base illisible ou endommagé")
OTHER = (StoreError, "erreur de la base de données")

_PG_STATES = {
    "28P01": AUTH,
    "28000": DENIED,
    "3D000": NO_DATABASE,
    "57P01": LOST,  # admin shutdown
    "57P02": LOST,
    "57P03": BUSY,  # cannot connect now (starting up)
    "53300": BUSY,  # too many connections
    "55P03": BUSY,  # lock not available
    "57014": TIMEOUT,  # statement timeout
    "40001": BUSY,  # serialization failure
    "40P01": BUSY,  # deadlock
    "53100": READ_ONLY,  # disk full
    "25006": READ_ONLY,  # read-only transaction (standby)
    "42501": READ_ONLY,  # insufficient privilege
    "42P01": SCHEMA,
    "42703": SCHEMA,
    "42804": SCHEMA,
}

_MYSQL_CODES = {
    1045: AUTH,
    1044: AUTH,  # access denied to this database
    1049: NO_DATABASE,
    2005: UNKNOWN_HOST,
    2006: LOST,
    2013: LOST,
    2055: LOST,
    1040: BUSY,
    1205: BUSY,
    1213: BUSY,
    1290: READ_ONLY,
    1836: READ_ONLY,
    1142: READ_ONLY,
    1021: READ_ONLY,
    1114: READ_ONLY,
    1146: SCHEMA,
    1054: SCHEMA,
}

# Text patterns, most specific first: libpq, PostgreSQL (en/fr), MariaDB, sqlite3, sockets.
_TEXTS: list[tuple[re.Pattern[str], tuple[type[StoreError], str]]] = [
    (re.compile(r"password authentication failed|no password supplied|mot de passe", re.I), AUTH),
    (re.compile(r"pg_hba\.conf", re.I), DENIED),
    (re.compile(r"database \S+ does not exist|base de donn\S+ .* n'existe pas", re.I), NO_DATABASE),
    (
        re.compile(
            r"resolve host|translate host name|Name or service not known|nodename nor servname|"
            r"name resolution|getaddrinfo failed|No address associated",
            re.I,
        ),
        UNKNOWN_HOST,
    ),
    (re.compile(r"Connection refused|No route to host|Network is unreachable", re.I), REFUSED),
    (re.compile(r"timeout expired|timed out|statement timeout", re.I), TIMEOUT),
    (
        re.compile(
            r"server closed the connection|terminating connection|connection is closed|"
            r"consuming input failed|Lost connection|gone away|broken pipe|connection reset|"
            r"SSL connection has been closed|the connection is lost",
            re.I,
        ),
        LOST,
    ),
    (re.compile(r"database is locked|database table is locked", re.I), BUSY),
    (re.compile(r"readonly database|read-only|disk is full|disk full", re.I), READ_ONLY),
    (re.compile(r"unable to open database file", re.I), READ_ONLY),
    (re.compile(r"file is not a database|malformed", re.I), BROKEN),
    (re.compile(r"no such table|no such column|has no column", re.I), SCHEMA),
]


def classify(error: BaseException) -> tuple[type[StoreError], str]:
    """The exception class and French reason for a driver (or SQLAlchemy) error."""
    orig = error.orig if isinstance(error, sa.exc.DBAPIError) else error
    if isinstance(error, sa.exc.TimeoutError):  # no pooled connection freed in time
        return BUSY
    args: tuple[Any, ...] = getattr(orig, "args", ())
    code = args[0] if args and isinstance(args[0], int) else None
    if code is not None and code in _MYSQL_CODES:  # before SQLSTATE: PyMySQL has one too
        return _MYSQL_CODES[code]
    state = getattr(orig, "sqlstate", None)
    if code is None and isinstance(state, str) and state in _PG_STATES:
        return _PG_STATES[state]
    text = str(orig)
    for pattern, kind in _TEXTS:
        if pattern.search(text):
            return kind
    if code == 2003:  # can't connect: refused, unreachable… (DNS failures matched above)
        return REFUSED
    if isinstance(state, str) and state.startswith("08"):  # connection exception class
        return LOST
    if isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated:
        return LOST
    if isinstance(orig, ConnectionError | TimeoutError):
        return LOST
    return OTHER


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """Remove the known secrets verbatim, then any ``user:password@`` or ``password=``."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return mask_secrets(text)


def driver_detail(error: BaseException, secrets: tuple[str, ...], limit: int = 300) -> str:
    """The driver's own reason (never SQLAlchemy's SQL + parameters), on one masked line."""
    orig = error.orig if isinstance(error, sa.exc.DBAPIError) else error
    args: tuple[Any, ...] = getattr(orig, "args", ())
    if len(args) == 2 and isinstance(args[0], int):  # PyMySQL: (code, message)
        text = f"{args[1]} (code {args[0]})"
    else:
        text = str(orig)
    text = " ".join(text.split())
    text = scrub(text, secrets)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def translate(error: BaseException, what: str, target: str, secrets: tuple[str, ...]) -> StoreError:
    """``what`` failed on ``target`` (a masked URL): the error to raise instead, in French.

    The driver's own text (English, from libpq or the server) is for whoever debugs: it goes
    to the DEBUG log, masked, after the French line, never into the message users read."""
    kind, reason = classify(error)
    message = scrub(f"{what} : {reason} [{target}]", secrets)
    log.debug(DRIVER_DETAIL.format(message=message, detail=driver_detail(error, secrets)))
    return kind(message)


@contextlib.contextmanager
def guard(what: str, target: str, secrets: tuple[str, ...]) -> Iterator[None]:
    """Turn any database error inside the block into our French error, chained to nothing
    (``from None``: the driver exception's text may hold the password)."""
    try:
        yield
    except StoreError:
        raise
    except (sa.exc.SQLAlchemyError, psycopg.Error, OSError) as exc:  # psycopg: raw COPY paths
        raise translate(exc, what, target, secrets) from None


# -- French lines of this module (issue 12, item 12) -------------------------------------------

DRIVER_DETAIL = "{message} — détail du pilote : {detail}"
"""DEBUG only: the French error, then the driver's text (masked)."""

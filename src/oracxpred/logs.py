"""Log format of docs/operations.md §7, file rotation, secret masking and feed-value escaping."""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit, urlunsplit

from oracxpred import defaults

LOGGER_NAME = "oracxpred"
TAG = "COLLECTOR-SERVICE"
_FORMAT = f"[%(asctime)s] [%(levelname)s] [{TAG}] %(message)s"
_DATEFMT = "%Y-%m-%d %H:%M:%S"

_CREDENTIALS = re.compile(r"(?P<scheme>[a-zA-Z][\w+.-]*://)(?P<user>[^:/@\s]*):(?P<pw>[^@/\s]*)@")
_PASSWORD_PARAM = re.compile(r"(?i)(password=)[^&\s]+")


def mask_url(url: str) -> str:
    """``postgresql://u:secret@h/db`` → ``postgresql://u:***@h/db``; other URLs unchanged."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return mask_secrets(url)
    if parts.password is None:
        return _PASSWORD_PARAM.sub(r"\1***", url)
    netloc = parts.netloc.rsplit("@", 1)
    user = (parts.username or "") + ":***"
    masked = urlunsplit(parts._replace(netloc=f"{user}@{netloc[-1]}"))
    return _PASSWORD_PARAM.sub(r"\1***", masked)


def mask_secrets(text: str) -> str:
    """Mask every ``scheme://user:password@`` and ``password=…`` inside free text."""
    text = _CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    return _PASSWORD_PARAM.sub(r"\1***", text)


def escape(value: object, limit: int = 200) -> str:
    """A feed value made safe for one log line: no newline or control character can forge a
    line, and a 10,000-character team name is cut."""
    text = str(value)
    out = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    # unicode_escape also escapes accents; only do it when something is unprintable, and
    # then restore the printable non-ASCII characters for French readers.
    if out is not text:
        out = "".join(
            ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in text
        )
    return out if len(out) <= limit else out[: limit - 1] + "…"


class _MaskingFormatter(logging.Formatter):
    """Formats the spec's line and masks secrets that reached a message anyway."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_secrets(super().format(record))


def formatter() -> logging.Formatter:
    return _MaskingFormatter(_FORMAT, _DATEFMT)


def setup_logging(
    verbose: bool = False,
    log_file: Path | None = None,
    stream: TextIO | None = None,
    max_bytes: int = defaults.LOG_MAX_BYTES,
    backup_count: int = defaults.LOG_BACKUP_COUNT,
) -> logging.Logger:
    """Configure the ``oracxpred`` logger: console, plus a rotating file when asked."""
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False
    console = logging.StreamHandler(stream or sys.stdout)
    console.setFormatter(formatter())
    logger.addHandler(console)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            log_file,
            maxBytes=max_bytes,
            backupCount=backup_count,
            encoding="utf-8",
        )
        file_handler.setFormatter(formatter())
        logger.addHandler(file_handler)
    return logger


def get_logger(name: str = "") -> logging.Logger:
    return logging.getLogger(f"{LOGGER_NAME}.{name}" if name else LOGGER_NAME)

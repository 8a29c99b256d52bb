import errno

from oracxpred.oserrors import os_reason
from tests.helpers import debug_log


def test_known_errors_are_worded_in_french():
    assert os_reason(OSError(errno.EROFS, "Read-only file system")) == (
        "système de fichiers en lecture seule"
    )
    assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "disque plein"
    assert os_reason(PermissionError(errno.EACCES, "Permission denied")) == "permission refusée"


def test_more_errors_are_worded_in_french():
    assert os_reason(OSError(errno.EXDEV, "Invalid cross-device link")) == (
        "déplacement impossible entre deux systèmes de fichiers"
    )
    assert os_reason(ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")) == (
        "connexion refusée"
    )


def test_unknown_errors_are_named_in_french_and_the_english_text_is_debug_only():
    with debug_log() as stream:
        reason = os_reason(OSError(errno.EDOM, "Numerical argument out of domain"))
    assert reason == "erreur système EDOM"
    (line,) = stream.getvalue().splitlines()
    assert "[DEBUG]" in line
    assert line.endswith(
        "erreur système EDOM — texte du système : Numerical argument out of domain"
    )
    assert os_reason(OSError("sans errno")) == "sans errno"

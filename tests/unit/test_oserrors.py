import errno

from oracxpred.oserrors import os_reason


def test_known_errors_are_worded_in_french():
    assert os_reason(OSError(errno.EROFS, "Read-only file system")) == (
        "système de fichiers en lecture seule"
    )
    assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "disque plein"
    assert os_reason(PermissionError(errno.EACCES, "Permission denied")) == "permission refusée"


def test_unknown_errors_keep_the_system_wording():
    assert os_reason(OSError(errno.EXDEV, "Invalid cross-device link")) == (
        "Invalid cross-device link"
    )
    assert os_reason(OSError("sans errno")) == "sans errno"

"""French wording of operating-system errors.

``OSError.strerror`` comes from the C library in English ("Read-only file system"); users read
French everywhere, so every message that reports an OS failure goes through ``os_reason``.
"""

from __future__ import annotations

import errno

_REASONS = {
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota disque dépassé",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EEXIST: "un fichier occupe la place d'un dossier",
    errno.EISDIR: "le chemin désigne un dossier",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.EIO: "erreur d'entrée/sortie du disque",
    errno.EADDRINUSE: "port déjà utilisé par un autre programme",
    errno.EADDRNOTAVAIL: "adresse absente de cette machine",
}


def os_reason(exc: OSError) -> str:
    """The French reason for ``exc`` when known, else the system's own wording."""
    return _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)

"""French wording of operating-system errors.

``OSError.strerror`` comes from the C library in English ("Read-only file system"); users read
French everywhere, so every message that reports an OS failure goes through ``os_reason``.
"""

from __future__ import annotations

import errno

from oracxpred.logs import get_logger

log = get_logger("oserrors")

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
    errno.ECONNREFUSED: "connexion refusée",
    errno.ECONNRESET: "connexion interrompue par l'autre côté",
    errno.ETIMEDOUT: "délai dépassé",
    errno.EHOSTUNREACH: "hôte injoignable",
    errno.ENETUNREACH: "réseau injoignable",
    errno.EPIPE: "l'autre côté a fermé la connexion",
    errno.EBUSY: "ressource occupée",
    errno.EAGAIN: "ressource momentanément indisponible",
    errno.ENOTEMPTY: "le dossier n'est pas vide",
    errno.EXDEV: "déplacement impossible entre deux systèmes de fichiers",
    errno.ETXTBSY: "fichier en cours d'exécution",
    errno.EFBIG: "fichier trop gros",
    errno.ELOOP: "trop de liens symboliques",
    errno.ENOMEM: "mémoire insuffisante",
    errno.EBADF: "descripteur de fichier invalide",
    errno.EINVAL: "argument invalide",
}


def os_reason(exc: OSError) -> str:
    """The French reason for ``exc``; an errno without a French wording is named by its code
    (``erreur système EDOM``) and the C library's English text goes to the DEBUG log only."""
    if not exc.errno:
        return str(exc)  # raised by Python code with its own message, not by the system
    known = _REASONS.get(exc.errno)
    if known:
        return known
    code = errno.errorcode.get(exc.errno, str(exc.errno))
    reason = SYSTEM_ERROR.format(code=code)
    log.debug(SYSTEM_DETAIL.format(reason=reason, detail=exc.strerror or exc))
    return reason


# -- French lines of this module (issue 12, item 12) -------------------------------------------

SYSTEM_ERROR = "erreur système {code}"
SYSTEM_DETAIL = "{reason} — texte du système : {detail}"
"""DEBUG only: the French reason, then the C library's text."""

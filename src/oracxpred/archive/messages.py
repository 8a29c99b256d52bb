"""French user-facing lines of the archive (logs, command output)."""

WRITE_FAILED = (
    "Archive des réponses indisponible dans {root} ({reason}) : la collecte continue sans "
    "archiver ; reprise automatique dès que possible"
)
RECOVERED = (
    "Archive des réponses de nouveau disponible : {lost} réponse(s) non archivée(s) pendant "
    "l'interruption"
)
TORN = "Archive : enregistrement tronqué ignoré ({path}, ligne {line})"
COMPACTED = "Archive : heure {key} compactée ({records} enregistrement(s), {ratio:.1f}×)"
PRUNED = "Archive : {count} fichier(s) de plus de {days} jour(s) supprimé(s)"

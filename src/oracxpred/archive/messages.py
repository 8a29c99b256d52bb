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

# ``oracxpred archive`` output.
STATS_HOURS = "Heures : {hours} (dont {pending} pas encore compactée(s))"
STATS_RECORDS = (
    "Enregistrements : {records} (flux : {feed}, service de résultats : {results}, "
    "échanges en échec : {failed})"
)
STATS_BYTES = "Octets reçus : {raw} ; sur disque : {stored} ; ratio : {ratio:.1f}×"
STATS_SPAN = "Première réponse : {first} ; dernière : {last}"
STATS_TORN = "Enregistrements tronqués (ignorés) : {torn}"
NOTE = "  {path} ligne {line} : {what}"
VERIFY_OK = "Archive lisible : {records} enregistrement(s) dans {hours} heure(s)"
VERIFY_BAD = "Archive endommagée : {count} problème(s)"
NO_ARCHIVE = "Aucune archive dans {root}"
REPLAY_DONE = (
    "Rejeu terminé : {cycles} cycle(s) dont {failed} en échec (comme à l'enregistrement), "
    "{saved} match(s) enregistré(s), {records} réponse(s) de {first} à {last}"
)
REPLAY_GAPS = (
    "Écarts avec l'enregistrement : {mismatches} requête(s) sans réponse enregistrée, "
    "{skipped} réponse(s) non utilisée(s)"
)
REPLAY_TARGET = "Rejeu vers : {target}"
REPLAY_LIVE_STORE = (
    "Erreur : {target} a déjà été écrit par un collecteur (battements de cœur présents) : le "
    "rejeu y réécrirait l'état du suivi et y doublerait des cotes. Rejouer vers un stockage "
    "neuf (autre --csv-path ou --database-url) ; un rejeu interrompu, lui, se relance vers le "
    "même stockage."
)
EXPORT_DONE = "Extrait écrit : {path} ({records} enregistrement(s))"
BAD_TIME = "Date invalide « {raw} » : AAAA-MM-JJ ou AAAA-MM-JJTHH:MM[:SS] (UTC) attendu"
BAD_SPAN = "Période vide : --from {start} doit précéder --to {end}"

# ``--test-db`` and the Santé page.
LABEL_STATE = "État"
LABEL_FOLDER = "Dossier"
LABEL_SPAN = "Période"
LABEL_SIZE = "Taille"
LABEL_RATIO = "Compression"
LABEL_ERROR = "Dernière erreur"
DISABLED = "désactivée (--no-archive)"
SPAN = "{hours} heure(s), de {first} à {last} (UTC)"
SIZE = "{stored} sur disque pour {raw} reçus"
NO_ERROR = "aucune"
LAST_ERROR = "{reason} (du {since} au {until}, {lost} réponse(s) non archivée(s))"

"""French user-facing lines of the collector's shell (logs and CLI), in one reviewable place."""

START = "Démarrage de la collecte..."
SAVED = "OK Match terminé sauvegardé: {team1} vs {team2} ({score})"
SUCCESS = "Collecte terminée avec succès"
SUMMARY = (
    "Résumé : {saved} sauvegardé(s), {duplicates} doublon(s) ignoré(s), {rejected} rejeté(s), "
    "{tracked} suivi(s), {pending} en attente de résolution, {resolved} résolu(s), "
    "{unresolved} non résolu(s)"
)
FAILED = "Échec de la collecte : {reason}"
REJECTED_EVENT = "Événement {event_id} ignoré : {reason}"
UNRESOLVED = (
    "Match {event_id} ({team1} vs {team2}, début {start}) non résolu après {hours:g} h : "
    "aucun score fiable, il n'est pas enregistré"
)
RESULTS_FAILED = "Service de résultats indisponible ({reason}) : nouvel essai au prochain cycle"
TRACKING_RESET = "État du suivi illisible ({reason}) : reprise avec un état vide"
DEGRADED = (
    "Base de données injoignable : {count} match(s) mis en attente dans {spool} ; "
    "ils seront rejoués dès le retour de la base"
)
REPLAYED = "Base de données de retour : {count} match(s) rejoué(s) depuis l'attente locale"
STORE_INFO = "Stockage : {backend} ({target})"
STOPPED = "Service de collecte arrêté"
INTERVAL_TOO_SHORT = (
    "Intervalle de {interval:g} min inférieur à {minimum:g} min : le site risque de bloquer "
    "les requêtes"
)

# -- store and collector internals ----------------------------------------------------------

SPOOL_NOT_EMPTIED = "Attente locale {path} impossible à vider : {reason}"
SPOOL_FALLBACK = "Base injoignable, repli sur l'attente locale : %s"
SPOOL_PRIMARY_BACK = "Base de nouveau joignable"
SPOOL_REPLAY_STOPPED = "Rejeu de l'attente locale interrompu : %s"
SPOOL_NOTE = "{count} match(s) en attente dans {spool}, rejoué(s) au retour de la base."
HEARTBEAT_NOT_RECORDED = "Battement de cœur non enregistré : %s"

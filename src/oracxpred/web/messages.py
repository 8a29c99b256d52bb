"""French lines of the web application: its log lines, error reasons and health verdicts.

Page vocabulary (labels, chart legends, table headings) stays beside the code that shows it.
"""

# internal collector
COLLECTOR_UNAVAILABLE = (
    "collecteur interne demandé (ORACXPRED_INTERNAL_COLLECTOR=1) mais indisponible "
    "dans cette installation : oracxpred.collector.daemon.start_background_collector "
    "introuvable ({error})"
)
COLLECTOR_NOT_STARTED = "collecteur interne non démarré : {reason}"
COLLECTOR_STARTED = "Collecteur interne démarré dans l'application web"
COLLECTOR_STATUS_UNAVAILABLE = "indisponible : {reason}"
LOG_FILE_UNUSABLE = "Fichier de log %s inutilisable : %s"

# store
STORE_OPEN_FAILED = "Stockage impossible à ouvrir : %s"
STORE_UNAVAILABLE = "Stockage indisponible : {reason}"
LEASE_DESCRIBER_MISSING = "non disponible dans cette installation"

# health verdicts
NO_HEARTBEAT = "Aucune collecte enregistrée dans le stockage."
NO_SUCCESS = "Aucune collecte réussie parmi les {count} dernières (dernière erreur : {last_error})."
UNKNOWN_ERROR = "erreur inconnue"
STALE = "Dernière collecte réussie il y a {age} (seuil : {max_age}) : le collecteur semble arrêté."
FRESH = "Dernière collecte réussie il y a {age}."
STORE_UNREACHABLE = "Stockage inaccessible : {reason}"
STORE_CHECK_CRASHED = "Erreur inattendue pendant la vérification du stockage"
STORE_UNEXPECTED = "Erreur inattendue du stockage ({kind}) : voir le journal."

# query parameters
PARAM_TOO_LONG = "Paramètre « {name} » trop long : {limit} caractères au plus."
PARAM_CONTROL_CHARS = "Paramètre « {name} » invalide : caractères de contrôle interdits."
PARAM_NOT_A_DATE = "Paramètre « {name} » invalide « {value} » : date attendue ({hint})."
PARAM_YEAR_RANGE = (
    "Paramètre « {name} » invalide « {value} » : l'année doit être comprise entre {low} et {high}."
)
PARAM_OUTCOME = "Paramètre « outcome » invalide « {value} » : valeurs acceptées 1, N (ou X) et 2."
PARAM_PERIOD = "Période invalide : « date_from » est postérieure à « date_to »."
PARAM_NOT_AN_INT = "Paramètre « {name} » invalide « {value} » : entier de {low} à {high} attendu."

# error answers
ERROR = "Erreur"
STORE_DOWN_DURING = "Stockage indisponible pendant %s : %s"
INTERNAL_ERROR_ON = "Erreur interne sur %s"
ERROR_TITLES = {
    400: "Requête invalide",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Méthode non autorisée",
    413: "Requête trop volumineuse",
    500: "Erreur interne",
    503: "Service indisponible",
}
ERROR_TEXTS = {
    404: "Cette adresse ne correspond à aucune page de l'application.",
    405: "Cette adresse n'accepte pas cette méthode HTTP.",
    500: "Une erreur inattendue s'est produite ; elle a été consignée dans le journal.",
}

# health verdicts (web/drift.py)
DRIFT = (
    "Format du flux modifié ? Au moins {share:.0%} des événements rejetés à chacun des "
    "{cycles} derniers cycles{reason} ; voir « oracxpred rejected »."
)
DRIFT_MOST_FREQUENT = " ; raison la plus fréquente : {category} ({example})"
LONG_OUTAGE = (
    "Base de données injoignable depuis {age} (depuis le {since:%Y-%m-%d %H:%M:%S} UTC) : "
    "les matchs attendent dans l'attente locale."
)

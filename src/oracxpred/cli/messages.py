"""French lines the command line prints (errors on stderr, results on stdout).

Click ``help=`` texts stay on their decorators; everything echoed at run time is here.
"""

ERROR = "Erreur : {reason}"
ERROR_SENTENCE = "Erreur : {reason}."
LOG_FILE_UNUSABLE = "Erreur : fichier de log inutilisable ({reason})."
INTERRUPTED = "Interrompu."
SEE_HELP = "Voir « {prog} --help »."

# click's usage errors, translated
UNKNOWN_OPTION = "option inconnue : {option}"
BAD_OPTION_USAGE = "option {option} mal utilisée (valeur manquante ?)"
MISSING_PARAMETER = "paramètre manquant : {name}"
INVALID_VALUE = "valeur invalide pour {name} : {message}"
UNKNOWN_COMMAND = "commande inconnue : "
UNEXPECTED_ARGUMENT = "argument inattendu : "

# db, import-csv, export-csv
NO_DATABASE = "Erreur : aucune base configurée (--database-url ou DATABASE_URL)."
SCHEMA_UP_TO_DATE = "Schéma à jour (révision {revision}) : {target}"
LINE_SKIPPED = "Ligne {line} ignorée : {reason}"
MORE_LINES_SKIPPED = "… et {count} autre(s) ligne(s) ignorée(s)"
IMPORT_DONE = "{summary} en {elapsed_s:.1f} s."
EXPORT_IS_STORE_FILE = "Erreur : {file} est un fichier du stockage lui-même ; choisir un autre nom."
EXPORT_EXISTS = "Erreur : {file} existe déjà (--force pour le remplacer)."
EXPORT_DONE = "{count} match(s) exporté(s) dans {file}."

# feed-sim
NOT_IN_UNIT_INTERVAL = "doit être compris entre 0 et 1"
NOT_POSITIVE = "doit être strictement positive"
SIM_LISTEN_FAILED = "Erreur : impossible d'écouter sur {host}:{port} ({reason})."
SIM_CLOCK_MANUAL = "manuelle"
SIM_CLOCK_FAST = "accélérée ×{speed:g}"
SIM_STARTED = "Simulateur du flux 1xBet démarré sur {url} (graine {seed}, horloge {clock})."
SIM_FEED_URL = "Adresse à passer à --feed-url : {feed_url}"
SIM_ENDPOINTS = (
    "Vérité terrain : {url}/__truth__ ; horloge : {url}/__clock__ ; pannes : {url}/__faults__"
)
SIM_HOW_TO_STOP = "Arrêt : Ctrl+C."
SIM_STOPPED = "Simulateur arrêté."

# web
INVALID_PORT = "port invalide « {value} » : entier de 0 à 65535 attendu"
WEB_REQUEST = "Requête %s %s → %s"
WEB_SERVER_ERROR = "Serveur web : %s"
PORT_IN_USE = "port déjà utilisé par un autre programme"
PORT_FORBIDDEN = "permission refusée (port réservé ?)"
ADDRESS_NOT_HERE = "adresse absente de cette machine"
UNKNOWN_ADDRESS = "adresse inconnue « {host} »"
LISTEN_FAILED = "impossible d'écouter sur {host}:{port} : {reason}"
PRODUCTION_HINT = "en production : gunicorn 'oracxpred.web:create_app()'"
WEB_STARTED = "Application web OracXPred sur {url} (Ctrl+C pour arrêter ; {hint})"
WEB_STOPPED = "Application web arrêtée"

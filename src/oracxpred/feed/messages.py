"""French lines of the feed client: what a failed fetch says (``Échec de la collecte : …``,
``oracxpred doctor``, the archive's recorded reasons). ``{what}`` names the endpoint."""

FEED = "flux"
RESULTS = "service de résultats"
CHAMPS = "liste des ligues"

UNREACHABLE = "{what} injoignable après {attempts} tentative(s) : {reason}"
RETRYING = "{what} : {reason} ; nouvel essai dans {delay:.2f} s"
HTTP_406 = (
    "{what} : HTTP 406, paramètres refusés par le site "
    "(vérifier l'adresse du flux ; pas de nouvel essai)"
)
HTTP_REFUSED = "{what} : HTTP {status} (pas de nouvel essai)"
BAD_COMPRESSION = "{what} : réponse compressée illisible"
HTML_PAGE = "{what} : page HTML reçue au lieu de JSON (blocage ou miroir ?)"
TOO_BIG_DECLARED = "{what} : réponse trop volumineuse ({size} octets, limite {limit})"
TOO_BIG = "{what} : réponse trop volumineuse (plus de {limit} octets)"
TIMEOUT = "délai d'attente dépassé"
TOO_SLOW = "délai d'attente dépassé (réponse trop lente)"
HTTP_STATUS = "HTTP {status}"
CONNECT = "connexion refusée ou hôte introuvable"
CUT = "connexion interrompue par le serveur (réponse incomplète)"
NETWORK = "erreur réseau ({kind})"

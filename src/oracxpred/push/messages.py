"""French lines of the push (webhooks)."""

from __future__ import annotations

SECRET_MISSING = (
    "Webhook configuré ({count} adresse(s)) mais ORACXPRED_WEBHOOK_SECRET est vide : les envois "
    "doivent être signés. Définissez ORACXPRED_WEBHOOK_SECRET (variable d'environnement ou .env)."
)
BAD_URL = "Adresse de webhook invalide « {url} » : une adresse http:// ou https:// est attendue."
DOWN = (
    "Webhook %s en échec : %s. Les matchs attendent dans le stockage et seront renvoyés dans "
    "l'ordre (nouvel essai avec une attente croissante, au plus %g s)."
)
STILL_DOWN = "Webhook %s toujours en échec (%d essais) : %s ; prochain essai dans %.1f s"
BACK = (
    "Webhook %s de nouveau joignable après %d échec(s) : match n° %d livré, les suivants "
    "partent dans l'ordre."
)
TIMEOUT = "délai de {timeout:g} s dépassé"
UNREACHABLE = "injoignable ({reason})"
REFUSED = (
    "refusé par le récepteur (HTTP {status}) ; vérifiez l'adresse et le secret, les envois "
    "sont réessayés, jamais abandonnés"
)
HTTP_STATUS = "réponse HTTP {status}"
STORE_UNREADABLE = "Webhooks : stockage illisible pour l'instant (%s) ; nouvel essai plus tard"
STATE_NOT_SAVED = "Webhook %s : position de livraison non enregistrée (%s) ; renvois possibles"
STARTED = "Webhooks : %d adresse(s), envois à partir du n° %s"
UNEXPECTED = "Webhooks : erreur inattendue, les envois reprendront au prochain passage"
ONE_SHOT_LEFT = (
    "Webhooks : %d match(s) restent à envoyer (temps imparti de %g s écoulé ou récepteur en "
    "échec) ; ils partiront au prochain lancement"
)

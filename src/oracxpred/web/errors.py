"""French error answers: JSON for the API and ``/health``, an HTML page everywhere else.

No traceback ever reaches a visitor (debug mode is never on); the cause of a 500 goes to the
log only.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from oracxpred.errors import StoreError
from oracxpred.logs import get_logger, mask_secrets
from oracxpred.web.params import ParamError

log = get_logger("web")

TITLES = {
    400: "Requête invalide",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Méthode non autorisée",
    413: "Requête trop volumineuse",
    500: "Erreur interne",
    503: "Service indisponible",
}
MESSAGES = {
    404: "Cette adresse ne correspond à aucune page de l'application.",
    405: "Cette adresse n'accepte pas cette méthode HTTP.",
    500: "Une erreur inattendue s'est produite ; elle a été consignée dans le journal.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/health"


def error_response(status: int, message: str) -> tuple[object, int]:
    title = TITLES.get(status, "Erreur")
    if wants_json():
        return jsonify({"error": message, "status": status}), status
    return render_template("error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ParamError)
    def bad_param(exc: ParamError) -> tuple[object, int]:
        return error_response(400, exc.message)

    @app.errorhandler(StoreError)
    def store_down(exc: StoreError) -> tuple[object, int]:
        log.warning("Stockage indisponible pendant %s : %s", request.path, mask_secrets(str(exc)))
        return error_response(503, f"Stockage indisponible : {mask_secrets(str(exc))}")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> object:
        status = exc.code or 500
        if status < 400:
            return exc
        return error_response(status, MESSAGES.get(status, TITLES.get(status, "Erreur")))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[object, int]:
        log.error("Erreur interne sur %s", request.path, exc_info=exc)
        return error_response(500, MESSAGES[500])

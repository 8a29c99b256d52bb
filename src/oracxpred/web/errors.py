"""French error answers: JSON for the API and ``/health``, an HTML page everywhere else.

No traceback ever reaches a visitor (debug mode is never on); the cause of a 500 goes to the
log only.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from oracxpred.errors import StoreError
from oracxpred.logs import get_logger, mask_secrets
from oracxpred.web import messages as msg
from oracxpred.web.params import ParamError

log = get_logger("web")


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/health"


def error_response(status: int, message: str) -> tuple[Response | str, int]:
    title = msg.ERROR_TITLES.get(status, msg.ERROR)
    if wants_json():
        return jsonify({"error": message, "status": status}), status
    return render_template("error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ParamError)
    def bad_param(exc: ParamError) -> ResponseReturnValue:
        return error_response(400, exc.message)

    @app.errorhandler(StoreError)
    def store_down(exc: StoreError) -> ResponseReturnValue:
        log.warning(msg.STORE_DOWN_DURING, request.path, mask_secrets(str(exc)))
        return error_response(503, msg.STORE_UNAVAILABLE.format(reason=mask_secrets(str(exc))))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        status = exc.code or 500
        if status < 400:
            return exc
        return error_response(
            status, msg.ERROR_TEXTS.get(status, msg.ERROR_TITLES.get(status, msg.ERROR))
        )

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        log.error(msg.INTERNAL_ERROR_ON, request.path, exc_info=exc)
        return error_response(500, msg.ERROR_TEXTS[500])

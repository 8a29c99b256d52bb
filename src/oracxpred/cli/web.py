"""``oracxpred web``: the web app on werkzeug's development server, never in debug mode.

For production the module docstring of ``oracxpred.web`` gives the gunicorn line. Ctrl+C or
SIGTERM stops the server cleanly (exit 0); the internal collector, when enabled, is stopped
with it.
"""

from __future__ import annotations

import errno
import signal
import socket
import sys
from types import FrameType
from typing import Any

import click
from werkzeug.serving import WSGIRequestHandler, make_server

from oracxpred.cli import messages as msg
from oracxpred.cli.french import HELP_OPTION, FrenchCommand, run_click, stderr_line
from oracxpred.cli.options import settings_from, store_options
from oracxpred.errors import ConfigError
from oracxpred.logs import get_logger, setup_logging
from oracxpred.oserrors import os_reason

log = get_logger("web")


class PortType(click.ParamType[int]):
    name = "port"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        text = str(value).strip()
        if not text.isdigit() or not 0 <= int(text) <= 65535:
            self.fail(msg.INVALID_PORT.format(value=value), param, ctx)
        return int(text)


class QuietHandler(WSGIRequestHandler):
    """One French DEBUG line per request instead of werkzeug's English access log."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        log.debug(msg.WEB_REQUEST, self.command, self.path, code)

    def log(self, type: str, message: str, *args: Any) -> None:
        if type == "error":
            log.warning(msg.WEB_SERVER_ERROR, message % args)


_BIND_ERRORS = {
    errno.EADDRINUSE: msg.PORT_IN_USE,
    errno.EACCES: msg.PORT_FORBIDDEN,
    errno.EADDRNOTAVAIL: msg.ADDRESS_NOT_HERE,
}


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, or ``OSError`` with a French message."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except socket.gaierror:
        raise OSError(msg.UNKNOWN_ADDRESS.format(host=host)) from None
    except OSError as exc:
        reason = _BIND_ERRORS.get(exc.errno or 0) or os_reason(exc)
        raise OSError(msg.LISTEN_FAILED.format(host=host, port=port, reason=reason)) from None


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@click.command(cls=FrenchCommand, context_settings=HELP_OPTION, name="web")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    metavar="ADRESSE",
    help="Adresse d'écoute (0.0.0.0 : toutes les interfaces).",
)
@click.option(
    "--port",
    type=PortType(),
    default=5000,
    show_default=True,
    metavar="PORT",
    help="Port d'écoute (0 : un port libre, affiché au démarrage).",
)
@store_options
@click.option("--verbose", "-v", is_flag=True, help="Mode verbeux (une ligne par requête).")
def web(host: str, port: int, verbose: bool, **values: Any) -> int:
    """Lance l'application web (serveur de développement) sur le stockage du collecteur."""
    from oracxpred.web import create_app

    try:
        settings = settings_from({**values, "verbose": verbose})
        setup_logging(settings.verbose)
        app = create_app({"ORACXPRED_SETTINGS": settings})
    except ConfigError as exc:
        stderr_line(msg.ERROR.format(reason=exc))
        return 2
    try:
        sock = listen(host, port)
    except OSError as exc:
        stderr_line(msg.ERROR_SENTENCE.format(reason=exc))
        app.extensions["oracxpred"].close()
        return 1
    with sock:  # werkzeug serves a duplicate of this descriptor
        server = make_server(
            host, port, app, threaded=True, request_handler=QuietHandler, fd=sock.fileno()
        )
    url = f"http://{host}:{server.port}/"
    click.echo(msg.WEB_STARTED.format(url=url, hint=msg.PRODUCTION_HINT))
    sys.stdout.flush()
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
        app.extensions["oracxpred"].close()
    click.echo(msg.WEB_STOPPED)
    return 0


def main(args: list[str] | None = None) -> int:
    """``python -m oracxpred.cli.web``: the same command without the package's group."""
    return run_click(web, args, "oracxpred web")


if __name__ == "__main__":
    sys.exit(main())

"""``oracxpred feed-sim``: run the feed simulator until Ctrl+C or SIGTERM.

A thin click command: options → ``start_simulator`` → wait for a stop signal → ``stop()``.
The signal handlers only set a flag; the main thread does the shutdown.
"""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import click

from oracxpred.cli import messages as msg
from oracxpred.cli import sim_help
from oracxpred.cli.french import HELP_OPTION, FrenchCommand
from oracxpred.oserrors import os_reason
from oracxpred.simulator.catalog import CATALOG
from oracxpred.simulator.server import start_simulator
from oracxpred.simulator.slice import SliceError, SliceHandle, start_slice_server

SLICE_STARTED = (
    "Rejeu de la tranche {path} sur {url} : {feed} réponse(s) du flux et {results} du "
    "service de résultats, servies dans l'ordre enregistré (statut, Content-Type, Date et "
    "corps tels qu'enregistrés)."
)
SLICE_STATE = "État du rejeu : GET {url}/__slice__ ; tranche épuisée : HTTP 410."
SLICE_DONE = (
    "Tranche servie : {served} réponse(s) du flux sur {total}, {results} du service de résultats."
)


def _unit_interval(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise click.BadParameter(msg.NOT_IN_UNIT_INTERVAL)
    return value


def _positive(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if value <= 0:
        raise click.BadParameter(msg.NOT_POSITIVE)
    return value


@click.command(
    cls=FrenchCommand, context_settings=HELP_OPTION, name="feed-sim", epilog=sim_help.epilog()
)
@click.option("--port", type=int, default=8585, show_default=True, help="Port d'écoute.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--seed", type=int, default=1, show_default=True, help="Graine du hasard.")
@click.option(
    "--speed",
    type=float,
    default=60.0,
    show_default=True,
    callback=_positive,
    help="Secondes simulées par seconde réelle.",
)
@click.option(
    "--manual-clock",
    is_flag=True,
    help="Horloge manuelle : le temps n'avance que par POST /__clock__?advance=SECONDES.",
)
@click.option(
    "--unpublished-rate",
    type=float,
    default=0.0,
    show_default=True,
    callback=_unit_interval,
    help="Part des matchs jamais publiés par le service de résultats (0 à 1).",
)
@click.option(
    "--start-epoch",
    type=int,
    default=None,
    help="Début de la simulation, en secondes unix (défaut : maintenant, à la minute).",
)
@click.option(
    "--league",
    "leagues",
    type=click.Choice([str(k) for k in CATALOG]),
    multiple=True,
    help="Ligue à simuler (LI), répétable (défaut : 5x5 Rush Superligue et 3x3 Conférence).",
)
@click.option(
    "--history-days",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Jours de matchs déjà joués avant le début, listés par le service de résultats.",
)
@click.option(
    "--archive",
    "archive",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FICHIER",
    help=(
        "Sert une tranche enregistrée (fichier de « oracxpred archive export », .jsonl ou "
        ".jsonl.zst, ou dossier d'archive) au lieu de la ligue simulée : chaque requête au "
        "flux reçoit la réponse enregistrée suivante ; --seed, --speed, --league… sont ignorés."
    ),
)
def feed_sim(
    port: int,
    host: str,
    seed: int,
    speed: float,
    manual_clock: bool,
    unpublished_rate: float,
    start_epoch: int | None,
    leagues: tuple[str, ...],
    history_days: int,
    archive: Path | None,
) -> int:
    """Simulateur local du flux 1xBet (football virtuel), avec vérité terrain et pannes."""
    if archive is not None:
        return _serve_slice(archive, host, port)
    epoch = start_epoch if start_epoch is not None else int(time.time()) // 60 * 60
    try:
        handle = start_simulator(
            port=port,
            host=host,
            seed=seed,
            speed=None if manual_clock else speed,
            start_epoch=epoch,
            leagues=[int(li) for li in leagues] or None,
            unpublished_rate=unpublished_rate,
            history_days=history_days,
        )
    except OSError as exc:
        click.echo(
            msg.SIM_LISTEN_FAILED.format(host=host, port=port, reason=os_reason(exc)), err=True
        )
        return 1
    clock = msg.SIM_CLOCK_MANUAL if manual_clock else msg.SIM_CLOCK_FAST.format(speed=speed)
    click.echo(msg.SIM_STARTED.format(url=handle.url, seed=seed, clock=clock))
    click.echo(msg.SIM_FEED_URL.format(feed_url=handle.feed_url))
    click.echo(msg.SIM_ENDPOINTS.format(url=handle.url))
    click.echo(msg.SIM_HOW_TO_STOP)
    try:
        _wait_for_stop()
    finally:
        handle.stop()
    click.echo(msg.SIM_STOPPED)
    return 0


def _serve_slice(path: Path, host: str, port: int) -> int:
    try:
        handle: SliceHandle = start_slice_server(path, port=port, host=host)
    except SliceError as exc:
        click.echo(f"Erreur : {exc}", err=True)
        return 1
    except OSError as exc:
        click.echo(
            msg.SIM_LISTEN_FAILED.format(host=host, port=port, reason=os_reason(exc)), err=True
        )
        return 1
    state = handle.slice.describe()
    click.echo(
        SLICE_STARTED.format(
            path=path, url=handle.url, feed=state["feed_total"], results=state["results_left"]
        )
    )
    click.echo(msg.SIM_FEED_URL.format(feed_url=handle.feed_url))
    click.echo(SLICE_STATE.format(url=handle.url))
    click.echo(msg.SIM_HOW_TO_STOP)
    try:
        _wait_for_stop()
    finally:
        handle.stop()
    state = handle.slice.describe()
    click.echo(
        SLICE_DONE.format(
            served=state["feed_served"], total=state["feed_total"], results=state["results_served"]
        )
    )
    click.echo(msg.SIM_STOPPED)
    return 0


def _wait_for_stop() -> None:
    stop = threading.Event()
    previous = _install(stop)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        _restore(previous)


def _install(stop: threading.Event) -> dict[int, Any]:
    """SIGINT/SIGTERM only set ``stop`` (when we are the main thread)."""
    previous: dict[int, Any] = {}

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            previous[signum] = signal.signal(signum, on_signal)
        except ValueError:  # not the main thread: the caller stops us another way
            break
    return previous


def _restore(previous: dict[int, Any]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)

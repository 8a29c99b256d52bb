"""Click in French: headings, built-in help and usage errors (click's own text is English)."""

from __future__ import annotations

import sys
from typing import Any

import click

from oracxpred.cli import messages as msg

HELP_OPTION = {"help_option_names": ["-h", "--help"]}


def _usage(self: click.Command, ctx: click.Context, formatter: click.HelpFormatter) -> None:
    pieces = self.collect_usage_pieces(ctx)
    formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="Utilisation : ")


_HELP_WORDS = (
    ("[default: ", "[défaut : "),
    ("[required]", "[obligatoire]"),
    ("; required]", "; obligatoire]"),
    ("[env var: ", "[variable : "),
)
_METAVARS = {"INTEGER": "ENTIER", "FLOAT": "NOMBRE", "TEXT": "TEXTE", "PATH": "CHEMIN"}


def _french_record(record: tuple[str, str]) -> tuple[str, str]:
    names, help_text = record
    for english, french in _HELP_WORDS:
        help_text = help_text.replace(english, french)
    words = names.split(" ")
    return " ".join(_METAVARS.get(w, w) for w in words), help_text


def _options(self: click.Command, ctx: click.Context, formatter: click.HelpFormatter) -> None:
    """Click's option list with its English words (defaults, types) in French."""
    rows = []
    for param in self.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is not None and not isinstance(param, click.Argument):
            rows.append(_french_record(record))
    if rows:
        with formatter.section("Options"):
            formatter.write_dl(rows)


class _FrenchFormatter(click.HelpFormatter):
    """Section headings the French way: ``Options :``, ``Commandes :`` (click writes
    ``Options:``)."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading} :\n")


class _FrenchContext(click.Context):
    formatter_class = _FrenchFormatter


class _French(click.Command):
    """Usage line, option list and help option in French (shared by commands and groups)."""

    context_class = _FrenchContext

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _options(self, ctx, formatter)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _usage(self, ctx, formatter)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Afficher cette aide et quitter."
        return option


class FrenchCommand(_French):
    pass


class FrenchGroup(_French, click.Group):
    command_class = FrenchCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "COMMANDE [ARGUMENTS]...")
        super().__init__(*args, **kwargs)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _options(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=70)))
        if rows:
            with formatter.section("Commandes"):
                formatter.write_dl(rows)


def french_usage_error(exc: click.UsageError) -> str:
    """Translate click's usage errors; our own BadParameter messages are already French."""
    if isinstance(exc, click.NoSuchOption):
        return msg.UNKNOWN_OPTION.format(option=exc.option_name)
    if isinstance(exc, click.BadOptionUsage):
        return msg.BAD_OPTION_USAGE.format(option=exc.option_name)
    if isinstance(exc, click.MissingParameter):
        name = exc.param.get_error_hint(exc.ctx) if exc.param and exc.ctx else "?"
        return msg.MISSING_PARAMETER.format(name=name)
    if isinstance(exc, click.BadParameter):
        name = exc.param.get_error_hint(exc.ctx) if exc.param and exc.ctx else ""
        return msg.INVALID_VALUE.format(name=name, message=exc.message)
    message = exc.message
    if message.startswith("No such command"):
        return msg.UNKNOWN_COMMAND + message.split("'")[1] if "'" in message else message
    if message.startswith("Got unexpected extra argument"):
        return msg.UNEXPECTED_ARGUMENT + message.split("(", 1)[-1].rstrip(")")
    return message


def run_click(command: click.Command, args: list[str] | None, prog_name: str) -> int:
    """Run a click command with French errors; returns the exit code (2 = usage error)."""
    try:
        result: Any = command.main(args=args, prog_name=prog_name, standalone_mode=False)
    except click.UsageError as exc:
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), err=True)
        click.echo(msg.ERROR.format(reason=french_usage_error(exc)), err=True)
        click.echo(msg.SEE_HELP.format(prog=prog_name), err=True)
        return 2
    except click.exceptions.Abort:
        click.echo(msg.INTERRUPTED, err=True)
        return 130
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except KeyboardInterrupt:
        click.echo(msg.INTERRUPTED, err=True)
        return 130
    if isinstance(result, int):
        return result
    return 0


def stderr_line(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()

"""Helpers every command shares: exit codes from results and errors (:func:`guarded`),
writing reports, messages on standard error, option types and callbacks."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from netsep_check import clock
from netsep_check.errors import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    InputError,
    restore_termination,
    trap_termination,
)

LANG = click.Choice(["ko", "en"])

_F = TypeVar("_F", bound=Callable[..., Any])
_PACK_HELP = "Built-in pack id or pack folder. Default: the pack of the profile's regime."
_AS_OF_HELP = "Judge on DATE instead of the profile's assessment.as_of."


def _err(message: str) -> None:
    click.echo(message, err=True)


def _lang() -> str:
    """The running command's --lang; outside a command (it failed before or around it), the
    command line's; Korean when it names none."""
    context = click.get_current_context(silent=True)
    if context is not None:
        lang = context.params.get("lang")
        return lang if lang in ("ko", "en") else "ko"
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args) and args[i + 1] in ("ko", "en"):
            return args[i + 1]
        if arg in ("--lang=ko", "--lang=en"):
            return arg[7:]
    return "ko"


def out_of_memory(exc: BaseException) -> str:
    """What a run that ran out of memory says (a SystemError: the interpreter failing for
    want of it mid-call), in the reader's language."""
    from netsep_check.i18n import ui

    return ui("out_of_memory", _lang()) + (
        "" if isinstance(exc, MemoryError) else f" ({type(exc).__name__})")


def _report_problems(error: InputError, lang: str | None = None) -> None:
    """Every problem on standard error, in the command's --lang, profile text made inert."""
    from netsep_check.report.problems import problems_text

    for line in problems_text(error.problems, lang or _lang()):
        _err(line)


def guarded(func: Callable[..., int]) -> Callable[..., None]:
    """Turn results and errors into exit codes; no traceback for bad input."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        # SIGTERM or a hang-up at any moment ends the command as Ctrl-C does, its ``finally``
        # blocks run: a report being written leaves no temporary file (before, only during a
        # parallel batch; elsewhere the signal's default action ended the process at once)
        trapped = trap_termination()
        try:
            code = func(*args, **kwargs)
        except InputError as exc:
            _report_problems(exc)
            code = EXIT_INPUT
        except click.exceptions.ClickException:
            raise
        except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (143) / SIGHUP (129) in a batch
            code = getattr(exc, "exit_code", 130)
            _err("interrupted" if code == 130 else "terminated")
        except (MemoryError, SystemError) as exc:  # the run is larger than the memory it
            # was given (a batch's SARIF or OSCAL document is made whole); a SystemError is
            # the interpreter failing for want of it mid-call: say so, exit 2
            _err(out_of_memory(exc))
            code = EXIT_INPUT
        except Exception as exc:  # a defect of ours: say so, exit 3
            import os
            import traceback

            if os.environ.get("NETSEP_DEBUG"):
                traceback.print_exc()
            _err(f"internal error: {type(exc).__name__}: {exc}\n"
                 "This is a bug in netsep-check, not in your input. Run again with "
                 "NETSEP_DEBUG=1 for details and report it.")
            code = EXIT_INTERNAL
        finally:
            restore_termination(trapped)
        sys.exit(code)
    return wrapper


def parse_day(text: str) -> dt.date:
    """A calendar date written YYYY-MM-DD, as every date of the contract is (Python 3.11's
    ``date.fromisoformat`` also reads ``20250101`` and week dates such as ``2025-W01-1``);
    ValueError otherwise."""
    if len(text) != 10 or not (text[:4] + text[5:7] + text[8:]).isascii() \
            or not (text[:4] + text[5:7] + text[8:]).isdigit() or text[4] + text[7] != "--":
        raise ValueError(text)
    day = dt.date.fromisoformat(text)
    if not clock.reckonable(day):  # as the contracts' dates (profile.schema.json $defs.date)
        raise ValueError(text)
    return day


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_day(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD, in {clock.YEARS})"
                                 ) from None


def _write(text: str | list[tuple[Path | None, Any]], output: Path | None = None) -> None:
    """Write one text, or every ``(output, text)`` of a run, through
    :func:`netsep_check.output.write_all`: atomically, all or nothing."""
    from netsep_check.i18n import ui
    from netsep_check.output import write_all

    made = [(output, text)] if isinstance(text, str) else text
    write_all(made)
    for path, _ in made:
        if path is not None:
            _err(ui("report_written", _lang(), path=path))


class _Folder(click.Path):
    """An existing folder: click's ``file_okay=False`` refuses a regular file only, so a named
    pipe, a socket or a device was taken for a folder (exit 1 or 0, every evidence file
    missing); each is a usage error naming what it is."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> Any:
        path = super().convert(value, param, ctx)
        if not os.path.isdir(path):
            self.fail(f"{str(value)!r} is not a folder", param, ctx)
        return path


FOLDER = _Folder(exists=True, file_okay=False, path_type=Path)


def dash_is_stdout(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """``-o -`` is standard output, as with most tools, not a file named ``-`` (``./-`` is
    that file); for a repeatable ``--output``, each ``-`` in its place."""
    if isinstance(value, tuple):
        return tuple(None if v is not None and str(v) == "-" else v for v in value)
    return None if value is not None and str(value) == "-" else value


def _refuse_inputs(outputs: list[Path | None], inputs: list[Any]) -> None:
    """``--output`` naming an input of the run (however spelt) is a usage error."""
    from netsep_check.output import output_clash

    clash = output_clash(outputs, inputs)
    if clash is not None:
        raise click.UsageError(f"--output {clash[0]} is {clash[1]}, an input of this run; "
                               "refusing to overwrite it")


def pack_option(help: str = _PACK_HELP) -> Callable[[_F], _F]:
    """``--pack PACK`` (into ``pack_ref``), no default; an empty one is a usage error (it
    read as no --pack at all, so each profile's regime chose the pack in silence)."""
    return click.option("--pack", "pack_ref", metavar="PACK", help=help, callback=_pack_ref)


def _pack_ref(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise click.BadParameter("names no pack: give a built-in pack id or a pack folder")
    return value


def as_of_option(help: str = _AS_OF_HELP) -> Callable[[_F], _F]:
    """``--as-of DATE`` (into ``as_of``), a :class:`datetime.date` or None."""
    return click.option("--as-of", "as_of", callback=_date, metavar="DATE", help=help)


def policy_option(help: str | None = "Extra rule files (a folder or a file); repeatable."
                  ) -> Callable[[_F], _F]:
    """``--policy DIR`` (into ``policy_dirs``), repeatable."""
    return click.option("--policy", "policy_dirs", multiple=True,
                        type=click.Path(path_type=Path), metavar="DIR", help=help)

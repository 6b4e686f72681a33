"""The ``netsep-check`` command: a thin click layer over :mod:`netsep_check.api`.

Exit codes: 0 no failing finding, 1 at least one failing finding, 2 invalid input or usage,
3 internal error. Reports go to standard output (or ``--output``); all else to standard error.

This module is the click group. The commands live in :mod:`netsep_check.commands`, by family,
each imported only when it runs (or when ``--help`` lists them), so ``--version`` and one
command cost no more than they need; the helpers they share are in
:mod:`netsep_check.commands._shared`.
"""

from __future__ import annotations

import gc

# A command's start-up makes tens of thousands of long-lived objects (modules, classes, the
# compiled rules) and a check makes next to no garbage that only the collector can free
# (cycles): 683 objects in a check of 100,000 evidence entries, 1,779 in refusing a million
# invalid items (tests/test_speed_paths.py). A pass of the collector, by default every 700
# new objects, only re-walks what is alive: the modules (8 % of a single check), and a large
# profile's lists while it is judged (12 ms for 100,000 entries, each item's type read from
# memory). A pass every four million new objects (twice the values a profile may hold, so a
# single check makes none) still bounds what cycles can hold in a long batch to a few
# thousand objects. Set before the imports below: click's own import made about twenty
# passes (5.6 M instructions, 3.6 % of ``--version``). The library (``netsep_check.api``)
# leaves the collector as its caller set it.
GC_THRESHOLDS = (4_000_000, 50, 1000)
gc.set_threshold(*GC_THRESHOLDS)

import importlib  # noqa: E402
from typing import Any  # noqa: E402

import click  # noqa: E402

from netsep_check import __version__  # noqa: E402

__all__ = ["COMMANDS", "main", "run"]

#: Every command of the group: its name → (module under netsep_check.commands, attribute).
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "check"),
    "diff": ("check", "diff"),
    "validate": ("check", "validate"),
    "schema": ("reference", "schema"),
    "init": ("reference", "init"),
    "rules": ("reference", "rules_command"),
    "explain": ("reference", "explain"),
    "policy": ("policy", "policy"),
    "due": ("due", "due"),
    "bundle": ("bundle", "bundle"),
    "report": ("committee", "report_group"),
    "import": ("facts", "import_group"),
}


class _LazyGroup(click.Group):
    """A group that imports a command's module when the command is first asked for (click's
    "lazily loading subcommands" pattern)."""

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lazy = dict(lazy)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._lazy:
            module, attribute = self._lazy.pop(cmd_name)
            command = getattr(importlib.import_module(f"netsep_check.commands.{module}"),
                              attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, lazy=COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="netsep-check")
def main() -> None:
    """Check a SaaS usage profile against the conditions of Korea's network-separation
    (망분리) exception: the 2024 sandbox designations and the 2026 standing exception.

    \b
    Exit codes: 0 compliant (no failing rule), 1 at least one failing rule,
                2 invalid input or usage, 3 internal error.
    """


def run() -> None:
    """The installed command (and ``python -m netsep_check``): :func:`main`, then the exit
    without tearing the interpreter down. A check of a large profile otherwise spends a tenth
    of its time after its report is written: freeing every value of the profile one by one
    and a last full pass of the garbage collector. Standard output and error are flushed
    first; nothing else of ours waits for exit (reports are written and closed, worker
    processes joined, temporary folders removed, before :func:`main` returns). Tests call
    :func:`main` (click's runner), never this."""
    import contextlib
    import os
    import sys

    try:
        main()
    except (OSError, AttributeError) as exc:  # click's own output (--help, --version) could
        # not be written: standard output full or closed (``>&-``: None)
        if isinstance(exc, AttributeError) and sys.stdout is not None:
            raise
        why = getattr(exc, "strerror", None) or "standard output is closed"
        with contextlib.suppress(Exception):
            sys.stderr.write(f"error: <stdout>: cannot write: {why}\n")
            sys.stderr.flush()
        _remove_multiprocessing_folder()
        os._exit(2)
    except (MemoryError, SystemError) as exc:  # out of memory where the command's own
        # handler could not run (a SystemError: the interpreter failed in the middle of it)
        from netsep_check.commands._shared import out_of_memory

        with contextlib.suppress(Exception):
            sys.stderr.write(out_of_memory(exc) + "\n")
            sys.stderr.flush()
        _remove_multiprocessing_folder()
        os._exit(2)
    except SystemExit as exc:
        code = exc.code
        if code is not None and not isinstance(code, int):
            raise  # a message to print: Python's own exit prints it
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:  # None: closed when the command started (>&-)
                    stream.flush()
        except (OSError, ValueError):  # a closed or broken pipe: Python's own exit reports it
            raise exc from None
        _remove_multiprocessing_folder()
        os._exit(code or 0)


def _remove_multiprocessing_folder() -> None:
    """The ``pymp-*`` folder of TMPDIR (a fork server's socket: a batch with a progress bar)
    that multiprocessing removes at exit, an exit handler :func:`run` skips."""
    import sys

    process = sys.modules.get("multiprocessing.process")
    if process is None:
        return
    import contextlib
    import shutil

    with contextlib.suppress(Exception):
        folder = process.current_process()._config.get("tempdir")
        if folder:
            shutil.rmtree(folder, ignore_errors=True)

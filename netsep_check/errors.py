"""Error types and the exit codes that are part of the command-line interface."""

from __future__ import annotations

from dataclasses import field
from typing import Any

from netsep_check._record import record

EXIT_OK = 0  # no failing finding at or above the gate
EXIT_FAIL = 1  # at least one failing finding
EXIT_INPUT = 2  # invalid input or usage: profile, rules, waivers, options
EXIT_INTERNAL = 3  # a defect in netsep-check itself


LONGEST_MESSAGE = 4_000  # characters of a message shown or written; the rest is counted


def cut(message: str, more: str = "+{n:,} characters") -> str:
    """A message that quotes a long stretch of the input (a number of a million digits, a tag
    of megabytes), cut at :data:`LONGEST_MESSAGE` so that no output grows with what it
    quotes; ``more`` says how many characters were left out (``{n}``)."""
    if len(message) <= LONGEST_MESSAGE:
        return message
    return f"{message[:LONGEST_MESSAGE]}… ({more.format(n=len(message) - LONGEST_MESSAGE)})"


@record(frozen=False)
class Problem:
    """One thing wrong with an input file, located as precisely as we can."""

    file: str
    message: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    path: str | None = None  # dotted field path, e.g. ``usage.tasks[2]``
    # What went wrong as data, so that report/problems.py can say it in the reader's language
    # (``message`` stays English, for logs and for codes the catalogue does not know).
    code: str | None = None  # e.g. ``schema.unknown_key``
    params: dict[str, Any] = field(default_factory=dict)  # e.g. ``{"key": "colour"}``

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field_part = f" {self.path}:" if self.path else ""
        return f"{where}:{field_part} {cut(self.message)}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": cut(self.message),
            "code": self.code,
        }


@record(frozen=False)
class InputError(Exception):
    """Input that cannot be used: exit code 2. Carries every problem found, not just the first."""

    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def one(cls, file: str, message: str, line: int | None = None,
            column: int | None = None, path: str | None = None, *, code: str | None = None,
            **params: Any) -> InputError:
        return cls([Problem(file, message, line, column, path, code, params)])

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class RunInputError(InputError):
    """Input that makes the whole run meaningless (a pack or rule that cannot be used), not
    one profile: it ends the run with exit 2 instead of listing the profile as invalid."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (or SIGHUP) while a command runs: the run ends as for Ctrl-C (every ``finally``
    runs: no temporary file left, workers ended), with exit code 143 (129)."""

    exit_code = 143

    def __init__(self, exit_code: int = 143) -> None:
        super().__init__()
        self.exit_code = exit_code


def raise_terminated(signum: int, frame: Any) -> None:
    """A signal handler: :class:`Terminated` for signal ``signum``. Once: the command is then
    ending, and a second SIGTERM or hang-up (repeated by a supervisor, or the terminal closed
    after a SIGTERM) is ignored until :func:`restore_termination`, so that it cannot raise
    again in the middle of the ``finally`` blocks (a temporary file left) or of the command's
    answer (click's 'Aborted!', exit 1)."""
    import _signal  # type: ignore[import-not-found]

    for number in (_signal.SIGTERM, getattr(_signal, "SIGHUP", None)):
        if number is not None and _signal.getsignal(number) is raise_terminated:
            _signal.signal(number, _signal.SIG_IGN)
    raise Terminated(128 + signum)


def trap_termination() -> dict[int, Any] | None:
    """SIGTERM and SIGHUP raise :class:`Terminated` (main thread only), a signal that is
    ignored (``nohup``, ``trap '' TERM``) staying ignored; the previous handlers, for
    :func:`restore_termination`. By ``_signal`` (built in): ``signal`` would cost a command
    an import of ``enum``."""
    import _signal

    previous: dict[int, Any] = {}
    try:
        for number in (_signal.SIGTERM, getattr(_signal, "SIGHUP", None)):
            # an ignored signal stays ignored: a hang-up under ``nohup``, SIGTERM of a caller
            # (or a shell's ``trap '' TERM``) that chose to outlive it
            if number is None or _signal.getsignal(number) in (_signal.SIG_IGN,
                                                               raise_terminated):
                continue  # already trapped (the command's, around a batch's): left as is
            previous[number] = _signal.signal(number, raise_terminated)
    except ValueError:  # not the main thread: signals are the main thread's alone
        restore_termination(previous)
        return None
    return previous


def restore_termination(previous: dict[int, Any] | None) -> None:
    """The handlers :func:`trap_termination` replaced, back."""
    import _signal

    for number, handler in (previous or {}).items():
        if handler is not None:
            _signal.signal(number, handler)

"""The operator record and the registry type; operator families register themselves here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from netsep_check._record import record
from netsep_check.rules.operators.base import Compiled, Env

SubCompile = Callable[[Any, Env], Compiled]


@record
class Operator:
    """One word of the rule language."""

    name: str
    family: str
    compile: Callable[[Any, Env, SubCompile], Compiled]
    summary: str  # one line for the rule-language reference
    example: Any  # an argument that compiles, shown in docs and tested
    arg_schema: dict[str, Any]  # JSON Schema of the argument, for ``schema rules``

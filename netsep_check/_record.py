"""``@record``: a frozen dataclass, made with one ``exec`` instead of six.

Python 3.11's ``@dataclass(frozen=True)`` compiles each generated method (``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``) from its own source
text: about 0.5 ms a class, and a single check creates some thirty of them before it reads a
file (about a tenth of its whole time; Python 3.13 compiles them in one go, as here). A
``@record`` class *is* a dataclass — ``dataclasses.fields``, ``replace`` and ``asdict`` work,
type checkers see a frozen dataclass (PEP 681) — whose methods are the same as the standard
ones, compiled from one source text. Only what the project uses is supported: fields with a
default or a ``default_factory``, ``field(repr=False)``, ``slots``; no ``order``, no
``init=False`` fields, no inheritance between records.
"""

from __future__ import annotations

import dataclasses
import types
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")
_MISSING = dataclasses.MISSING
MADE: dict[str, str] = {}  # every record's __init__ source text, by "module.qualname"


def _source(cls: type, fields: list[dataclasses.Field[Any]], frozen: bool
            ) -> tuple[str, dict[str, Any], tuple[Any, ...]]:
    scope: dict[str, Any] = {"__setattr": object.__setattr__}
    params, body, defaults = [], [], []
    for f in fields:
        if f.default is not _MISSING:
            scope[f"__dflt_{f.name}"] = f.default
            defaults.append(f.default)
            params.append(f"{f.name}=__dflt_{f.name}")
            body.append(f"  __setattr(self, {f.name!r}, {f.name})" if frozen
                        else f"  self.{f.name} = {f.name}")
        elif f.default_factory is not _MISSING:
            scope[f"__fact_{f.name}"] = f.default_factory
            scope.setdefault("__NOTHING", object())
            defaults.append(scope["__NOTHING"])
            params.append(f"{f.name}=__NOTHING")
            value = f"__fact_{f.name}() if {f.name} is __NOTHING else {f.name}"
            body.append(f"  __setattr(self, {f.name!r}, {value})" if frozen
                        else f"  self.{f.name} = {value}")
        else:
            if params and "=" in params[-1]:
                raise TypeError(f"non-default argument {f.name!r} follows default argument")
            params.append(f.name)
            body.append(f"  __setattr(self, {f.name!r}, {f.name})" if frozen
                        else f"  self.{f.name} = {f.name}")
    lines = [f"def __init__(self, {', '.join(params)}):", *(body or ["  pass"])]
    if "__post_init__" in cls.__dict__:
        lines.append("  self.__post_init__()")
    return "\n".join(lines), scope, tuple(defaults)


def _init(made: type, fields: list[dataclasses.Field[Any]], frozen: bool) -> Any:
    """The class's ``__init__``: its code from ``_record_inits`` (compiled ahead, served from
    ``__pycache__``) when that table holds this very source text, else compiled here."""
    from netsep_check._record_inits import CODES

    source, scope, defaults = _source(made, fields, frozen)
    MADE[f"{made.__module__}.{made.__qualname__}"] = source
    qualname = f"{made.__qualname__}.__init__"
    code = CODES.get(source)
    if code is None:  # a record the table does not know yet: `python -m netsep_check._record`
        namespace: dict[str, Any] = {}
        exec(source, scope, namespace)  # our own __init__, made from the field names
        init = namespace["__init__"]
    else:
        init = types.FunctionType(code.replace(co_name="__init__", co_qualname=qualname),
                                  scope, "__init__", defaults or None)
    init.__qualname__ = qualname
    return init


def _names(self: Any, which: str) -> tuple[str, ...]:
    cls = type(self)
    names: tuple[str, ...] | None = cls.__dict__.get(which)
    if names is None:
        fields = cls.__dataclass_fields__.values()
        pick = {"_repr_names": lambda f: f.repr, "_eq_names": lambda f: f.compare,
                "_hash_names": lambda f: f.compare if f.hash is None else f.hash}[which]
        names = tuple(f.name for f in fields if pick(f))
        type.__setattr__(cls, which, names)
    return names


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _names(self, "_repr_names"))
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    names = _names(self, "_eq_names")
    return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)


def _hash(self: Any) -> int:
    return hash(tuple(getattr(self, n) for n in _names(self, "_hash_names")))


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: Any) -> list[Any]:
    return [getattr(self, name) for name in self.__dataclass_fields__]


def _setstate(self: Any, state: list[Any]) -> None:
    for name, value in zip(self.__dataclass_fields__, state, strict=True):
        object.__setattr__(self, name, value)  # a frozen slotted record, unpickled


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def record(cls: type[T] | None = None, /, *, frozen: bool = True, eq: bool = True,
           repr: bool = True, slots: bool = False) -> Any:
    """A dataclass (frozen unless ``frozen=False``) made with one compilation."""
    def wrap(klass: type[T]) -> type[T]:
        documented = bool(klass.__doc__)
        if not documented:  # else dataclass() works one out with inspect.signature: ~1 ms
            klass.__doc__ = klass.__name__
        made: Any = dataclasses.dataclass(klass, init=False, repr=False, eq=False,
                                          frozen=False, slots=slots)
        fields = list(made.__dataclass_fields__.values())
        made.__init__ = _init(made, fields, frozen)
        if not documented:
            made.__doc__ = f"{made.__name__}({', '.join(f.name for f in fields)})"
        if repr:
            made.__repr__ = _repr
        if eq:
            made.__eq__ = _eq
            made.__hash__ = _hash if frozen else None
        if frozen:
            made.__setattr__ = _frozen_setattr
            made.__delattr__ = _frozen_delattr
            if slots:
                made.__getstate__ = _getstate
                made.__setstate__ = _setstate
        made.__match_args__ = tuple(f.name for f in fields)  # type: ignore[misc]
        result: type[T] = made
        return result
    return wrap if cls is None else wrap(cls)


def generate() -> str:
    """The text of ``_record_inits.py``: every record class of the package, imported now."""
    import importlib
    import pkgutil

    import netsep_check

    for info in pkgutil.walk_packages(netsep_check.__path__, "netsep_check."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    sources = sorted({source for name, source in MADE.items()
                      if name.startswith("netsep_check.")})
    out = ['"""Every ``@record`` class\'s ``__init__``, compiled ahead of time.', "",
           "Generated by ``python -m netsep_check._record`` from the package\'s own classes (never",
           "from any input); tests/test_record.py fails when it is out of date. ``_record`` uses an",
           "entry only when its source text is exactly the one it would compile itself.", '"""',
           "# ruff: noqa", "# mypy: ignore-errors", "# fmt: off", "from typing import Any", "",
           "CODES: dict[str, Any] = {}"]
    for i, source in enumerate(sources):
        head, _, body = source.partition("\n")
        params = head[len("def __init__("):-len("):")].split(", ")
        names = ", ".join(p.partition("=")[0] for p in params)
        out += ["", "", f"def _{i}({names}):", body, f"CODES[{source!r}] = _{i}.__code__"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    from pathlib import Path

    from netsep_check import _record  # the module the classes use, not this __main__ copy

    Path(__file__).with_name("_record_inits.py").write_text(_record.generate(), encoding="utf-8")

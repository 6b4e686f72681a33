"""What a firm's own pack (or ``--policy`` rule folder) may not do: weaken a designation condition.

A *protected rule* is a rule with ``waivable: false`` in a built-in pack: a condition of the
designation. Waivers cannot touch it, and neither can a custom pack:

* it cannot **disable** a protected rule, nor any rule that says ``waivable: false``;
* it cannot **override a parameter a protected rule reads** (the parameters a rule reads are
  every ``{param: NAME}`` operand in its ``check`` and ``when``: the only way a condition reads
  a parameter) with a value the built-in packs do not give it; any change is refused, stricter
  or looser, as "stricter" depends on the operator;
* it cannot **redefine** a protected rule: a rule with a protected rule's id may only come from
  the built-in rule file that defines it;
* it cannot **copy** a protected rule as waivable: a rule outside the built-in files that is
  waivable and whose condition is the same as a protected rule's is refused. "The same" means
  the ``check`` and ``when`` conditions compare equal as data once every ``{param: NAME}`` is
  replaced by that parameter's value (keys in any order). A rewrite into a different but
  equivalent condition is not detected (equivalence of conditions is not decidable in
  general), but it is harmless: the protected original still judges the profile, since it can
  be neither disabled nor redefined;
* it cannot **reuse a built-in pack's id**, so no report can pass one off as a built-in pack;
* a pack that declares a designation regime must **extend** that regime's built-in pack
  (directly or through another pack), else it would judge the profile without the conditions;
  and a pack must have a regime (its own or inherited): a pack without one would judge any
  profile it is given, a designated firm's too, with none of the conditions.

And a pack's files are read only from inside its own folder: no absolute path, no ``..`` step,
no symbolic link leading out (the built-in packs' folder is ``policies/`` as a whole).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from netsep_check._record import record
from netsep_check.errors import InputError, Problem
from netsep_check.load import Document
from netsep_check.load.paths import resolve_below
from netsep_check.rules.model import Rule


def params_read(spec: dict[str, Any]) -> set[str]:
    """Names of the parameters a rule's ``check`` and ``when`` read (``{param: NAME}``)."""
    found: set[str] = set()
    stack: list[Any] = [spec.get("check"), spec.get("when")]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if len(node) == 1 and isinstance(node.get("param"), str):
                found.add(node["param"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _resolved(node: Any, params: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if len(node) == 1 and isinstance(node.get("param"), str):
            return params.get(node["param"])
        return {key: _resolved(value, params) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolved(value, params) for value in node]
    return node


def fingerprint(spec: dict[str, Any], params: dict[str, Any]) -> str:
    """A rule's condition as canonical data, parameters replaced by their values."""
    condition = {"check": spec.get("check"), "when": spec.get("when")}
    return json.dumps(_resolved(condition, params), sort_keys=True, ensure_ascii=False,
                      default=str)


@record
class Protected:
    """The non-waivable rules of the built-in packs, and the parameter values they read."""

    ids: dict[str, str]  # rule id → the built-in pack that holds it
    files: dict[str, str]  # rule id → the built-in file (display name) that defines it
    prints: dict[str, str]  # fingerprint → rule id
    params: dict[str, list[Any]]  # parameter → the values the built-in packs give it
    readers: dict[str, set[str]]  # parameter → the protected rules that read it
    by_regime: dict[str, tuple[str, set[str]]]  # regime → (pack id, its protected rule ids)


@lru_cache(maxsize=1)
def protected() -> Protected:
    from netsep_check.rules.packs import builtin_pack_ids, load_pack

    ids: dict[str, str] = {}
    files: dict[str, str] = {}
    prints: dict[str, str] = {}
    params: dict[str, list[Any]] = {}
    readers: dict[str, set[str]] = {}
    by_regime: dict[str, tuple[str, set[str]]] = {}
    for ref in builtin_pack_ids():
        pack = load_pack(ref)
        own: set[str] = set()
        for rule in pack.rules:
            if rule.waivable:
                continue
            own.add(rule.id)
            ids.setdefault(rule.id, pack.id)
            files.setdefault(rule.id, rule.file)
            prints.setdefault(fingerprint(rule.spec, pack.parameters), rule.id)
            for name in params_read(rule.spec):
                readers.setdefault(name, set()).add(rule.id)
                values = params.setdefault(name, [])
                if pack.parameters.get(name) not in values:
                    values.append(pack.parameters.get(name))
        if pack.regime:
            by_regime[pack.regime] = (pack.id, own)
    return Protected(ids, files, prints, params, readers, by_regime)


def check_rules(rules: list[Rule], params: dict[str, Any]) -> None:
    """No rule of ``rules`` (each from a file outside the built-in packs) redefines or copies
    a protected rule as waivable."""
    guard = protected()
    problems = []
    for rule in rules:
        if rule.id in guard.ids:
            problems.append(Problem(rule.file, f"rule {rule.id} is a condition of the "
                                    f"designation or the exception (waivable: false in built-in "
                                    f"pack {guard.ids[rule.id]}, {guard.files[rule.id]}); a pack "
                                    "may not redefine it", rule.line, None, "rules[].id",
                                    "pack.redefines_condition",
                                    {"rule": rule.id, "pack": guard.ids[rule.id],
                                     "file": guard.files[rule.id]}))
            continue
        if rule.waivable:
            copied = guard.prints.get(fingerprint(rule.spec, params))
            if copied is not None:
                problems.append(Problem(rule.file, f"rule {rule.id} copies {copied}, a condition "
                                        "of the designation or the exception, as waivable; a "
                                        "copy must say waivable: false", rule.line, None,
                                        "rules[].waivable", "pack.copies_condition",
                                        {"rule": rule.id, "copied": copied}))
    if problems:
        raise InputError(problems)


def check_parameters(set_params: dict[str, tuple[Any, str, int | None]]) -> None:
    """No parameter a protected rule reads is changed. ``set_params``: parameter → (value,
    file, line) for every parameter a pack that is not built in sets."""
    guard = protected()
    problems = []
    for name, (value, where, line) in set_params.items():
        allowed = guard.params.get(name)
        if allowed is not None and value not in allowed:
            readers = sorted(guard.readers.get(name, ()))
            problems.append(Problem(where, f"parameter {name!r} is read by non-waivable rule(s) "
                                    f"{', '.join(readers)}; a pack may not change it "
                                    f"(built-in value: {_show(allowed)})", line, None,
                                    f"parameters.{name}", "pack.protected_parameter",
                                    {"key": name, "rules": ", ".join(readers),
                                     "allowed": _show(allowed)}))
    if problems:
        raise InputError(problems)


def check_custom_pack(document: Document, meta: dict[str, Any], rules: list[Rule],
                      regime: str | None, builtin_ids: list[str]) -> None:
    """The pack-level refusals for a pack that is not built in (see the module text)."""
    guard = protected()
    file = document.file
    problems = []
    if meta["id"] in builtin_ids:
        problems.append(Problem(file, f"pack id {meta['id']!r} is the id of a built-in pack; "
                                "give your pack an id of its own", document.line(("pack", "id")),
                                None, "pack.id", "pack.builtin_id", {"id": meta["id"]}))
    by_id = {rule.id: rule for rule in rules}
    for index, entry in enumerate(meta.get("disable", [])):
        rule = by_id.get(entry["rule"])
        if entry["rule"] in guard.ids or (rule is not None and not rule.waivable):
            problems.append(Problem(file, f"cannot disable {entry['rule']}: it is not waivable "
                                    "(a condition of the designation or the exception)",
                                    document.line(("pack", "disable", index)), None,
                                    f"pack.disable[{index}].rule", "pack.disables_condition",
                                    {"rule": entry["rule"]}))
    if regime is None:
        problems.append(Problem(file, "a pack must declare its regime (regime: sandbox or "
                                "standing_exception) or extend a pack that does: without one "
                                "it would judge a designated firm's profile without the "
                                "designation's conditions (add rules of your own to a built-in "
                                "pack with --policy DIR instead)", document.line(("pack",)),
                                None, "pack.regime", "pack.no_regime"))
    elif regime in guard.by_regime:
        base, needed = guard.by_regime[regime]
        missing = sorted(needed - {rule.id for rule in rules})
        if missing:
            rules_missing = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
            problems.append(Problem(file, f"a pack for regime {regime} must extend {base}: it "
                                    f"lacks that pack's non-waivable rules ({rules_missing})",
                                    document.line(("pack",)), None, "pack.extends",
                                    "pack.must_extend",
                                    {"regime": regime, "base": base, "rules": rules_missing}))
    if problems:
        raise InputError(problems)


def _show(values: list[Any]) -> str:
    return " or ".join(json.dumps(v, ensure_ascii=False, default=str) for v in values)


def inside(root: Path, name: str, document: Document, where: tuple[str | int, ...],
           base: Path | None = None, resolved_root: Path | None = None) -> Path:
    """``root / name`` when it stays inside ``root`` (no absolute path, no ``..`` step, no
    symbolic link leading out); an :class:`InputError` naming the pack file's line otherwise.
    With ``base`` (the built-in packs: a pack folder inside ``root``), ``base / name``, which
    may step up with ``..`` as long as it stays inside ``root``. ``resolved_root``, when the
    caller knows it, is ``root.resolve()``."""
    line = document.line(where)
    path = ".".join(str(p) for p in where)
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute() \
            or PureWindowsPath(name).drive:
        raise InputError.one(document.file, f"{name!r} is an absolute path; a pack names its "
                             "files relative to its own folder", line, None, path)
    if base is None and ".." in PurePosixPath(name.replace("\\", "/")).parts:
        raise InputError.one(document.file, f"{name!r} has a '..' step; a pack reads files "
                             "only from inside its own folder", line, None, path)
    candidate = (base or root) / name
    try:
        resolved_root = resolved_root or root.resolve()
        resolved = resolve_below(candidate, resolved_root)
        outside = not resolved.is_relative_to(resolved_root)
    except (OSError, RuntimeError, ValueError) as exc:  # a symbolic-link loop, a NUL
        raise InputError.one(document.file, f"{name!r} cannot be followed: {exc}", line, None,
                             path) from None
    if outside:
        raise InputError.one(document.file, f"{name!r} leads outside the pack's folder",
                             line, None, path)
    return candidate

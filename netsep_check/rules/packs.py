"""Stage 3 — rules: find, load, check and compile policy packs and rule files.

A pack is a folder with ``pack.yaml`` (metadata, parameters, the rule files it uses); a firm's
own pack may ``extends:`` a built-in one, override its parameters and disable rules with a
reason. ``--policy DIR`` adds rule files to whatever pack is in use.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from netsep_check.errors import InputError, Problem
from netsep_check.load import Document, Limits, load_document, require_mapping
from netsep_check.load.paths import resolve_below
from netsep_check.load.source import open_regular, sha256
from netsep_check.rules import guard, parsed
from netsep_check.rules.compiler import compile_condition
from netsep_check.rules.model import CompiledRule, Disabled, Pack, Rule
from netsep_check.rules.operators.base import Env, RuleSyntaxError
from netsep_check.rules.parsed import policies_root as policies_root
from netsep_check.rules.schema import pack_schema, parameters_schema, rules_schema

REGIME_PACKS = {"sandbox": "sandbox-2024", "standing_exception": "standing-exception-2026"}
BUILTIN_BASE = "builtin:"  # test_bases: {m365: "builtin:sandbox-2024/m365"}


def builtin_pack_ids() -> list[str]:
    root = policies_root()
    return sorted(p.parent.name for p in root.glob("*/pack.yaml"))


def display_name(path: Path) -> str:
    """Built-in files are named relative to the policies folder, others as given."""
    if path.is_absolute():  # a pack's own paths: every report names them, so remember them
        return _display_absolute(path)
    return _display(path)


def _display(path: Path) -> str:
    try:
        root = _policies_resolved()
        return "policies/" + resolve_below(path, root).relative_to(root).as_posix()
    except ValueError:
        return str(path)


@lru_cache(maxsize=1024)
def _display_absolute(path: Path) -> str:
    return _display(path)


def schema_checked(path: Path, schema: dict[str, Any], what: str) -> Document:
    """A data file read and checked against ``schema`` (a built-in one through the parsed
    cache); an :class:`InputError` naming every problem otherwise."""
    from netsep_check.validate.schema_errors import schema_key, schema_problems

    def check(document: Document) -> None:
        require_mapping(document, what)
        problems = schema_problems(document, schema)
        if problems:
            raise InputError(problems)

    if is_builtin(path):  # parsed and checked once, then read from the cache beside them
        document = parsed.load_builtin(path, display_name(path), policies_root(),
                                       schema_key(schema), check)
    else:  # a pack's own file: at most MAX_PACK_VALUES values, before the schema walks them
        document = load_document(path, display=display_name(path), limits=_PACK_FILE_LIMITS)
        check(document)
    _READ[document.file] = document.sha256
    return document


_READ: dict[str, str] = {}  # a pack file's shown name → SHA-256 of the bytes last parsed


def _basis(spec: dict[str, Any], regime: str | None, document: Document,
           index: int) -> dict[str, Any]:
    """A rule shared by both regimes gives one basis per regime; pick the pack's."""
    basis: dict[str, Any] = spec["basis"]
    if "strength" in basis:
        return basis
    if regime in basis:
        chosen: dict[str, Any] = basis[regime]
        return chosen
    raise InputError.one(document.file, f"rule {spec['id']} gives no basis for regime "
                         f"{regime or '(none)'}; it has: {', '.join(sorted(basis))}",
                         document.line(("rules", index, "basis")), None,
                         f"rules[{index}].basis")


def _compile_rule(spec: dict[str, Any], index: int, document: Document,
                  params: dict[str, Any], regime: str | None) -> CompiledRule:
    base = ("rules", index)
    try:
        when = compile_condition(spec["when"], Env(params, where="when")) if "when" in spec else None
        check = compile_condition(spec["check"], Env(params, where="check"))
        notes = tuple((compile_condition(note["when"], Env(params, where=f"notes[{i}].when")),
                       dict(note["text"])) for i, note in enumerate(spec.get("notes", ())))
    except RuleSyntaxError as exc:
        section = exc.where.split(".")[0]
        raise InputError.one(document.file, f"rule {spec['id']}: {exc.where}: {exc.message}",
                             document.line((*base, section)), None,
                             f"rules[{index}].{exc.where}") from None
    reads = tuple(dict.fromkeys((*(when.reads if when else ()), *check.reads,
                                 *(path for cond, _ in notes for path in cond.reads))))
    rule = Rule(
        id=spec["id"], area=spec["area"], severity=spec["severity"], title=spec["title"],
        rationale=spec["rationale"], remediation=spec["remediation"],
        basis=_basis(spec, regime, document, index),
        waivable=spec.get("waivable", True), file=document.file,
        line=document.line(base), tests=tuple(spec.get("tests", ())), reads=reads,
        check_reads=check.reads,
        meaning={"when": dict(when.text) if when else None, "check": dict(check.text)},
        spec=spec)
    return CompiledRule(rule, check, when, notes)


MAX_PACK_VALUES = 200_000  # values in a pack's own files, all together (built-in: ~15,000)
_PACK_FILE_LIMITS = Limits(max_nodes=MAX_PACK_VALUES)


def load_rule_file(path: Path, params: dict[str, Any], regime: str | None,
                   budget: list[int] | None = None) -> list[CompiledRule]:
    """Load, schema-check and compile every rule in one file. ``budget``: the values the
    pack's own rule files may still hold (:data:`MAX_PACK_VALUES` in all); a file that
    spends more than is left is refused before its rules are compiled."""
    document = schema_checked(path, rules_schema(), "rule file")
    if budget is not None:
        budget[0] -= _values(document.data)
        if budget[0] < 0:
            raise InputError.one(document.file, "the pack's own rule files hold more than "
                                 f"{MAX_PACK_VALUES:,} values in all",
                                 code="pack.too_many_values", limit=f"{MAX_PACK_VALUES:,}")
    return [_compile_rule(spec, i, document, params, regime)
            for i, spec in enumerate(document.data["rules"])]


def _values(data: Any) -> int:
    """How many values ``data`` holds, containers and keys included (as the loader counts)."""
    count, pending = 0, [data]
    while pending:
        value = pending.pop()
        count += 1
        if isinstance(value, dict):
            count += len(value)
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return count


def load_parameter_file(path: Path) -> dict[str, Any]:
    """A shared parameter file, schema-checked: ``{name: {value, description}}``."""
    entries: dict[str, Any] = schema_checked(path, parameters_schema(),
                                              "parameter file").data["parameters"]
    return entries


def _set_from_file(path: Path, params: dict[str, Any], docs: dict[str, Any],
                   set_params: dict[str, tuple[Any, str, int | None]]) -> None:
    """Set every parameter of a shared parameter file: its value, its description (kept
    from before when it has none) and where it was set."""
    shared = schema_checked(path, parameters_schema(), "parameter file")
    for name, entry in shared.data["parameters"].items():
        params[name] = entry["value"]
        docs[name] = entry.get("description", docs.get(name, {}))
        set_params[name] = (entry["value"], shared.file, shared.line(("parameters", name)))


def is_parameter_file(path: Path) -> bool:
    """A YAML file whose top level holds ``parameters:`` and no ``rules:``."""
    data = load_document(path, display=display_name(path)).data
    return isinstance(data, dict) and "parameters" in data and "rules" not in data


def rule_files_in(directory: Path) -> list[Path]:
    """The rule files of a ``--policy`` folder (a single file is accepted too)."""
    if directory.exists() and not directory.is_dir():  # a file (the reader refuses a
        return [directory]  # named pipe, a device or a socket at once)
    if not directory.is_dir():
        raise InputError.one(str(directory), "no such policy folder or file")
    try:
        files = sorted(p for p in directory.rglob("*.y*ml") if p.name != "pack.yaml"
                       and "tests" not in p.relative_to(directory).parts)
    except (OSError, RuntimeError) as exc:  # a folder that cannot be listed, a link loop
        raise InputError.one(str(directory), f"cannot list the folder: {exc}") from None
    for path in files:  # a link loop is an input error here, not a crash when resolved
        try:
            path.resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            why = getattr(exc, "strerror", None) or str(exc)
            raise InputError.one(str(path), f"cannot read file: {why}") from None
    if not files:
        raise InputError.one(str(directory), "holds no rule files (*.yaml)")
    return files


def _pack_file(ref: str | Path) -> Path:
    candidate = Path(ref)
    if candidate.is_dir():
        candidate = candidate / "pack.yaml"
    if candidate.is_file():
        return candidate
    builtin = policies_root() / str(ref) / "pack.yaml"
    if builtin.is_file():
        return builtin
    known = ", ".join(builtin_pack_ids())
    raise InputError.one(str(ref), f"no such pack (built-in packs: {known}; or give the path "
                         "of a folder holding pack.yaml)")


def _digest(files: list[Path]) -> str:
    outer = sha256()
    for path in files:
        shown = display_name(path)
        outer.update(shown.encode())
        known = _READ.get(shown)  # the bytes this pack was just made of
        if known is not None:
            outer.update(bytes.fromhex(known))
            continue
        handle, _ = open_regular(path, shown)
        with handle:  # read and parsed moments ago; a regular file, bounded by that read
            outer.update(sha256(handle.read()).digest())
    return outer.hexdigest()


def _check_ids(rules: list[Rule]) -> None:
    seen: dict[str, Rule] = {}
    problems = []
    for rule in rules:
        if rule.id in seen:
            first = seen[rule.id]
            problems.append(Problem(rule.file, f"duplicate rule id {rule.id} (first defined in "
                                    f"{first.file} line {first.line})", rule.line))
        else:
            seen[rule.id] = rule
    if problems:
        raise InputError(problems)


def _test_base(root: Path, base: Path | None, name: str, ref: str, document: Document) -> str:
    """Where a test base stands: a path inside the pack's folder, or ``builtin:PACK/NAME`` —
    test base NAME of built-in pack PACK, wherever it is installed."""
    if not ref.startswith(BUILTIN_BASE):
        return str(_resolved(guard.inside(root, ref, document, ("pack", "test_bases", name), base)))
    line = document.line(("pack", "test_bases", name))
    pack_id, _, wanted = ref[len(BUILTIN_BASE):].partition("/")
    if pack_id not in builtin_pack_ids():
        raise InputError.one(document.file, f"test base {name!r}: {pack_id!r} is not a built-in "
                             f"pack (built-in packs: {', '.join(builtin_pack_ids())}); write "
                             f"{BUILTIN_BASE}PACK/NAME", line, None, f"pack.test_bases.{name}")
    builtin_folder = policies_root() / pack_id
    meta = schema_checked(builtin_folder / "pack.yaml", pack_schema(), "pack file").data["pack"]
    known: dict[str, str] = meta.get("test_bases", {})
    if wanted not in known or known[wanted].startswith(BUILTIN_BASE):
        raise InputError.one(document.file, f"test base {name!r}: built-in pack {pack_id} has no "
                             f"test base {wanted!r} (it has: {', '.join(sorted(known)) or 'none'})",
                             line, None, f"pack.test_bases.{name}")
    return str((builtin_folder / known[wanted]).resolve())


@lru_cache(maxsize=1)
def _policies_resolved() -> Path:
    return policies_root().resolve()


def _resolved(path: Path) -> Path:
    """``path.resolve()``: quicker for the built-in packs' files (see load/paths.py)."""
    return resolve_below(path, _policies_resolved())


def is_builtin(path: Path) -> bool:
    """A file of the built-in packs (inside the policies folder, links resolved)."""
    if path.is_absolute():  # asked again and again while a pack loads
        return _is_builtin_absolute(path)
    return _is_builtin(path)


@lru_cache(maxsize=1024)
def _is_builtin_absolute(path: Path) -> bool:
    return _is_builtin(path)


def _is_builtin(path: Path) -> bool:
    try:
        root = _policies_resolved()
        return resolve_below(path, root).is_relative_to(root)
    except (OSError, RuntimeError, ValueError):
        return False


def _extends(meta: dict[str, Any], folder: Path, document: Document) -> str | Path:
    """``extends``: a built-in pack id, or a pack folder (or its pack.yaml) inside this
    pack's folder — resolved against that folder, never against the working directory."""
    ref = str(meta["extends"])
    if ref in builtin_pack_ids():
        return ref
    return guard.inside(folder, ref, document, ("pack", "extends"))


MAX_RULES = 2_000  # rules in a pack, its base's included (the built-in packs: about 70)


def load_pack(ref: str | Path, extra_rule_dirs: tuple[Path, ...] = (),
              _overrides: dict[str, Any] | None = None, _depth: int = 0, *,
              extra_rule_files: tuple[Path, ...] = (),
              extra_parameter_files: tuple[Path, ...] = ()) -> Pack:
    """Load a pack by built-in id or path, with its base pack and any extra rule folders.

    ``extra_rule_files`` are added like the files of ``extra_rule_dirs``;
    ``extra_parameter_files`` (shared parameter files beside them) set parameters on top of
    the pack's own, as the pack's ``parameter_files`` would. A pack that is not built in may
    not weaken a designation condition, and reads its files only from inside its own folder
    (see :mod:`netsep_check.rules.guard`).
    """
    pack_path = _pack_file(ref)
    document = schema_checked(pack_path, pack_schema(), "pack file")
    meta = document.data["pack"]
    folder = pack_path.parent
    builtin = is_builtin(pack_path)
    root = policies_root() if builtin else folder  # where its files may be
    base = folder if builtin else None  # built-in packs share files through ../common
    parent: Pack | None = None
    if "extends" in meta:
        if _depth > 5:
            raise InputError.one(document.file, "packs extend each other too deeply (a cycle?)")
        parent = load_pack(_extends(meta, folder, document), _depth=_depth + 1)
    params = dict(parent.parameters) if parent else {}
    docs = dict(parent.parameter_docs) if parent else {}
    set_params: dict[str, tuple[Any, str, int | None]] = {}  # what this pack itself sets
    resolved_root = _policies_resolved() if builtin else None
    param_paths = [guard.inside(root, name, document, ("pack", "parameter_files", i), base,
                                resolved_root)
                   for i, name in enumerate(meta.get("parameter_files", []))]
    for path in param_paths:
        _set_from_file(path, params, docs, set_params)
    for name, entry in meta.get("parameters", {}).items():
        if parent and name not in params and "description" not in entry:
            raise InputError.one(document.file, f"parameter {name!r} is not a parameter of "
                                 f"{parent.id}; a new parameter needs a description",
                                 document.line(("pack", "parameters", name)),
                                 code="pack.unknown_parameter", key=name, pack=parent.id)
        params[name] = entry["value"]
        set_params[name] = (entry["value"], document.file,
                            document.line(("pack", "parameters", name)))
        if "description" in entry:
            docs[name] = entry["description"]
    for path in extra_parameter_files:
        _set_from_file(path, params, docs, set_params)
    params.update(_overrides or {})
    if not builtin:
        guard.check_parameters(set_params)

    files = [guard.inside(root, name, document, ("pack", "rule_files", i), base, resolved_root)
             for i, name in enumerate(meta.get("rule_files", []))]
    missing = [f for f in files if not f.is_file()]
    if missing:
        raise InputError.one(document.file, f"rule file {missing[0]} does not exist",
                             document.line(("pack", "rule_files")))
    for directory in extra_rule_dirs:
        files.extend(rule_files_in(directory))
    files.extend(extra_rule_files)
    rule_paths = [*(parent.rule_paths if parent else ()), *(_resolved(p) for p in files)]
    rule_paths = list(dict.fromkeys(rule_paths))
    regime = meta.get("regime", parent.regime if parent else None)
    compiled: list[CompiledRule] = []
    custom: list[Rule] = []  # rules from files outside the built-in packs
    budget = [MAX_PACK_VALUES]  # for the rule files that are not built in
    for path in rule_paths:  # a base pack's rules are recompiled: parameters may differ
        loaded = load_rule_file(path, params, regime, None if is_builtin(path) else budget)
        compiled.extend(loaded)
        if not is_builtin(path):
            custom.extend(c.rule for c in loaded)
    rules = [c.rule for c in compiled]
    if len(rules) > MAX_RULES:  # every report lists every rule: 20,000 took 10 s as text
        raise InputError.one(document.file, f"the pack holds {len(rules):,} rules; a pack "
                             f"may hold at most {MAX_RULES:,}", code="pack.too_many_rules",
                             count=f"{len(rules):,}", limit=f"{MAX_RULES:,}")
    _check_ids(rules)
    if custom:
        guard.check_rules(custom, params)
    if not builtin:
        guard.check_custom_pack(document, meta, rules, regime, builtin_pack_ids())

    disabled = list(parent.disabled) if parent else []
    for entry in meta.get("disable", []):
        if not any(rule.id == entry["rule"] for rule in rules):
            raise InputError.one(document.file, f"cannot disable {entry['rule']}: no such rule "
                                 "in the pack", document.line(("pack", "disable")))
        disabled.append(Disabled(entry["rule"], entry["reason"], meta["id"]))
    off = {d.rule for d in disabled}
    meta_paths = [*(parent.meta_paths if parent else ()), _resolved(pack_path),
                  *(_resolved(p) for p in (*param_paths, *extra_parameter_files))]
    test_bases = dict(parent.test_bases) if parent else {}
    test_bases.update({name: _test_base(root, base, name, rel, document)
                       for name, rel in meta.get("test_bases", {}).items()})
    overrides = [*(parent.overrides if parent else ())]
    for name in set_params:  # what this pack changed of its base: every report says so
        if parent is not None and name in parent.parameters \
                and parent.parameters[name] != params[name]:
            overrides.append({"name": name, "from": parent.parameters[name],
                              "to": params[name], "pack": meta["id"]})
    return Pack(
        id=meta["id"], version=meta["version"], regime=regime,
        effective_on=meta.get("effective_on", parent.effective_on if parent else ""),
        title=meta["title"],
        sources=(*(parent.sources if parent else ()), *meta.get("sources", ())),
        parameters=params, parameter_docs=docs,
        rules=tuple(rule for rule in rules if rule.id not in off),
        compiled=tuple(c for c in compiled if c.rule.id not in off),
        disabled=tuple(disabled), digest=_digest([*meta_paths, *rule_paths]),
        meta_paths=tuple(meta_paths), rule_paths=tuple(rule_paths), test_bases=test_bases,
        extends=parent.id if parent else None, overrides=tuple(overrides))


def pack_for_regime(regime: str) -> str:
    return REGIME_PACKS[regime]

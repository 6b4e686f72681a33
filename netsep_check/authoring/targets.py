"""What ``policy lint`` and ``policy test`` work on: one pack, a folder of plain rule files, or
a folder that holds several packs (like ``policies/``) and the files they share.

- a pack: a ``pack.yaml``, a folder holding one, or a built-in pack id;
- plain rule files: a folder (or file) without ``pack.yaml``; its rule files are added to a base
  pack (``--pack``, default ``sandbox-2024``) and only their rules are tested; shared parameter
  files beside them (top level ``parameters:``) set parameters on top of the base pack's;
- several packs: a folder whose sub-folders hold ``pack.yaml`` files; each pack is handled in
  turn, and the other YAML files under the folder are either shared with a pack (a rule or
  parameter file a pack names — checked with that pack) or left over (handled as plain rule
  files on the base pack, so nothing under the folder goes unchecked).
"""

from __future__ import annotations

from pathlib import Path

from netsep_check._record import record
from netsep_check.errors import InputError, Problem
from netsep_check.rules import Pack, load_pack
from netsep_check.rules.packs import display_name, is_parameter_file, rule_files_in

DEFAULT_BASE = "sandbox-2024"


@record
class Target:
    """One pack to lint or test, and which of its rules are the target's own."""

    label: str  # what the output calls it: the folder, file or pack id given
    pack: Pack
    own: frozenset[str] | None  # ids of the rules to test; None: every rule of the pack
    inherited: frozenset[str] = frozenset()  # rules a pack takes from the pack it extends
    parameter_files: tuple[str, ...] = ()  # shared parameter files checked with it


@record
class Plan:
    targets: tuple[Target, ...]
    shared: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (file, ids of the packs using it)
    broken: tuple[tuple[str, tuple[Problem, ...]], ...] = ()  # (pack folder, why it won't load)
    unused: tuple[str, ...] = ()  # YAML files in a pack's folder that the pack does not name


def _is_pack(path: Path) -> bool:
    return path.name == "pack.yaml" or (path / "pack.yaml").is_file() or not path.exists()


def _pack_target(ref: Path | str, label: str) -> Target:
    pack = load_pack(ref)
    inherited: frozenset[str] = frozenset()
    if pack.extends:
        base_ids = {rule.id for rule in load_pack(pack.extends).rules}
        inherited = frozenset(rule.id for rule in pack.rules if rule.id in base_ids)
    return Target(label, pack, None, inherited)


def _plain_target(files: list[Path], label: str, base_pack: str | None) -> Target:
    """Rule files (and parameter files beside them) added to the base pack."""
    rule_files = [p for p in files if not is_parameter_file(p)]
    parameter_files = [p for p in files if p not in rule_files]
    pack = load_pack(base_pack or DEFAULT_BASE, extra_rule_files=tuple(rule_files),
                     extra_parameter_files=tuple(parameter_files))
    names = {display_name(path.resolve()) for path in rule_files}  # as the pack names them
    own = frozenset(rule.id for rule in pack.rules if rule.file in names)
    return Target(label, pack, own,
                  parameter_files=tuple(display_name(p.resolve()) for p in parameter_files))


def _tenant_data(path: Path) -> str | None:
    """A tenant mapping or egress host table (policies/tenant-mapping/): schema-checked and
    linted here as what it is (an input error otherwise), never read as rules."""
    from netsep_check.load import load_document

    data = load_document(path, display=display_name(path)).data
    if not isinstance(data, dict) or "rules" in data:
        return None
    if "mapping" in data:
        from netsep_check.facts.mapping import load_mapping

        load_mapping(path, lint=True)
        return "tenant mapping (linted)"
    if "hosts" in data:
        from netsep_check.facts.mapping import load_hosts

        load_hosts(path)
        return "egress host table (checked)"
    return None


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.y*ml")
                  if "tests" not in p.relative_to(folder).parts)


def _unused(targets: list[Target], folders: list[Path]) -> tuple[str, ...]:
    """Files in the packs' folders that no pack uses: left over, or a rule file the pack forgot
    to list — either way not checked, and said so."""
    used = {p.resolve() for t in targets for p in (*t.pack.meta_paths, *t.pack.rule_paths)}
    return tuple(str(p) for folder in folders if folder.is_dir() for p in _yaml_files(folder)
                 if p.resolve() not in used)


def plan(target: Path | str, base_pack: str | None = None) -> Plan:
    """The packs to handle for ``target``, in order."""
    path = Path(target)
    if _is_pack(path):
        single = _pack_target(target, str(target))
        folder = path.parent if path.name == "pack.yaml" else path
        return Plan((single,), unused=_unused([single], [folder]) if path.exists() else ())
    if path.is_dir():
        pack_files = [p for p in _yaml_files(path) if p.name == "pack.yaml"]
        if pack_files:
            return _several(path, pack_files, base_pack)
    return Plan((_plain_target(rule_files_in(path), str(target), base_pack),))


def _several(folder: Path, pack_files: list[Path], base_pack: str | None) -> Plan:
    targets: list[Target] = []
    broken: list[tuple[str, tuple[Problem, ...]]] = []
    for pack_file in pack_files:  # one broken pack does not hide what is wrong with the next
        try:
            targets.append(_pack_target(pack_file.parent, str(pack_file.parent)))
        except InputError as exc:
            broken.append((str(pack_file.parent), tuple(exc.problems)))
    users: dict[Path, list[str]] = {}
    for target in targets:
        for used in (*target.pack.meta_paths, *target.pack.rule_paths):
            users.setdefault(used.resolve(), []).append(target.pack.id)
    inside = [p.parent.resolve() for p in pack_files]
    if broken:  # what a broken pack would use is unknown: leave its neighbours to it
        return Plan(tuple(targets), (), tuple(broken))
    shared: list[tuple[str, tuple[str, ...]]] = []
    loose: list[Path] = []
    unused = _unused(targets, [p.parent for p in pack_files])
    for path in _yaml_files(folder):
        resolved = path.resolve()
        if any(resolved.is_relative_to(pack) for pack in inside):
            continue  # a pack's own file: checked with a pack, or listed as unused
        if resolved in users:
            shared.append((str(path), tuple(dict.fromkeys(users[resolved]))))
        elif (kind := _tenant_data(path)) is not None:  # checked by its own schema and lint
            shared.append((str(path), (kind,)))
        else:
            loose.append(path)
    if loose:
        label = f"{folder} (files no pack uses)"
        try:
            targets.append(_plain_target(loose, label, base_pack))
        except InputError as exc:
            return Plan(tuple(targets), tuple(shared), ((label, tuple(exc.problems)),), unused)
    return Plan(tuple(targets), tuple(shared), (), unused)


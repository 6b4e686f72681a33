"""Sealed submissions: create a bundle, verify one, and open one for ``check``.

A bundle is a zip holding, in this order::

    manifest.json             format, tool version, creation time, pack, members' sha256
    report.json               the JSON report of the check sealed with it (lang en)
    submission/<profile>      the profile, under its own file name
    submission/<path>         every evidence file it cites, at the path the profile gives

The report is made by checking the *staged* copy (the profile and the evidence exactly as
they go into the zip, evidence root ``submission/``), so the auditor's re-check of the
extracted bundle sees the same files. Member order and zip timestamps are fixed; the
creation time comes from ``SOURCE_DATE_EPOCH`` when set, so the same inputs give a
byte-identical bundle.

The manifest is not signed: it makes the bundle tamper-evident against its own digest,
which ``bundle create`` prints and ``bundle verify --expect`` compares. Recorded outside the
bundle (a cover letter, a ticket), that digest seals it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import posixpath
import shutil
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from netsep_check import __version__
from netsep_check._record import record
from netsep_check.api import Checker
from netsep_check.bundle.archive import (
    DEFAULT_LIMITS,
    Member,
    ZipLimits,
    extract,
    is_zip,
    name_problem,
)
from netsep_check.bundle.archive import private_folder as private_folder
from netsep_check.clock import YEARS, reckonable
from netsep_check.errors import InputError
from netsep_check.evaluate.findings import Report
from netsep_check.load.source import sha256
from netsep_check.output import final_path
from netsep_check.vocabulary import VERDICTS

FORMAT_ID = "netsep-check-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
REPORT = "report.json"
ROOT = "submission"
_JSON_LIMIT = 16 * 1024 * 1024


def creation_time() -> dt.datetime:
    """``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now; UTC, whole seconds,
    not before 1980 (the earliest time a zip can hold)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        try:
            moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise InputError.one("SOURCE_DATE_EPOCH", f"{epoch!r} is not a Unix time in "
                                 "seconds") from None
    else:
        moment = dt.datetime.now(dt.UTC)
    return max(moment.replace(microsecond=0), dt.datetime(1980, 1, 1, tzinfo=dt.UTC))


def _member_path(text: str) -> str | None:
    """The zip member (under ``submission/``) an evidence path maps to, or None when the path
    is not one the evidence check would follow (absolute, '..')."""
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute() \
            or PureWindowsPath(text).drive:
        return None
    normal = posixpath.normpath(text.replace("\\", "/"))
    if normal in (".", "") or normal.startswith("../") or normal == "..":
        return None
    return f"{ROOT}/{normal}"


def _display(report: Report, shown: str) -> Report:
    """The report with the staged or extracted profile shown by its name in the bundle, not
    a temporary path (a copy: reports are frozen)."""
    return dataclasses.replace(report, profile_file=shown)


def _report_json(report: Report) -> str:
    from netsep_check.api import result_of
    from netsep_check.report import renderer

    return renderer("json")(result_of([report]), "en")


def _pack_record(report: Report, ref: str) -> dict[str, Any]:
    pack = report.pack
    return {"ref": ref, "id": pack.id, "version": pack.version, "regime": pack.regime,
            "digest": pack.digest, "extends": pack.extends}


def _stage(profile: Path, checker: Checker, stage: Path,
           sources: list[Path] | None = None) -> tuple[str, list[dict[str, Any]]]:
    """Copy the profile and the evidence files it cites (as the evidence check resolves
    them) into ``stage/submission``; the profile's member name and the evidence records.
    ``sources`` gets the path of every file copied."""
    _, data = checker.load(profile)
    root = Path(checker.evidence_root) if checker.evidence_root is not None else profile.parent
    from netsep_check.evaluate.evidence import verify_files

    records = [r.as_dict() for r in verify_files(data, root)]
    name = f"{ROOT}/{profile.name}"
    (stage / ROOT).mkdir(parents=True)
    shutil.copyfile(profile, stage / name)
    placed = {name}
    evidence = []
    root = root.resolve()
    for item in records:
        member = _member_path(item["path"])
        entry = {"id": item["id"], "path": item["path"], "member": None,
                 "status": item["status"]}
        if member is not None and item["file"] is not None and item["status"] in (
                "ok", "present", "sha256_mismatch"):
            if member == name:
                raise InputError.one(str(profile), f"evidence {item['id']} has the profile's "
                                     "own path; it cannot be bundled")
            if member not in placed:
                target = stage.joinpath(*PurePosixPath(member).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(root / item["file"], target)
                if sources is not None:
                    sources.append(root / item["file"])
                placed.add(member)
            entry["member"] = member
        evidence.append(entry)
    return name, evidence


def _digest_file(path: Path) -> tuple[str, int]:
    digest = sha256()
    size = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _zip_info(name: str, moment: dt.datetime, data: bytes = b"") -> zipfile.ZipInfo:
    """A member with fixed metadata; stored rather than deflated when deflate would squeeze
    it past the ratio ``bundle verify`` accepts (a log of zeros is evidence, not a bomb)."""
    import zlib

    info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
    squeezed = len(data) > (len(zlib.compress(data, 9)) + 64) * (DEFAULT_LIMITS.max_ratio // 2)
    info.compress_type = zipfile.ZIP_STORED if squeezed else zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = (0o100644 << 16)
    return info


@record
class Created:
    output: Path
    manifest_sha256: str
    bundle_sha256: str
    verdict: str
    members: int
    missing_evidence: tuple[str, ...]  # evidence ids cited with a path but not bundled
    pack: str = ""  # the pack that judged it: "id version"
    regime_mismatch: str = ""  # the profile's regime, where the pack is of another


def create_bundle(profile: Path, output: Path, checker: Checker) -> Created:
    """Check ``profile`` and seal it, its evidence and its report into ``output``."""
    if str(profile) == "-":
        raise InputError.one("-", "a bundle is made from a profile file, not standard input")
    moment = creation_time()
    with private_folder() as stage:
        sources: list[Path] = [profile]
        name, evidence = _stage(profile, checker, stage, sources)
        from netsep_check.output import output_clash

        clash = output_clash([Path(output)], sources)
        if clash is not None:  # the bundle would replace a file it seals
            raise InputError.one(str(output), f"--output is {clash[1]}, an input of this "
                                 "bundle; refusing to overwrite it",
                                 code="bundle.output_is_input", input=str(clash[1]))
        staged = stage / name
        report = Checker(checker.pack_ref, checker.policy_dirs, checker.as_of,
                         checker.max_bytes, evidence_root=None, verify_evidence=True,
                         _packs=checker._packs).check(staged)
        report = _display(report, name)
        from netsep_check.rules import pack_for_regime

        ref = checker.pack_ref or pack_for_regime(report.regime)
        (stage / REPORT).write_text(_report_json(report), encoding="utf-8")
        files = sorted(str(p.relative_to(stage).as_posix()) for p in stage.rglob("*")
                       if p.is_file())
        members = []
        total = 0
        for member in files:
            digest, size = _digest_file(stage / member)
            members.append({"name": member, "sha256": digest, "size": size})
            total += size
            if size > DEFAULT_LIMITS.max_member_bytes or total > DEFAULT_LIMITS.max_total_bytes:
                raise InputError.one(str(profile), f"{member} would make a bundle larger than "
                                     f"bundle verify accepts ({DEFAULT_LIMITS.max_member_bytes}"
                                     f" bytes a member, {DEFAULT_LIMITS.max_total_bytes} in all)")
        manifest = {
            "format": FORMAT_ID, "format_version": FORMAT_VERSION,
            "tool": {"name": "netsep-check", "version": __version__},
            "created": moment.isoformat().replace("+00:00", "Z"),
            "profile": name, "firm": report.firm, "regime": report.regime,
            "as_of": report.as_of.isoformat(), "as_of_overridden": report.as_of_overridden,
            "verdict": _manifest_verdict(report.verdict),
            "packs": [_pack_record(report, ref)],
            "evidence": evidence, "members": members,
        }
        manifest_text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        output = final_path(Path(output))  # the file a link names, not the link itself
        if output.exists() and not output.is_file():  # a device, a pipe: never replaced
            raise InputError.one(str(output), "cannot write bundle: not a regular file (a "
                                 "bundle is a zip archive written to a file)",
                                 code="bundle.output_not_file")
        partial = output.with_name(f".{output.name}.partial")
        try:
            with zipfile.ZipFile(partial, "w") as archive:
                archive.writestr(_zip_info(MANIFEST, moment), manifest_text.encode("utf-8"),
                                 compresslevel=9)
                for member in [REPORT] + [m for m in files if m != REPORT]:
                    data = (stage / member).read_bytes()
                    archive.writestr(_zip_info(member, moment, data), data, compresslevel=9)
            os.replace(partial, output)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise InputError.one(str(output), f"cannot write bundle: {exc.strerror or exc}",
                                 code="bundle.cannot_write", reason=str(exc.strerror or exc)
                                 ) from None
    bundle_digest, _ = _digest_file(output)
    missing = tuple(e["id"] for e in evidence if e["member"] is None)
    mismatch = next((str(n.params.get("regime")) for n in report.notes
                     if n.code == "regime_mismatch"), "")
    return Created(output, sha256(manifest_text.encode("utf-8")).hexdigest(), bundle_digest,
                   str(manifest["verdict"]), len(files) + 1, missing,
                   f"{report.pack.id} {report.pack.version}", mismatch)


# --- reading a bundle -----------------------------------------------------------------------

def _read_json(folder: Path, member: str, members: dict[str, Member], file: str) -> Any:
    if member not in members:
        raise InputError.one(file, f"not a netsep-check bundle: it has no {member}",
                             code="bundle.no_member", member=member)
    if members[member].size > _JSON_LIMIT:
        raise InputError.one(f"{file}:{member}", "too large")
    try:
        return json.loads((folder / member).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError.one(f"{file}:{member}", f"not valid JSON: {exc}") from None
    except RecursionError:  # brackets nested 100,000 deep: no manifest is
        raise InputError.one(f"{file}:{member}", "nesting too deep to read") from None
    except ValueError as exc:  # a number of more digits than int() reads
        raise InputError.one(f"{file}:{member}", f"not valid JSON: {exc}") from None


def _manifest(folder: Path, members: dict[str, Member], file: str) -> dict[str, Any]:
    manifest = _read_json(folder, MANIFEST, members, file)
    where = f"{file}:{MANIFEST}"
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_ID:
        raise InputError.one(where, f"not a netsep-check bundle manifest (format is not "
                             f"{FORMAT_ID!r})")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise InputError.one(where, f"format_version {manifest.get('format_version')!r} is not "
                             f"{FORMAT_VERSION}, the version this netsep-check reads")
    listed = manifest.get("members")
    profile = manifest.get("profile")
    if not isinstance(listed, list) or not all(
            isinstance(m, dict) and isinstance(m.get("name"), str)
            and isinstance(m.get("sha256"), str) for m in listed) \
            or not isinstance(profile, str) or not profile.startswith(ROOT + "/"):
        raise InputError.one(where, "members (name, sha256) or profile missing or malformed")
    if profile not in {m["name"] for m in listed} or name_problem(profile, DEFAULT_LIMITS):
        raise InputError.one(where, f"profile {profile!r} is not one of the listed members")
    tool, packs = manifest.get("tool"), manifest.get("packs")
    if tool is not None and not isinstance(tool, dict):
        raise InputError.one(where, f"tool is {type(tool).__name__}, not a mapping "
                             "(name, version)", path="tool")
    if packs is not None and not (isinstance(packs, list) and packs
                                  and all(isinstance(p, dict) for p in packs)):
        raise InputError.one(where, "packs is not a list of packs (id, version, digest)",
                             path="packs")
    return manifest


@record(frozen=False)
class Verified:
    """What ``bundle verify`` found. Any added, missing or altered member, or any verdict
    that differs, makes the bundle not intact (exit 1)."""

    file: str
    manifest_sha256: str
    manifest: dict[str, Any]
    added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    verdicts: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    sealed_verdict: str | None = None
    rechecked_verdict: str | None = None
    recheck_problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    expected_mismatch: str | None = None  # --expect given and not the manifest's digest
    # the pack that re-checked the profile (id, version, digest), and the notes of the
    # re-check's report (regime_mismatch: a pack of another regime judged it), as data
    rechecked_pack: tuple[str, str, str] | None = None
    report_notes: list[Any] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not (self.added or self.missing or self.altered or self.verdicts
                    or self.recheck_problems or self.expected_mismatch
                    or self.sealed_verdict != self.rechecked_verdict)


def _manifest_verdict(verdict: str | None) -> str | None:
    """A report's verdict as the manifest says it: pass, or fail (a rule that could not be
    judged counts against the submission as a failure does)."""
    return "fail" if verdict == "undetermined" else verdict


def _statuses(document: Any) -> dict[str, str]:
    findings = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(findings, list):
        return {}
    return {str(f.get("rule_id")): str(f.get("status")) for f in findings if isinstance(f, dict)}


def verify_bundle(path: Path, pack_ref: str | None = None, policy_dirs: Sequence[Path] = (),
                  expect: str | None = None, limits: ZipLimits = DEFAULT_LIMITS) -> Verified:
    """Re-hash every member and re-check the sealed profile with this netsep-check."""
    file = str(path)
    with private_folder() as folder:
        members = extract(path, folder, limits, display=file)
        manifest = _manifest(folder, members, file)
        result = Verified(file, members[MANIFEST].sha256, manifest)
        if expect is not None and expect.lower() != result.manifest_sha256:
            result.expected_mismatch = expect
        listed = {m["name"]: m["sha256"] for m in manifest["members"]}
        present = {name: m.sha256 for name, m in members.items() if name != MANIFEST}
        result.added = sorted(set(present) - set(listed))
        result.missing = sorted(set(listed) - set(present))
        result.altered = sorted(n for n in set(listed) & set(present) if listed[n] != present[n])
        sealed = _read_json(folder, REPORT, members, file) if REPORT in members else None
        summary = sealed.get("summary") if isinstance(sealed, dict) else None
        # a summary that is not a mapping has no verdict: the sealed verdict is then none,
        # which no re-check equals (not intact)
        verdict = summary.get("verdict") if isinstance(summary, dict) else None
        # a verdict that is none of the tool's (a list, a number, any other text) is none too
        result.sealed_verdict = verdict if verdict in VERDICTS else None
        if isinstance(sealed, dict) and sealed.get("as_of") != manifest.get("as_of"):
            result.recheck_problems.append(f"the manifest's as_of {manifest.get('as_of')} is "
                                           f"not the sealed report's {sealed.get('as_of')}")
        _recheck(result, folder, members, manifest, sealed, pack_ref, policy_dirs)
    return result


def _recheck(result: Verified, folder: Path, members: dict[str, Member],
             manifest: dict[str, Any], sealed: Any, pack_ref: str | None,
             policy_dirs: Sequence[Path]) -> None:
    profile = manifest["profile"]
    if profile not in members:
        result.recheck_problems.append(f"the profile {profile} is not in the bundle")
        return
    packs = manifest.get("packs") or [{}]
    sealed_pack = packs[0] if isinstance(packs[0], dict) else {}
    ref = pack_ref or sealed_pack.get("id")
    from netsep_check.rules import builtin_pack_ids

    if pack_ref is None and ref not in builtin_pack_ids():
        raise InputError.one(result.file, f"the bundle was sealed with pack {ref!r}, which is "
                             "not built in; give it with --pack DIR", code="bundle.custom_pack",
                             pack=str(ref))
    as_of = None
    try:
        as_of = dt.date.fromisoformat(str(manifest.get("as_of")))
    except ValueError:
        result.notes.append("manifest as_of is not a date; judged on the profile's as_of")
    if as_of is not None and not reckonable(as_of):  # as --as-of: rules cannot reckon it
        result.recheck_problems.append(f"the manifest's as_of {as_of} is outside {YEARS}")
        return
    checker = Checker(ref, tuple(policy_dirs), as_of, evidence_root=None, verify_evidence=True)
    try:
        report = checker.check(folder.joinpath(*PurePosixPath(profile).parts))
    except InputError as exc:
        root = str(folder)
        result.recheck_problems += [str(p).replace(root, "") for p in exc.problems]
        return
    result.rechecked_verdict = report.verdict  # as the sealed report's summary says it
    # the manifest says what the sealed profile and report say: its firm, regime and verdict
    if manifest.get("firm") != report.firm:
        result.recheck_problems.append(f"the manifest's firm {manifest.get('firm')!r} is not "
                                       f"the profile's {report.firm!r}")
    if manifest.get("regime") != report.regime:
        result.recheck_problems.append(f"the manifest's regime {manifest.get('regime')!r} is "
                                       f"not the profile's {report.regime!r}")
    if manifest.get("verdict") != _manifest_verdict(result.sealed_verdict):
        result.recheck_problems.append(f"the manifest's verdict {manifest.get('verdict')!r} is "
                                       f"not the sealed report's {result.sealed_verdict!r}")
    result.rechecked_pack = (report.pack.id, report.pack.version, report.pack.digest)
    result.report_notes = [n for n in report.notes if n.code == "regime_mismatch"]
    if sealed_pack.get("digest") and sealed_pack.get("digest") != report.pack.digest:
        result.notes.append(f"pack {report.pack.id}: sealed {sealed_pack.get('version')} "
                            f"(digest {str(sealed_pack.get('digest'))[:12]}…), re-checked with "
                            f"{report.pack.version} (digest {report.pack.digest[:12]}…)")
    before = _statuses(sealed)
    after = {f.rule.id: f.status for f in report.findings}
    for rule in sorted(set(before) | set(after)):
        if before.get(rule) != after.get(rule):
            result.verdicts.append((rule, before.get(rule), after.get(rule)))


@contextmanager
def opened_bundles(arguments: Sequence[Path], limits: ZipLimits = DEFAULT_LIMITS
                   ) -> Iterator[tuple[list[Path], dict[str, str], list[str]]]:
    """For ``check``: each bundle among ``arguments`` extracted into its own private folder
    (removed on exit) and replaced by its profile. Yields the paths, a map from extracted
    profile path to the name shown (``bundle.zip:submission/p.yaml``) and notes (members
    that differ from the manifest: ``bundle verify`` tells more)."""
    paths: list[Path] = []
    shown: dict[str, str] = {}
    notes: list[str] = []
    with ExitStack() as stack:
        for argument in arguments:
            if not is_bundle(argument):
                paths.append(argument)
                continue
            folder = stack.enter_context(private_folder())
            members = extract(argument, folder, limits, display=str(argument))
            manifest = _manifest(folder, members, str(argument))
            listed = {m["name"]: m["sha256"] for m in manifest["members"]}
            differ = sorted(n for n in set(listed) | set(members) - {MANIFEST}
                            if listed.get(n) != (members[n].sha256 if n in members else None))
            if differ:
                notes.append(f"{argument}: {len(differ)} member(s) differ from its manifest "
                             f"({', '.join(differ[:5])}); run: netsep-check bundle verify "
                             f"{argument}")
            if manifest["profile"] not in members:
                raise InputError.one(str(argument), f"the bundle's profile "
                                     f"{manifest['profile']} is missing from it",
                                     code="bundle.profile_missing",
                                     profile=str(manifest["profile"]))
            profile = folder.joinpath(*PurePosixPath(manifest["profile"]).parts)
            paths.append(profile)
            shown[str(profile)] = f"{argument}:{manifest['profile']}"
        yield paths, shown, notes


def is_bundle(path: Path) -> bool:
    return Path(path).suffix.lower() == ".zip" or (Path(path).is_file() and is_zip(path))

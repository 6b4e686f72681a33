"""Evidence files: conditions over how the files a profile cites came out of verification.

Verification (reading the files, hashing them, refusing paths that leave the evidence root)
happens before evaluation, in :mod:`netsep_check.evaluate.evidence`; these operators only read
its records from the context (``ctx.evidence``: ``None`` when verification was switched off),
so the evidence rules are YAML rules like any other, listed, explained and tested.
"""

from __future__ import annotations

from typing import Any

from netsep_check.rules.operators.base import Compiled, Ctx, Env, Failure, RuleSyntaxError
from netsep_check.rules.operators.registry import Operator, SubCompile
from netsep_check.vocabulary import EVIDENCE_FAILED, EVIDENCE_UNREADABLE

_ASPECTS = {
    "present": ("every evidence file cited with a path lies inside the evidence root",
                "경로를 기재한 증빙 파일이 모두 증빙 기준 폴더 안에 있음"),
    "sha256": ("every evidence file with a stated sha256 matches it",
               "sha256을 기재한 증빙 파일이 모두 그 값과 일치함"),
    "backed": ("every control claimed implemented cites at least one evidence item that did "
               "not fail verification",
               "이행으로 기재한 통제마다 검증에 실패하지 않은 증빙을 하나 이상 제시함"),
}
_VERIFIED = {
    "paths": ("evidence files were verified and at least one is cited with a path",
              "증빙 파일을 검증했으며 경로를 기재한 증빙이 하나 이상 있음"),
    "hashes": ("evidence files were verified and at least one states a sha256",
               "증빙 파일을 검증했으며 sha256을 기재한 증빙이 하나 이상 있음"),
}


def _controls(root: Any) -> list[tuple[tuple[str | int, ...], dict[str, Any]]]:
    found: list[tuple[tuple[str | int, ...], dict[str, Any]]] = []
    measures = root.get("security_measures") if isinstance(root, dict) else None
    for area, controls in (measures or {}).items():
        if isinstance(controls, dict):
            found += [(("security_measures", area, key), control)
                      for key, control in controls.items() if isinstance(control, dict)]
    governance = root.get("governance") if isinstance(root, dict) else None
    found += [(("governance", key), control) for key, control in (governance or {}).items()
              if isinstance(control, dict)]
    return found


def _present(ctx: Ctx) -> list[Failure]:
    return [Failure(("evidence", r.index, "path"), "evidence_" + r.status, r.path,
                    "evidence_root") for r in ctx.evidence or () if r.status in EVIDENCE_UNREADABLE]


def _sha256(ctx: Ctx) -> list[Failure]:
    return [Failure(("evidence", r.index, "sha256"), "evidence_sha256_mismatch", r.sha256,
                    r.expected_sha256) for r in ctx.evidence or ()
            if r.status == "sha256_mismatch"]


def _backed(ctx: Ctx) -> list[Failure]:
    records = ctx.evidence or ()
    failed = {r.id: r.status for r in records if r.status in EVIDENCE_FAILED}
    verified = {r.id for r in records if r.status not in EVIDENCE_FAILED}
    failures = []
    for path, control in _controls(ctx.root):
        cited = [c for c in control.get("evidence") or [] if isinstance(c, str)]
        if control.get("status") != "implemented" or not cited:
            continue
        if all(c in failed for c in cited) and not any(c in verified for c in cited):
            failures.append(Failure((*path, "evidence"), "evidence_unbacked",
                                    {c: failed[c] for c in cited}, "verified evidence"))
    return failures


_CHECKS = {"present": _present, "sha256": _sha256, "backed": _backed}


def _evidence_files(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    if spec not in _CHECKS:
        raise RuleSyntaxError(f"evidence_files takes one of {', '.join(_CHECKS)}, not {spec!r}",
                              env.where)
    check = _CHECKS[spec]

    def test(ctx: Ctx) -> list[Failure] | None:
        return check(ctx) or None

    en, ko = _ASPECTS[spec]
    reads = ("evidence[].path", "evidence[].sha256") if spec != "backed" else (
        "security_measures", "governance", "evidence[].path")
    return Compiled(test, reads, {"en": en, "ko": ko})


def _evidence_verified(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    if spec not in _VERIFIED:
        raise RuleSyntaxError(f"evidence_verified takes one of {', '.join(_VERIFIED)}, "
                              f"not {spec!r}", env.where)

    def test(ctx: Ctx) -> list[Failure] | None:
        records = ctx.evidence
        if records is None:
            return [Failure(None, "evidence_not_verified")]
        relevant = records if spec == "paths" else [
            r for r in records if r.expected_sha256 is not None
            and r.status not in EVIDENCE_UNREADABLE]
        return None if relevant else [Failure(None, "evidence_none_" + spec)]

    en, ko = _VERIFIED[spec]
    return Compiled(test, ("evidence[].path",), {"en": en, "ko": ko})


OPERATORS = {
    "evidence_files": Operator(
        "evidence_files", "evidence", _evidence_files,
        "how the cited evidence files came out of verification (present, sha256, backed)",
        "present", {"enum": list(_CHECKS)}),
    "evidence_verified": Operator(
        "evidence_verified", "evidence", _evidence_verified,
        "evidence files were verified in this run (paths: any cited with a path; hashes: any "
        "with a sha256 that could be read)", "paths", {"enum": list(_VERIFIED)}),
}

"""Words for ``bundle verify``: what was found, in Korean or English, as text or JSON.

Takes the result object of :func:`netsep_check.bundle.seal.verify_bundle` (duck-typed: this
layer does not import the bundle layer above it).
"""

from __future__ import annotations

import json
from typing import Any

from netsep_check import __version__
from netsep_check.report._safe import visible

_W: dict[str, tuple[str, str]] = {
    "intact": ("INTACT: every member matches the manifest and the re-check gives the sealed "
               "verdicts", "무결: 모든 구성 파일이 매니페스트와 일치하고 재점검 결과가 봉인된 판정과 같음"),
    "broken": ("NOT INTACT", "무결성 훼손"),
    "bundle": ("bundle", "제출 묶음"), "manifest": ("manifest sha256", "매니페스트 SHA-256"),
    "sealed": ("sealed by netsep-check {version} on {created}; firm {firm}; as of {as_of}",
               "netsep-check {version}(으)로 {created}에 봉인; 회사 {firm}; 기준일 {as_of}"),
    "added": ("member added (not in the manifest)", "추가된 파일 (매니페스트에 없음)"),
    "missing": ("member missing", "누락된 파일"),
    "altered": ("member altered (sha256 differs)", "변경된 파일 (SHA-256 불일치)"),
    "verdict": ("verdict differs", "판정 불일치"),
    "overall": ("overall verdict: sealed {sealed}, re-checked {now}",
                "종합 판정: 봉인 {sealed}, 재점검 {now}"),
    "recheck": ("re-check failed", "재점검 불가"),
    "expect": ("manifest digest is not the expected {expected}",
               "매니페스트 해시값이 기대값 {expected}과(와) 다름"),
    "sealed_as": ("sealed", "봉인"), "now_as": ("re-checked", "재점검"),
    "absent": ("(absent)", "(없음)"), "note": ("note", "참고"),
    "verdicts": ("sealed verdict: {sealed}; re-checked: {now}",
                 "봉인된 판정: {sealed}; 재점검 판정: {now}"),
    "pack": ("re-checked with pack {id} {version} (digest {digest})",
             "재점검에 쓴 정책 팩: {id} {version} (해시값 {digest})"),
}


def _w(key: str, lang: str, **fields: Any) -> str:
    """The words of ``key``, each field from the bundle shown inert and on one line (a
    manifest is the submitter's text: an escape in it must not drive the terminal, a line feed
    must not forge a line such as INTACT, and a long one is cut)."""
    en, ko = _W[key]
    return (ko if lang == "ko" else en).format(**{k: _shown(v) for k, v in fields.items()})


_LONGEST = 200  # characters of one field shown


def _shown(value: Any) -> str:
    text = visible(value).replace("\n", "\\n").replace("\t", "\\t")
    return text if len(text) <= _LONGEST else text[:_LONGEST] + f"… (+{len(text) - _LONGEST:,})"


def verified_dict(result: Any) -> dict[str, Any]:
    manifest = result.manifest
    return {
        "format": "netsep-check-bundle-verify", "format_version": 1,
        "tool": {"name": "netsep-check", "version": __version__},
        "bundle": result.file, "intact": result.intact,
        "manifest_sha256": result.manifest_sha256,
        "sealed": {"tool_version": (manifest.get("tool") or {}).get("version"),
                   "created": manifest.get("created"), "firm": manifest.get("firm"),
                   "as_of": manifest.get("as_of"), "packs": manifest.get("packs")},
        "added": result.added, "missing": result.missing, "altered": result.altered,
        "verdicts": [{"rule_id": rule, "sealed": before, "rechecked": after}
                     for rule, before, after in result.verdicts],
        "sealed_verdict": result.sealed_verdict, "rechecked_verdict": result.rechecked_verdict,
        "recheck_problems": result.recheck_problems, "notes": result.notes,
        "expected_mismatch": result.expected_mismatch,
        "rechecked_pack": None if result.rechecked_pack is None else dict(
            zip(("id", "version", "digest"), result.rechecked_pack, strict=True)),
        "report_notes": [{"code": n.code, **n.params} for n in result.report_notes],
    }


def _verdict(verdict: str | None, lang: str) -> str:
    words = {"pass": ("pass (compliant)", "통과 (적합)"),
             "fail": ("FAIL (not compliant)", "위반 (부적합)"),
             "undetermined": ("UNDETERMINED (a rule could not be judged)",
                              "판정 불가 (판정할 수 없는 규칙이 있음)")}.get(verdict or "")
    return _w("absent", lang) if words is None else (words[1] if lang == "ko" else words[0])


def render_verified(result: Any, fmt: str, lang: str) -> str:
    if fmt == "json":
        return json.dumps(verified_dict(result), ensure_ascii=False, indent=2) + "\n"
    manifest = result.manifest
    lines = [f"{_w('bundle', lang)}: {_shown(result.file)}",
             f"{_w('manifest', lang)}: {result.manifest_sha256}",
             _w("sealed", lang, version=(manifest.get("tool") or {}).get("version"),
                created=manifest.get("created"), firm=manifest.get("firm"),
                as_of=manifest.get("as_of"))]
    if result.expected_mismatch:
        lines.append(f"  ✗ {_w('expect', lang, expected=result.expected_mismatch)}")
    for key in ("added", "missing", "altered"):
        lines += [f"  ✗ {_w(key, lang)}: {_shown(name)}" for name in getattr(result, key)]
    absent = _w("absent", lang)
    for rule, before, after in result.verdicts:
        lines.append(f"  ✗ {_w('verdict', lang)}: {_shown(rule)} — {_w('sealed_as', lang)} "
                     f"{_shown(before or absent)}, {_w('now_as', lang)} "
                     f"{_shown(after or absent)}")
    lines += [f"  ✗ {_w('recheck', lang)}: {_shown(problem)}"
              for problem in result.recheck_problems]
    if result.sealed_verdict != result.rechecked_verdict:
        lines.append(f"  ✗ {_w('overall', lang, sealed=result.sealed_verdict or absent, now=result.rechecked_verdict or absent)}")  # noqa: E501
    lines.append(_w("verdicts", lang, sealed=_verdict(result.sealed_verdict, lang),
                    now=_verdict(result.rechecked_verdict, lang)))  # intact or not: a failing
    # submission says so in the text, as its JSON does
    if result.rechecked_pack is not None:
        pack_id, version, digest = result.rechecked_pack
        lines.append(_w("pack", lang, id=pack_id, version=version, digest=digest[:12] + "…"))
    from netsep_check.i18n import NOTES

    lines += [f"  {_w('note', lang)}: {visible(NOTES[n.code](lang).format(**n.params))}"
              for n in result.report_notes]  # a pack of another regime judged it: said
    lines += [f"  {_w('note', lang)}: {_shown(note)}" for note in result.notes]
    lines.append(_w("intact", lang) if result.intact else _w("broken", lang))
    return "\n".join(lines) + "\n"

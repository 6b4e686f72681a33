"""What the OSCAL assessment-results and POA&M documents share: identifiers, times, parties,
back-matter (profile, pack, legal sources, evidence files with their SHA-256) and words.

Deterministic by construction, so the same inputs give byte-identical documents:

* every UUID is a version-5 UUID over the pack (id, version, digest), the firm, the profile's
  SHA-256 and what the object is (``finding``, the rule id, ...); the document's own UUID is
  derived from a digest of its content, so it changes whenever the content does;
* every timestamp derives from the report's ``as_of`` date (00:00 in Korea, ``+09:00``),
  never from the clock.

No URL: resources point at files by the relative path given, and our property namespace is
the URN ``urn:netsep-check`` (nothing a consumer could fetch).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import uuid
from collections.abc import Sequence
from typing import Any

from netsep_check import __version__
from netsep_check.evaluate.findings import Finding, Report
from netsep_check.report._common import source, text
from netsep_check.report._profile import ProfileNotes, profile_notes

OSCAL_VERSION = "1.2.1"
NS = "urn:netsep-check"
_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, "urn:netsep-check:oscal")
KST = dt.timezone(dt.timedelta(hours=9))

WORDS: dict[str, tuple[str, str]] = {
    "ar_title": ("Network-separation exception: assessment results — {firms}",
                 "망분리 예외 준수 평가 결과 — {firms}"),
    "poam_title": ("Network-separation exception: plan of action and milestones — {firms}",
                   "망분리 예외 조치 계획(POA&M) — {firms}"),
    "result_title": ("{firm}: {pack} {version} as of {as_of}",
                     "{firm}: {pack} {version} 기준일 {as_of}"),
    "result_desc": ("Every rule of pack {pack} {version} (digest {digest}) judged on the profile "
                    "{profile} (SHA-256 {sha}) by netsep-check {tool}.",
                    "netsep-check {tool}이(가) 프로파일 {profile}(SHA-256 {sha})을(를) 정책 팩 "
                    "{pack} {version}(해시값 {digest})의 모든 규칙으로 판정한 결과입니다."),
    "tool": ("netsep-check {version}", "netsep-check {version}"),
    "profile_res": ("SaaS usage profile {file}", "SaaS 이용 프로파일 {file}"),
    "pack_res": ("Policy pack {pack} {version}: {title}", "정책 팩 {pack} {version}: {title}"),
    "pack_desc": ("The assessment plan: the rules of this pack, digest {digest}.",
                  "평가 계획: 이 정책 팩의 규칙 (해시값 {digest})."),
    "evidence_res": ("Evidence {id}: {title}", "증빙 {id}: {title}"),
    "evidence_unverified": ("cited without a file path; not verified by netsep-check",
                            "파일 경로 없이 기재됨; netsep-check가 검증하지 않음"),
    "evidence_status": ("verification: {status}", "검증 결과: {status}"),
    "obs_desc": ("Rule {rule}: {status}. {message}", "규칙 {rule}: {status}. {message}"),
    "obs_evidence": ("Profile {file}, line {line}", "프로파일 {file} {line}행"),
    "obs_evidence_noline": ("Profile {file}", "프로파일 {file}"),
    "not_applicable": ("Not applicable to this profile: {rules}",
                       "이 프로파일에 해당 없음: {rules}"),
    "risk_statement": ("Condition not met: {title}. Source strength: {strength}.",
                       "조건 미충족: {title}. 근거 수준: {strength}."),
    "error_statement": ("The rule could not be judged, so compliance is not shown: {title}.",
                        "판정할 수 없어 준수가 확인되지 않음: {title}."),
    "waiver_remark": ("Waived by {approved_by} on {approved_on} until {expires_on} "
                      "(ticket {ticket}): {justification}",
                      "{approved_by}이(가) {approved_on}에 {expires_on}까지 예외 승인 "
                      "(관리번호 {ticket}): {justification}"),
    "remediation": ("Remediation", "조치 방안"),
    "waiver_expiry": ("Waiver expires: the finding counts again after this date",
                      "예외 승인 만료: 이 날짜 이후 다시 위반으로 집계"),
    "due": ("Remediation due", "조치 기한"),
    "owner": ("owner: {owner}", "담당: {owner}"),
    "no_date": ("No due date recorded: add x_due to the control in the profile.",
                "조치 기한 미기재: 프로파일의 해당 통제에 x_due를 적으십시오"),
    "firm_party": ("Assessed organisation", "평가 대상 기관"),
}


def say(key: str, lang: str, **fields: Any) -> str:
    en, ko = WORDS[key]
    return (ko if lang == "ko" else en).format(**fields)


def line(value: object) -> str:
    """A single-line OSCAL string: no line breaks, no leading or trailing space."""
    if type(value) is str:  # the firm's name goes into every observation: made once
        return _line(value)
    return " ".join(str(value).split()) or "-"


@functools.lru_cache(maxsize=1024)
def _line(value: str) -> str:
    return " ".join(value.split()) or "-"


def ident(*parts: object) -> str:
    """A deterministic version-5 UUID over ``parts``."""
    if all(type(p) is str for p in parts):  # a key holds the firm's name: hashed once
        return _ident(parts)
    return str(uuid.uuid5(_ROOT, "\x1f".join(str(p) for p in parts)))


@functools.lru_cache(maxsize=4096)
def _ident(parts: tuple[str, ...]) -> str:
    return str(uuid.uuid5(_ROOT, "\x1f".join(parts)))


def key_of(report: Report) -> tuple[str, ...]:
    """What identifies one assessment: pack, firm and the profile's digest."""
    pack = report.pack
    return (pack.id, pack.version, pack.digest, report.firm, report.profile_sha256)


def uid(report: Report, *what: object) -> str:
    if not what:
        return ident(*key_of(report))
    # ident(*key_of(report), *what), the key hashed once: it holds the firm's name, which a
    # hostile profile makes megabytes long, and every observation and finding asks
    digest = _keyed(key_of(report)).copy()
    digest.update("\x1f".join(str(w) for w in what).encode("utf-8"))
    return str(uuid.UUID(bytes=digest.digest()[:16], version=5))


@functools.lru_cache(maxsize=64)
def _keyed(key: tuple[str, ...]) -> Any:
    """SHA-1 (uuid5's hash) fed the namespace and ``key`` joined, with the separator after."""
    return hashlib.sha1(_ROOT.bytes + ("\x1f".join(str(k) for k in key) + "\x1f").encode(
        "utf-8"), usedforsecurity=False)


def stamp(day: dt.date) -> str:
    """A date as an OSCAL date-time: the start of that day in Korea."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=KST).isoformat()


def end_of(day: dt.date) -> str:
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=KST).isoformat()


def prop(name: str, value: object, *, cls: str | None = None) -> dict[str, str]:
    out = {"name": name, "ns": NS, "value": line(value)}
    if cls:
        out["class"] = cls
    return out


def status_words(status: str, lang: str) -> str:
    from netsep_check.i18n import ui

    return ui(status, lang)


def tool_uuid() -> str:
    return ident("tool", "netsep-check")


def firm_uuid(firm: str) -> str:
    return ident("party", firm)


def metadata(reports: Sequence[Report], lang: str, title_key: str,
             run: Any = None) -> dict[str, Any]:
    """The document's metadata; with the run (a :class:`RunResult`), its verdict and counts
    as properties and every input not judged (each problem) and file skipped as remarks."""
    firms = list(dict.fromkeys(r.firm for r in reports))
    latest = max(r.as_of for r in reports)
    extra: dict[str, Any] = {}
    run_props: list[dict[str, str]] = []
    if run is not None:  # inputs not judged: the document says so (every format does)
        from netsep_check.report._oscal_inputs import run_props as props_of
        from netsep_check.report._oscal_inputs import run_remarks

        run_props = props_of(run)
        remarks = run_remarks(run, lang)
        if remarks:
            extra["remarks"] = remarks
    return {**extra,
        "title": line(say(title_key, lang, firms=", ".join(firms))),
        "published": stamp(latest),
        "last-modified": stamp(latest),
        "version": line(latest.isoformat()),
        "oscal-version": OSCAL_VERSION,
        "props": [prop("tool-version", __version__), prop("language", lang), *run_props],
        "roles": [{"id": "assessor", "title": "Assessor"},
                  {"id": "assessed-organization", "title": "Assessed organization"}],
        "parties": [{"uuid": firm_uuid(f), "type": "organization", "name": line(f)}
                    for f in firms],
        "responsible-parties": [{"role-id": "assessed-organization",
                                 "party-uuids": [firm_uuid(f) for f in firms]}],
    }


def tool_component(lang: str) -> dict[str, Any]:
    return {"uuid": tool_uuid(), "type": "software",
            "title": line(say("tool", lang, version=__version__)),
            "description": say("tool", lang, version=__version__),
            "status": {"state": "operational"}}


def tool_origin() -> list[dict[str, Any]]:
    return [{"actors": [{"type": "tool", "actor-uuid": tool_uuid()}]}]


def with_document_uuid(root: str, body: dict[str, Any], *salt: str) -> dict[str, Any]:
    """The document with a UUID derived from its content (and ``salt``), first in order."""
    digest = hashlib.sha256()
    pending: list[str] = []  # the canonical text hashed as it is made, in pieces of ~1 MB:
    size = 0  # never the whole text and its bytes at once (a batch POA&M of 485 MB)
    for piece in json.JSONEncoder(sort_keys=True, ensure_ascii=False).iterencode(body):
        pending.append(piece)
        size += len(piece)
        if size >= 1 << 20:
            digest.update("".join(pending).encode("utf-8"))
            pending, size = [], 0
    digest.update("".join(pending).encode("utf-8"))
    return {root: {"uuid": ident("document", root, *salt, digest.hexdigest()), **body}}


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


class Resources:
    """The back-matter, built once per document; each resource is added once."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.items: dict[str, dict[str, Any]] = {}
        self.notes: dict[str, ProfileNotes] = {}

    def add(self, resource: dict[str, Any]) -> str:
        self.items.setdefault(resource["uuid"], resource)
        return resource["uuid"]

    _add = add

    def notes_of(self, report: Report) -> ProfileNotes:
        key = f"{report.profile_file}\x1f{report.profile_sha256}"
        if key not in self.notes:
            self.notes[key] = profile_notes(report)
        return self.notes[key]

    def profile(self, report: Report) -> str:
        return self._add({
            "uuid": ident("profile", report.profile_sha256, report.profile_file),
            "title": line(say("profile_res", self.lang, file=report.profile_file)),
            "props": [prop("kind", "profile"), prop("firm", report.firm)],
            "rlinks": [{"href": href(report.profile_file), "media-type": media(
                report.profile_file), "hashes": [{"algorithm": "SHA-256",
                                                   "value": report.profile_sha256}]}]})

    def pack(self, report: Report) -> str:
        pack = report.pack
        return self._add({
            "uuid": ident("pack", pack.id, pack.version, pack.digest),
            "title": line(say("pack_res", self.lang, pack=pack.id, version=pack.version,
                              title=text(pack.title, self.lang))),
            "description": say("pack_desc", self.lang, digest=pack.digest),
            "props": [prop("kind", "policy-pack"), prop("pack-id", pack.id),
                      prop("pack-version", pack.version), prop("pack-digest", pack.digest)]})

    def basis(self, report: Report, finding: Finding) -> str | None:
        source_id = finding.rule.basis.get("source")
        if not source_id:
            return None
        origin = source(report.pack, source_id)
        props = [prop("kind", "legal-basis"), prop("source-id", source_id)]
        for key in ("issuer", "date", "strength"):
            if origin.get(key):
                props.append(prop(key, origin[key]))
        return self._add({"uuid": ident("source", report.pack.id, source_id),
                          "title": line(origin.get("title") or source_id),
                          "props": props,
                          "citation": {"text": line(origin.get("title") or source_id)}})

    def evidence(self, report: Report) -> dict[str, str]:
        """Every evidence entry of the report: checked files with their SHA-256, and (when the
        profile could be read again) those cited without a file. id → resource UUID."""
        out: dict[str, str] = {}
        for record in (r.as_dict() for r in report.evidence_checked):
            title = ""
            notes = self.notes_of(report)
            if record.get("id") in notes.evidence:
                title = notes.evidence[record["id"]].title
            rlink: dict[str, Any] = {"href": href(record.get("file") or record.get("path") or ""),
                                     "media-type": media(record.get("path") or "")}
            digest = record.get("sha256") or record.get("expected_sha256")
            if digest:
                rlink["hashes"] = [{"algorithm": "SHA-256", "value": digest}]
            out[record["id"]] = self._add({
                "uuid": uid(report, "evidence", record["id"], record.get("path")),
                "title": line(say("evidence_res", self.lang, id=record["id"],
                                  title=title or record.get("path") or "")),
                "props": [prop("kind", "evidence"), prop("evidence-id", record["id"]),
                          prop("verification", record.get("status") or "unknown")],
                "rlinks": [rlink],
                **({"remarks": say("evidence_status", self.lang, status=" — ".join(
                    str(x) for x in (record.get("status"), record.get("reason")) if x))}
                   if record.get("status") else {})})
        for item in self.notes_of(report).evidence.values():
            if item.id in out:
                continue
            resource: dict[str, Any] = {
                "uuid": uid(report, "evidence", item.id, item.path),
                "title": line(say("evidence_res", self.lang, id=item.id,
                                  title=item.title or item.id)),
                "props": [prop("kind", "evidence"), prop("evidence-id", item.id),
                          prop("verification", "not-verified")],
                "remarks": say("evidence_unverified", self.lang)}
            if item.path:
                resource["rlinks"] = [{"href": href(item.path), "media-type": media(item.path)}]
                if item.sha256:
                    resource["rlinks"][0]["hashes"] = [{"algorithm": "SHA-256",
                                                        "value": item.sha256}]
            out[item.id] = self._add(resource)
        return out

    def back_matter(self) -> dict[str, Any]:
        return {"resources": list(self.items.values())}


def href(path: str) -> str:
    """A file path as a URI reference (the path as given; ``file:`` only when absolute)."""
    from netsep_check.report.sarif import artifact_uri

    return artifact_uri(path) if path else "-"


def media(path: str) -> str:
    lower = path.lower()
    for suffix, kind in ((".yaml", "application/yaml"), (".yml", "application/yaml"),
                         (".json", "application/json"), (".pdf", "application/pdf"),
                         (".txt", "text/plain"), (".png", "image/png"),
                         (".jpg", "image/jpeg"), (".jpeg", "image/jpeg"),
                         (".csv", "text/csv"), (".html", "text/html")):
        if lower.endswith(suffix):
            return kind
    return "application/octet-stream"


def waiver_remark(finding: Finding, lang: str) -> str:
    waiver = finding.waiver.as_dict() if finding.waiver else {}
    return say("waiver_remark", lang, **{k: line(waiver.get(k) or "-") for k in (
        "approved_by", "approved_on", "expires_on", "ticket", "justification")})


def waiver_expiry(finding: Finding) -> dt.date | None:
    value = (finding.waiver.as_dict() if finding.waiver else {}).get("expires_on")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None

"""Findings, notes and waivers in words: the one place evaluation data becomes sentences."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netsep_check.evaluate.findings import Finding, Note, Report
from netsep_check.i18n import NOTES, failure_message, ui
from netsep_check.rules.operators.base import Failure


def finding_message(finding: Finding, lang: str) -> str:
    """What failed and why, in ``lang``: one sentence per distinct failure leaf, and why a
    waiver that covers a failure does not apply."""
    return "; ".join([*(sentence for _, sentence in leaf_sentences(finding, lang)),
                      *finding_remarks(finding, lang)])


def leaf_sentences(finding: Finding, lang: str) -> Iterator[tuple[int, str]]:
    """Each distinct sentence of a finding's failure leaves, in order, worded only when asked
    for (a report that shows the first few of 300,000 words only those), with the number of
    the leaf it words (1-based: the leaves before it are worded by it or by earlier ones)."""
    seen: set[str] = set()
    for number, failure in enumerate(finding.failures, 1):
        sentence = _leaf(failure, lang)
        if sentence not in seen:
            seen.add(sentence)
            yield number, sentence


def finding_remarks(finding: Finding, lang: str) -> list[str]:
    """What a finding's message says after its leaves: why a waiver that covers it does not
    apply, and that it was already failing in the baseline."""
    parts: list[str] = []
    if finding.unlisted:  # a count of the rest, never silence
        parts.append(unlisted_text(finding, lang))
    waiver = finding.waiver
    if waiver is not None and waiver.state != "active":
        where = f"{waiver.file}:{waiver.line}" if waiver.line else waiver.file
        key = "waiver_expired" if waiver.state == "expired" else "waiver_not_yet"
        parts.append(ui(key, lang, ticket=waiver.ticket, where=where,
                        expires_on=waiver.expires_on, approved_on=waiver.approved_on))
    if finding.known:
        parts.append(ui("known_in_baseline", lang))
    return parts


def unlisted_text(finding: Finding, lang: str) -> str:
    """How many failing elements a finding does not list, and how many it has in all."""
    return ui("unlisted_failures", lang, unlisted=f"{finding.unlisted:,}",
              total=f"{finding.unlisted + len(finding.failures):,}")


def _leaf(failure: Failure, lang: str) -> str:
    if failure.code == "tenant" and isinstance(failure.actual, dict):
        from netsep_check.report.tenant import message_for

        return message_for(failure.actual, lang)
    return failure_message(failure, lang)


def waiver_target(params: dict[str, Any], lang: str) -> str:
    """What a waiver covers, in words: its rule, and the field and firm it names."""
    target = str(params["rule"])
    if params.get("path"):
        target = ui("waiver_target_path", lang, rule=target, path=params["path"])
    if params.get("firm"):
        target = ui("waiver_target_firm", lang, target=target, firm=params["firm"])
    return target


def unmatched_waiver_text(params: dict[str, Any], lang: str) -> str:
    """A waiver that matched no failing finding, in the report's language."""
    return NOTES["waiver_unmatched"](lang).format(
        where=params["where"], ticket=params["ticket"], target=waiver_target(params, lang))


def note_text(note: Note, lang: str) -> str:
    template = NOTES.get(note.code)
    if template is None:
        return f"{note.code}: {note.params}"
    if note.code == "waiver_unmatched":
        return unmatched_waiver_text(note.params, lang)
    params = dict(note.params)
    if note.code == "evidence_summary":
        if lang == "ko":  # the folder and the statuses in words, not identifiers
            from netsep_check.report._committee_text import WORDS

            if params["root"] == "(profile folder)":
                params["root"] = "프로파일 폴더"
            params["counts"] = "; ".join(
                f"{WORDS['ev_' + status][1] if 'ev_' + status in WORDS else status} {n}건"
                for status, n in params["counts"].items())
        else:
            params["counts"] = ", ".join(f"{status} {n}" for status, n in params["counts"].items())
    return template(lang).format(**params)


def report_notes(report: Report, lang: str) -> list[str]:
    return [note_text(note, lang) for note in report.notes]

"""Stage 2: schema errors listed all at once, each with field path and line; evidence integrity."""

from __future__ import annotations

import pytest

from netsep_check.errors import InputError
from netsep_check.load import load_document
from netsep_check.validate import validate_profile


def _line_of(examples, needle: str) -> int:
    text = (examples / "m365-compliant.yaml").read_text(encoding="utf-8")
    return text[:text.index(needle)].count("\n") + 1


def _problems(tmp_path, examples, old: str, new: str, count: int = 1):
    text = (examples / "m365-compliant.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "p.yaml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        validate_profile(load_document(path))
    return caught.value.problems


def test_examples_are_valid(examples):
    for path in sorted(examples.glob("*.yaml")):
        if path.name.startswith(("waiver", "custom")):
            continue
        assert validate_profile(load_document(path))["profile_version"] == 1


def test_unknown_key_points_at_its_line(tmp_path, examples):
    (problem,) = _problems(tmp_path, examples, "  mobile_access: false",
                           "  mobile_acess: false\n  mobile_access: false")
    assert problem.path == "usage.mobile_acess"
    assert "unknown key 'mobile_acess'" in problem.message
    assert problem.line == _line_of(examples, "  mobile_access: false")


def test_all_errors_at_once_sorted_by_line(tmp_path, examples):
    problems = _problems(tmp_path, examples, "sector: bank", "sector: bakery")
    problems = problems + _problems(tmp_path, examples, "regime: sandbox", "regime: sandbox\nx: 1")
    text = (examples / "m365-compliant.yaml").read_text(encoding="utf-8")
    text = text.replace("sector: bank", "sector: bakery").replace(
        "mobile_access: false", "mobile_access: yes").replace("retention_days: 730",
                                                              "retention_days: '730'")
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        validate_profile(load_document(path))
    found = caught.value.problems
    assert [p.path for p in found] == ["firm.sector", "usage.mobile_access",
                                       "security_measures.saas_management.audit_logging."
                                       "retention_days"]
    assert [p.line for p in found] == sorted(p.line for p in found)
    assert "only true and false are booleans" in found[1].message
    assert "expected a whole number" in found[2].message


def test_missing_control_is_named(tmp_path, examples):
    (problem,) = _problems(tmp_path, examples,
                           "    anti_malware: {status: implemented, evidence: [EV-10]}\n", "")
    assert problem.path == "security_measures.endpoint"
    assert "missing required key 'anti_malware'" in problem.message


def test_sandbox_needs_designation(tmp_path, examples):
    text = (examples / "standing-compliant.yaml").read_text(encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(text.replace("regime: standing_exception", "regime: sandbox"),
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        validate_profile(load_document(path))
    assert any("designation" in p.message for p in caught.value.problems)


def test_impossible_date(tmp_path, examples):
    (problem,) = _problems(tmp_path, examples, "as_of: 2025-03-31", "as_of: 2025-02-30")
    assert problem.path == "assessment.as_of" and "real calendar date" in problem.message


def test_number_where_text_wanted(tmp_path, examples):
    problems = _problems(tmp_path, examples, 'min_tls_version: "1.2"', "min_tls_version: 1.2")
    assert {p.path for p in problems} == {
        "security_measures.network_link.encryption_in_transit.min_tls_version"}
    assert any("put it in quotes" in p.message or "not allowed" in p.message for p in problems)


def test_dangling_evidence_id(tmp_path, examples):
    (problem,) = _problems(tmp_path, examples, "evidence: [EV-11]", "evidence: [EV-99]")
    assert "'EV-99' is cited but not defined" in problem.message
    assert problem.path == "security_measures.endpoint.device_registration.evidence[0]"
    assert problem.line == _line_of(examples, "evidence: [EV-11]")


def test_duplicate_evidence_id(tmp_path, examples):
    text = (examples / "m365-compliant.yaml").read_text(encoding="utf-8")
    text = text.replace("  - id: EV-11\n", "  - id: EV-10\n", 1)
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        validate_profile(load_document(path))
    messages = " ".join(p.message for p in caught.value.problems)
    assert "defined twice" in messages


def test_placeholders_are_named_but_ordinary_words_are_not(tmp_path):
    from netsep_check.load import Document
    from netsep_check.validate.placeholders import placeholder_problems

    data = {"firm": {"name": "회사명 / Firm name"}, "evidence": [
        {"id": "EV-1", "title": "TODO 증빙"}, {"id": "EV-2", "title": "Todo-app usage policy"},
        {"id": "EV-3", "title": "정책", "note": "FIXME later"}]}
    problems = placeholder_problems(Document("p.yaml", data, "", ""))
    assert {p.path for p in problems} == {"firm.name", "evidence[0].title", "evidence[2].note"}


@pytest.mark.parametrize(("ids", "cited", "undefined", "twice"), [
    (["A", "B"], ["A", "B"], [], []),
    (["A", None, None], ["A"], [], []),  # two entries without an id: the schema's to name
    (["A", ["x"], {"y": 1}], ["A", "B"], ["B"], []),  # ids that cannot be hashed
    (["A", 1, "1"], ["1", "2"], ["2"], []),  # a number is not the text it spells
    (["A", "B", "A", "A"], ["A", "C"], ["C"], [2, 3]),
])
def test_evidence_integrity_over_ids_of_any_type(ids, cited, undefined, twice):
    """Undefined and repeated evidence ids, whatever else the list holds (the schema names
    what is not text): never a crash, never an id that is not text taken for one."""
    from netsep_check.load import Document
    from netsep_check.validate.profile import integrity_problems

    data = {"evidence": [{"id": i, "title": "t"} if i is not None else {"title": "t"}
                         for i in ids],
            "designation": {"evidence": cited}}
    problems = integrity_problems(Document("p.json", data, "", "{}"))
    assert [p.params["id"] for p in problems if p.code == "evidence.undefined_id"] == undefined
    assert [p.path for p in problems if p.code == "evidence.duplicate_id"] == [
        f"evidence[{i}].id" for i in twice]

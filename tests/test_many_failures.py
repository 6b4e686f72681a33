"""A finding with more failing elements than a report can list: judged within the bounds, the
rest counted in every format, every element still compared by baselines and diffs.

A profile may name 200,000 firm-defined data categories (``other:<id>``); each fails
``SCOPE-DATA`` (not approved) and ``DATA-OWN-CATEGORY`` (no reading stated): 400,000 failing
elements. Before, every element was judged twice, worded, and written four times into each
report: 12 s and 1 GB for the JSON report, 36 s and 1.6 GB for OSCAL (found by an independent
hostile run). A finding now lists ``LISTED`` of its failure leaves; the others are counted
(``unlisted``) in every format and identified (``elements``) in the JSON report, so a
baseline or a diff still compares every one of them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsep_check.api import Options, diff_sides
from netsep_check.api import run as judge
from netsep_check.evaluate.findings import LISTED, _field, leaf_identity, strip_indexes
from netsep_check.i18n import ui
from netsep_check.load import format_path
from netsep_check.report import FORMATS, renderer
from tests.conftest import EXAMPLES
from tests.test_formats_agree import readable
from tests.test_hostile_classes import WALL, run_process

OWN = {"SCOPE-DATA", "DATA-OWN-CATEGORY"}  # the rules every other: category fails
FIELD = "usage.data_categories[]"


def _base() -> dict[str, Any]:
    text = (EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8")
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


def categories(count: int, start: int = 0) -> list[str]:
    return [f"other:cat_{i:06d}" for i in range(start, start + count)]


def profile(path: Path, cats: list[str], readings: bool = False) -> Path:
    """The compliant M365 example with ``cats`` added to the data categories in use (and,
    with ``readings``, a stated reading with evidence for each)."""
    data = _base()
    data["usage"]["data_categories"] += cats
    if readings:
        evidence = [data["evidence"][0]["id"]]
        data["usage"]["own_data_categories"] = [
            {"category": c, "reading": "no customer data", "evidence": evidence} for c in cats]
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _sentence(unlisted: int, total: int, lang: str = "en") -> str:
    return " ".join(ui("unlisted_failures", lang, unlisted=f"{unlisted:,}",
                       total=f"{total:,}").split())


def _seen(fmt: str, text: str) -> str:
    """What a reader of a report file sees, as one line (a text report's table borders
    and line breaks taken out: a message wraps inside its cell)."""
    if fmt == "text":
        text = re.sub(r"[\u2500-\u257f]", " ", text)
    return readable(fmt, text)


# --- the hostile size, in a child process under 1 GiB of address space -------------------

N = 200_000


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    return profile(tmp_path_factory.mktemp("big") / "cats.json", categories(N))


@pytest.mark.parametrize("fmt", ["json", "oscal-ar"])
def test_200000_own_categories_are_judged_within_bounds(big, tmp_path, fmt):
    """12 s and 1 GB (JSON), 36 s and 1.6 GB (OSCAL) before: now a few seconds."""
    out = tmp_path / f"report.{fmt}"
    outcome = run_process("check", big, "--format", fmt, "-o", out, "--lang", "en",
                          "--evidence-root", EXAMPLES)
    assert "Traceback" not in outcome.text, outcome.text[-3000:]
    assert outcome.code == 1, outcome.text[-3000:]
    assert outcome.seconds < WALL, outcome.seconds
    document = json.loads(out.read_text(encoding="utf-8"))
    if fmt == "json":
        failing = {f["rule_id"]: f for f in document["findings"] if f["status"] == "fail"}
        assert set(failing) == OWN
        for finding in failing.values():
            assert len(finding["failures"]) == LISTED
            assert finding["unlisted"] == N - LISTED
            assert finding["elements"] == {FIELD: categories(N)}
            assert finding["message"].endswith(_sentence(N - LISTED, N))
    else:
        findings = document["assessment-results"]["results"][0]["findings"]
        counts = {}
        for finding in findings:
            props = {p["name"]: p["value"] for p in finding["props"]}
            if "failing-elements" in props:
                counts[props["rule-id"]] = (props["failing-elements"], props["unlisted-elements"])
                assert finding["description"].endswith(_sentence(N - LISTED, N))
        assert counts == {rule: (str(N), str(N - LISTED)) for rule in OWN}


def test_every_format_reports_the_same_count_at_200000(big, tmp_path):
    """All nine formats written by one run (each output a full report of the profile): each
    says, for both findings, how many failing elements it does not list and how many there
    are; the run stays within the bounds with every report made."""
    args: list[Any] = []
    for fmt in FORMATS:
        args += ["--format", fmt, "-o", tmp_path / f"report.{fmt}"]
    outcome = run_process("check", big, *args, "--lang", "en", "--evidence-root", EXAMPLES)
    assert "Traceback" not in outcome.text, outcome.text[-3000:]
    assert outcome.code == 1, outcome.text[-3000:]
    assert outcome.seconds < WALL, outcome.seconds
    sentence = _sentence(N - LISTED, N)
    for fmt in FORMATS:
        seen = _seen(fmt, (tmp_path / f"report.{fmt}").read_text(encoding="utf-8"))
        totals = re.findall(r"\(([\d,]+) in all;", seen)
        assert seen.count(sentence) >= 2 and set(totals) == {f"{N:,}"}, (fmt, totals)
    sarif = json.loads((tmp_path / "report.sarif").read_text(encoding="utf-8"))
    counted = {r["ruleId"]: (r["properties"]["failingElements"],
                             r["properties"]["unlistedElements"])
               for r in sarif["runs"][0]["results"] if "failingElements" in r["properties"]}
    assert counted == {rule: (N, N - LISTED) for rule in OWN}


# --- every format, in process: the listed elements and the count of the others -------------

@pytest.fixture(scope="module")
def judged(tmp_path_factory) -> Any:
    path = profile(tmp_path_factory.mktemp("some") / "cats.json", categories(1_000))
    return judge([path], Options(evidence_root=EXAMPLES, jobs=1)), path.parent


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_shows_what_the_json_report_lists_and_counts(judged, fmt, lang):
    result, root = judged
    capped = [f for f in result.reports[0].findings if f.unlisted]
    assert {f.rule.id for f in capped} == OWN
    document = json.loads(renderer("json")(result, lang))
    listed = {f["rule_id"]: [leaf["actual"] for leaf in f["failures"]]
              for f in document["findings"] if f.get("unlisted")}
    assert listed == {rule: categories(LISTED) for rule in OWN}
    options: dict[str, Any] = {"width": 4000} if fmt == "text" else (
        {"root": root} if fmt == "sarif" else {})
    seen = readable(fmt, renderer(fmt)(result, lang, **options))
    sentence = _sentence(1_000 - LISTED, 1_000, lang)
    assert seen.count(sentence) >= 2, fmt
    missing = [value for value in categories(LISTED) if value not in seen]
    assert not missing, (fmt, missing[:5])


def test_a_finding_keeps_every_element_it_does_not_list(judged):
    result, _ = judged
    report = result.reports[0]
    for finding in report.findings:
        if finding.rule.id in OWN:
            assert (len(finding.failures), finding.unlisted) == (LISTED, 1_000 - LISTED)
            assert finding.paths == tuple(f"usage.data_categories[{i}]"
                                          for i in range(2, 2 + LISTED))
    identities = report.failing_identities()
    assert identities == {leaf_identity(rule, report.firm, "usage.data_categories[7]", value)
                          for rule in OWN for value in categories(1_000)}


# --- baselines and diffs compare every element, listed or not ------------------------------

def _json_report(source: Path, target: Path) -> Path:
    result = judge([source], Options(evidence_root=EXAMPLES, jobs=1))
    target.write_text(renderer("json")(result, "en"), encoding="utf-8")
    return target


@pytest.fixture
def baseline(tmp_path) -> Path:
    """The JSON report of 150 own categories: 100 listed, all 150 in elements."""
    report = _json_report(profile(tmp_path / "base.json", categories(150)),
                          tmp_path / "base-report.json")
    document = json.loads(report.read_text(encoding="utf-8"))
    capped = [f for f in document["findings"] if f.get("unlisted")]
    assert [len(f["failures"]) for f in capped] == [LISTED, LISTED]
    assert [len(f["elements"][FIELD]) for f in capped] == [150, 150]
    return report


def test_a_baseline_of_the_same_profile_knows_every_element(baseline, tmp_path):
    """Its 50 unlisted elements are known too: read from elements, not from failures."""
    result = judge([tmp_path / "base.json"], Options(evidence_root=EXAMPLES, jobs=1,
                                                   baseline=baseline))
    known = {f.rule.id for f in result.reports[0].findings if f.known}
    assert known == OWN and result.exit_code == 0


@pytest.mark.parametrize("where", ["beyond the listed ones", "among the listed ones"])
def test_a_new_failure_is_never_taken_for_a_known_one(baseline, tmp_path, where):
    """One category more, after the 150 (where neither report lists it) or first: the
    finding is new, the run fails."""
    new = "other:cat_new"
    cats = [*categories(150), new] if where.startswith("beyond") else [new, *categories(150)]
    head = profile(tmp_path / "head.json", cats)
    result = judge([head], Options(evidence_root=EXAMPLES, jobs=1, baseline=baseline))
    assert not any(f.known for f in result.reports[0].findings if f.rule.id in OWN)
    assert result.exit_code == 1
    diff = diff_sides(baseline, head, Options(evidence_root=EXAMPLES))
    assert {c.rule_id: c.new for c in diff.newly_failing} == {
        rule: ((FIELD, new),) for rule in OWN}


def test_fixing_an_unlisted_element_is_seen_by_diff(baseline, tmp_path):
    """Head without the 150th category (never listed): that rule passes on nothing new."""
    head = profile(tmp_path / "head.json", categories(149))
    diff = diff_sides(baseline, head, Options(evidence_root=EXAMPLES))
    assert not diff.newly_failing and {c.rule_id for c in diff.still_failing} == OWN
    back = diff_sides(head, baseline, Options(evidence_root=EXAMPLES))
    assert {c.rule_id: c.new for c in back.newly_failing} == {
        rule: ((FIELD, "other:cat_000149"),) for rule in OWN}


@pytest.mark.parametrize("damage", ["no elements", "elements not by field", "bad count"])
def test_a_report_that_counts_elements_it_does_not_identify_is_refused(baseline, tmp_path,
                                                                       damage, run):
    """Without elements, the unlisted ones could not be compared: an input error naming
    the field (exit 2), as a baseline and as a side of a diff, never a smaller set."""
    document = json.loads(baseline.read_text(encoding="utf-8"))
    finding = next(f for f in document["findings"] if f.get("unlisted"))
    if damage == "no elements":
        del finding["elements"]
    elif damage == "elements not by field":
        finding["elements"] = categories(150)
    else:
        finding["unlisted"] = "fifty"
    damaged = tmp_path / "damaged.json"
    damaged.write_text(json.dumps(document), encoding="utf-8")
    for args in (("check", tmp_path / "base.json", "--baseline", damaged),
                 ("diff", damaged, tmp_path / "base.json")):
        result = run(*args, "--evidence-root", EXAMPLES, "--lang", "en")
        assert result.exit_code == 2, result.output
        assert "damaged.json" in result.stderr and "findings" in result.stderr
        assert ("unlisted" if damage == "bad count" else "elements") in result.stderr


# --- the pieces, held to what they replace --------------------------------------------------

PROPERTY = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
KEYS = st.one_of(st.integers(0, 50), st.text("ab.[]{}*0 ", min_size=0, max_size=4),
                 st.sampled_from(["usage", "data_categories", "providers", "x"]))


@PROPERTY
@given(st.lists(st.lists(KEYS, max_size=5), min_size=1, max_size=6))
def test_the_field_of_a_path_is_what_the_json_report_reads_back(paths):
    """``_field`` remembers fields by path head; each answer is
    ``strip_indexes(format_path(path))``, the identity a JSON report's path gives, whatever
    order paths come in (a list's own path and its elements', keys holding brackets)."""
    for path in map(tuple, paths):
        for each in (path, (*path, 3), path, (*path, 3)):
            assert _field(each) == strip_indexes(format_path(each) if each else None), each


VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-2, 2),
                                 st.sampled_from([1.0, 0.5, -0.0]), st.text("ab1", max_size=2)),
                       lambda inner: st.one_of(st.lists(inner, max_size=2),
                                               st.dictionaries(st.text("ab", max_size=1), inner,
                                                               max_size=2)), max_leaves=4)


@PROPERTY
@given(st.lists(st.tuples(st.one_of(st.none(), st.lists(KEYS, max_size=3).map(tuple)), VALUES),
                max_size=12))
def test_the_elements_kept_are_every_leaf_identity_and_read_back_the_same(leaves):
    """A finding's elements (texts kept as themselves, by field) are the identities of its
    leaves (1 and 1.0 one value, true and 1 two; a repeated one numbered), and a JSON report's
    elements, read back as a baseline reads them, are the same set."""
    from netsep_check.evaluate.diff import _unlisted_elements
    from netsep_check.evaluate.findings import element_identities, elements_of
    from netsep_check.report.json_report import elements_dict
    from netsep_check.rules.operators.base import Failure
    from netsep_check.values import canonical

    failures = tuple(Failure(path, "x", actual) for path, actual in leaves)
    from netsep_check.evaluate.findings import numbered

    kept = elements_of(failures)
    # each leaf's identity; one seen before is numbered (field#2), as a listed finding's are
    expected = set(numbered([(strip_indexes(format_path(f.path) if f.path else None),
                              canonical(f.actual)) for f in failures], 0))
    assert set(element_identities(kept)) == expected
    assert len(element_identities(kept)) == len(expected)  # each once
    written = json.loads(json.dumps({"unlisted": 1, "elements": elements_dict(kept)}))
    assert _unlisted_elements(written, "fail", (), lambda ok, *_: ok) == expected


def test_the_json_report_schema_describes_unlisted_and_elements(judged, run):
    from jsonschema import Draft202012Validator

    result, _ = judged
    document = json.loads(renderer("json")(result, "en"))
    schema = json.loads(run("schema", "report").stdout)
    assert not list(Draft202012Validator(schema).iter_errors(document))
    finding = schema["$defs"]["finding"]["properties"]
    assert {"unlisted", "elements"} <= set(finding)


def test_a_diff_lists_as_many_new_elements_as_a_report_and_counts_the_rest(baseline, tmp_path,
                                                                          run):
    """200 categories more than the baseline's 150: each rule newly fails on all 200 (the
    groups and the exit code count every one); 100 are listed, the others counted."""
    head = profile(tmp_path / "head.json", categories(350))
    result = run("diff", baseline, head, "--format", "json", "--evidence-root", EXAMPLES)
    assert result.exit_code == 1, result.stderr
    changes = {c["rule_id"]: c for c in json.loads(result.stdout)["newly_failing"]}
    assert set(changes) == OWN
    for change in changes.values():
        assert [e["value"] for e in change["new"]] == categories(LISTED, 150)
        assert change["new_unlisted"] == 200 - LISTED
    text = run("diff", baseline, head, "--lang", "en", "--evidence-root", EXAMPLES).stdout
    assert text.count("and 100 more new failing element(s) not listed (200 in all)") == 2

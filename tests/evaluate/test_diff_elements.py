"""A failing element's identity for diff and --baseline: a named item (a provider) by its name.

A red team found two providers failing PROV-RATED on the same value ("pending") counted as one
element (the path without positions, and the value): adding a second unrated provider was no
new failure for ``diff`` or ``check --baseline`` — a false green on a critical rule."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from netsep_check.api import Checker
from netsep_check.evaluate.diff import compare, side_from_report, sides_from_report_document
from netsep_check.evaluate.findings import keyed_path
from netsep_check.load import load_document
from netsep_check.report.json_report import render_json

ROOT = Path(__file__).resolve().parents[2]
BASE = yaml.safe_load((ROOT / "examples" / "m365-compliant.yaml").read_text(encoding="utf-8"))
BASE["assessment"]["as_of"] = dt.date(2025, 3, 31)
CHECKER = Checker(verify_evidence=False)


def with_providers(results: dict[str, str], order: list[str] | None = None) -> dict:
    """The compliant example plus providers ``id → evaluation result``, each in use and
    added to the approved scope by a decision (so only their rating can fail)."""
    doc = copy.deepcopy(BASE)
    change = {"decided_on": dt.date(2025, 1, 10), "reference": "2025-FSC-0110-01",
              "adds": {"providers": []}, "evidence": ["EV-02"]}
    doc["designation"]["scope_changes"] = [change]
    for pid in order or list(results):
        doc["providers"].append({"id": pid, "name": f"{pid} Ltd.", "security_evaluation": {
            "evaluator": "fsi", "result": results[pid], "kind": "comprehensive",
            "evaluated_on": dt.date(2024, 11, 1), "evidence": ["EV-01"]}})
        doc["usage"]["providers"].append(pid)
        change["adds"]["providers"].append(pid)
    return doc


def judged(doc: dict, folder: Path, name: str):
    path = folder / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return CHECKER.check(path)


def newly_failing(base, head) -> set[str]:
    return {c.rule_id for c in compare(side_from_report(base), side_from_report(head)).newly_failing}


def test_a_second_unrated_provider_is_a_new_failure(tmp_path):
    base = judged(with_providers({"acme_cdn": "pending"}), tmp_path, "base.yaml")
    head = judged(with_providers({"acme_cdn": "pending", "zeta_backup": "pending"}), tmp_path,
                  "head.yaml")
    assert newly_failing(base, head) == {"PROV-RATED"}
    (change,) = compare(side_from_report(base), side_from_report(head)).newly_failing
    assert change.new == (("providers[id=zeta_backup].security_evaluation.result", "pending"),)


def test_a_provider_replacing_another_is_new_and_a_reordering_is_not(tmp_path):
    base = judged(with_providers({"acme_cdn": "pending"}), tmp_path, "base.yaml")
    replaced = judged(with_providers({"zeta_backup": "pending"}), tmp_path, "r.yaml")
    assert newly_failing(base, replaced) == {"PROV-RATED"}
    two = with_providers({"acme_cdn": "pending", "zeta_backup": "unsuitable"})
    swapped = with_providers({"acme_cdn": "pending", "zeta_backup": "unsuitable"},
                             order=["zeta_backup", "acme_cdn"])
    assert newly_failing(judged(two, tmp_path, "a.yaml"), judged(swapped, tmp_path, "b.yaml")) \
        == set()


def test_the_json_report_carries_the_identity_to_a_baseline(tmp_path):
    """A baseline is read back from the JSON report: the named element must survive it."""
    base = judged(with_providers({"acme_cdn": "pending"}), tmp_path, "base.yaml")
    head = judged(with_providers({"acme_cdn": "pending", "zeta_backup": "pending"}), tmp_path,
                  "head.yaml")
    for report in (base, head):
        (tmp_path / "r.json").write_text(render_json(_run_of(report), "en"), encoding="utf-8")
        (side,) = sides_from_report_document(load_document(tmp_path / "r.json"))
        assert side.rules == side_from_report(report).rules
    data = json.loads(render_json(_run_of(head), "en"))
    (rated,) = [f for f in data["findings"] if f["rule_id"] == "PROV-RATED"]
    assert [leaf.get("element") for leaf in rated["failures"]] == [
        "providers[id=acme_cdn].security_evaluation.result",
        "providers[id=zeta_backup].security_evaluation.result"]


def test_an_older_report_without_identities_hides_nothing(tmp_path):
    """A report written before leaves carried ``element``: a leaf in a named item is new."""
    base = judged(with_providers({"acme_cdn": "pending"}), tmp_path, "base.yaml")
    data = json.loads(render_json(_run_of(base), "en"))
    for finding in data["findings"]:
        for leaf in finding["failures"]:
            leaf.pop("element", None)
    (tmp_path / "old.json").write_text(json.dumps(data), encoding="utf-8")
    (old,) = sides_from_report_document(load_document(tmp_path / "old.json"))
    assert "PROV-RATED" in {c.rule_id for c in compare(old, side_from_report(base)).newly_failing}


def test_equal_unnamed_elements_are_counted():
    """Items no id names (two scope changes, two equal values): a third equal one is new."""
    from netsep_check.evaluate.findings import numbered

    assert numbered([("r", "f", "a[].b", "x")] * 3, 2) == [
        ("r", "f", "a[].b", "x"), ("r", "f", "a[].b#2", "x"), ("r", "f", "a[].b#3", "x")]


def test_keyed_path_names_items_by_id_or_category_and_drops_other_positions():
    data = {"providers": [{"id": "a"}, {"id": "b", "x": [{"category": "other:c"}, 5]}],
            "tasks": ["t"], "odd": [{"id": 3}]}
    assert keyed_path(("providers", 1, "x", 0, "reading"), data) == \
        "providers[id=b].x[category=other:c].reading"
    assert keyed_path(("providers", 1, "x", 1), data) == "providers[id=b].x[]"
    assert keyed_path(("tasks", 0), data) is None  # nothing named: the path without positions
    assert keyed_path(("odd", 0, "id"), data) is None  # an id that is not a text names nothing
    assert keyed_path(("providers", 9, "id"), data) is None  # no such item
    assert keyed_path(("usage", "tasks"), data) is None


_IDS = st.sampled_from(["acme", "beta", "cdn", "dx"])
_RESULTS = st.sampled_from(["suitable", "pending", "unsuitable"])


@settings(max_examples=25, deadline=None)
@given(base=st.dictionaries(_IDS, _RESULTS, max_size=3),
       head=st.dictionaries(_IDS, _RESULTS, max_size=3), data=st.data())
def test_prov_rated_newly_fails_exactly_when_a_provider_newly_fails_it(tmp_path_factory, base,
                                                                      head, data):
    """Whatever the order: PROV-RATED newly fails iff some provider fails it in HEAD on a
    value it did not fail on in BASE (by provider, not by position or value alone)."""
    folder = tmp_path_factory.mktemp("p")
    order = data.draw(st.permutations(list(head)))
    old = judged(with_providers(base), folder, "base.yaml")
    new = judged(with_providers(head, order=order), folder, "head.yaml")
    failing_before = {(p, r) for p, r in base.items() if r != "suitable"}
    failing_now = {(p, r) for p, r in head.items() if r != "suitable"}
    assert ("PROV-RATED" in newly_failing(old, new)) is bool(failing_now - failing_before)


def _run_of(report):
    """The run of the report's profile, as ``check --format json`` makes it."""
    from netsep_check.api import Options, run

    result = run([Path(report.profile_file)], Options(verify_evidence=False, jobs=1))
    assert [r.profile_sha256 for r in result.reports] == [report.profile_sha256]
    return result


def test_a_capped_finding_keeps_every_named_element_for_a_baseline(tmp_path):
    """Past LISTED leaves a finding lists 100 and keeps the rest as ``elements``: those keep
    the providers' names too, in the report and read back from its JSON."""
    many = {f"p{i:03d}": "pending" for i in range(130)}
    base = judged(with_providers(many), tmp_path, "base.yaml")
    (rated,) = [f for f in base.findings if f.rule.id == "PROV-RATED"]
    assert rated.unlisted == 30 and rated.elements is not None
    head = judged(with_providers({**many, "zz_last": "pending"}), tmp_path, "head.yaml")
    assert newly_failing(base, head) == {"PROV-RATED"}
    swapped = dict(many)
    del swapped["p000"]
    swapped["p999"] = "pending"
    assert "PROV-RATED" in newly_failing(base, judged(with_providers(swapped), tmp_path, "s.yaml"))
    (tmp_path / "r.json").write_text(render_json(_run_of(base), "en"), encoding="utf-8")
    (side,) = sides_from_report_document(load_document(tmp_path / "r.json"))
    assert side.rules["PROV-RATED"].elements == side_from_report(base).rules["PROV-RATED"].elements
    assert "providers[id=p129].security_evaluation.result" in {
        path for path, _ in side.rules["PROV-RATED"].elements}


def test_a_waiver_path_must_cover_the_unlisted_elements_too(tmp_path):
    """Whether a waiver's path covers a finding was judged on its 100 listed leaves: a leaf
    past them, outside the path, was waived with the rest (a cold review found it)."""
    import dataclasses

    from netsep_check.evaluate.waivers import Waiver

    many = {f"p{i:03d}": "pending" for i in range(130)}
    report = judged(with_providers(many), tmp_path, "base.yaml")
    (rated,) = [f for f in report.findings if f.rule.id == "PROV-RATED"]
    waiver = Waiver(0, "PROV-RATED", "providers", None, "renewals are under way", "CISO",
                    dt.date(2025, 1, 1), "RISK-1", dt.date(2026, 1, 1), "w.yaml", 1)
    assert waiver.covers(rated)  # every element lies under providers
    assert dataclasses.replace(waiver, path="providers[]").covers(rated)
    assert not dataclasses.replace(waiver, path="providers[0]").covers(rated)
    assert rated.elements is not None
    outside = dataclasses.replace(rated, elements=(*rated.elements, ("usage.providers[]",
                                                                      ("s", "ghost"))))
    assert not waiver.covers(outside)  # the unlisted ghost lies outside the waiver's path
    assert not waiver.covers(dataclasses.replace(rated, elements=None))
    assert not waiver.covers(dataclasses.replace(rated, elements=(*rated.elements,
                                                                  ("", ("s", "x")))))


def test_a_new_profile_in_a_batch_never_borrows_another_profiles_baseline(tmp_path):
    """The baseline holds a.yaml's report only; b.yaml, a new profile of the same firm, took
    it (the firm's only report) and its failures were all known: exit 0."""
    import shutil
    import subprocess
    import sys

    source = ROOT / "examples" / "m365-noncompliant-scope.yaml"
    shutil.copytree(ROOT / "examples" / "evidence", tmp_path / "evidence")
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(source, tmp_path / name)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "netsep_check", *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120,
                              env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})

    assert cli("check", "a.yaml", "--format", "json", "-o", "old.json").returncode == 1
    both = cli("check", "a.yaml", "b.yaml", "--baseline", "old.json", "--format", "json")
    assert both.returncode == 1, both.stderr
    reports = {r["profile"]["file"]: r for r in json.loads(both.stdout)["reports"]}
    assert all(f["known"] for f in reports["a.yaml"]["findings"] if f["status"] == "fail")
    assert not any(f["known"] for f in reports["b.yaml"]["findings"])
    alone = cli("check", "b.yaml", "--baseline", "old.json")  # one profile, renamed: its own
    assert alone.returncode == 0, alone.stderr

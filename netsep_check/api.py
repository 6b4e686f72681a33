"""The library entry point: ``run(inputs, options) -> RunResult``.

``run`` is the one place that decides what ``check`` decides: which files are profiles, how
each is judged (load → validate → verify evidence → evaluate), which waivers and baseline
apply, how the gate stands, and the exit code. The command line parses options, calls
``run``, renders each format from the one :class:`RunResult`, and exits with its code::

    from netsep_check.api import Options, run
    result = run(["examples/m365-compliant.yaml"], Options(as_of=None))
    print(result.verdict, result.exit_code)          # pass 0
    for finding in result.reports[0].failing:
        print(finding.rule.id, finding.paths)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netsep_check import clock
from netsep_check._record import record
from netsep_check.errors import InputError, RunInputError
from netsep_check.evaluate import Report, evaluate
from netsep_check.evaluate.crosscheck import max_age_days
from netsep_check.evaluate.findings import Note
from netsep_check.evaluate.result import Invalid, RunResult, exit_code
from netsep_check.load import DEFAULT_MAX_BYTES, Document, load_document
from netsep_check.rules import Pack, load_pack, pack_for_regime
from netsep_check.rules.packs import REGIME_PACKS
from netsep_check.validate import validate_profile
from netsep_check.vocabulary import DEFAULT_FAIL_ON, SEVERITIES

__all__ = ["Checker", "Invalid", "Options", "RunResult", "diff_sides", "result_of", "run"]

if TYPE_CHECKING:
    from netsep_check.evaluate.diff import Diff
    from netsep_check.evaluate.waivers import Waiver


@record
class Options:
    """How to judge: every option of ``check`` that changes the result."""

    pack: str | None = None  # None: follow each profile's regime
    policy_dirs: tuple[Path, ...] = ()
    as_of: dt.date | None = None
    evidence_root: Path | None = None  # None: each profile's own folder
    verify_evidence: bool = True
    waivers: Path | None = None
    baseline: Path | None = None
    fail_on: str = DEFAULT_FAIL_ON
    max_bytes: int = DEFAULT_MAX_BYTES
    jobs: int | None = None  # None: the number of CPUs
    progress: bool = False  # a progress bar on standard error
    today: dt.date | None = None  # the day of the run (waiver expiry); None: the clock's
    tenant_facts: tuple[Path, ...] = ()  # tenant-facts files or tool results files
    egress_logs: tuple[Path, ...] = ()  # Squid access.log or CSV host[,count]
    json_lang: str | None = None  # a JSON report in this language is to come: parallel workers
    # encode each report's JSON line as they judge it (speed only; the output is the same)


@record(frozen=False)
class Checker:
    """Judges one profile at a time; compiles each pack once and reuses it. Picklable as
    configuration (its pack cache is emptied for worker processes)."""

    pack_ref: str | None = None
    policy_dirs: tuple[Path, ...] = ()
    as_of: dt.date | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    evidence_root: Path | None = None
    verify_evidence: bool = True
    tenant_facts: tuple[Path, ...] = ()
    egress_logs: tuple[Path, ...] = ()
    _packs: dict[str, Pack] = field(default_factory=dict)
    _facts: dict[Path, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, options: Options) -> Checker:
        return cls(options.pack, tuple(options.policy_dirs), options.as_of, options.max_bytes,
                   options.evidence_root, options.verify_evidence, tuple(options.tenant_facts),
                   tuple(options.egress_logs))

    def fresh(self) -> Checker:
        return dataclasses.replace(self, _packs={}, _facts={})

    def pack(self, ref: str) -> Pack:
        """The compiled pack; a firm's own rules are linted first, so a misspelt field path
        is an input error (exit 2), never a rule that cannot be judged on every profile."""
        if ref not in self._packs:
            try:
                pack = load_pack(ref, self.policy_dirs)
            except InputError as exc:  # the pack, not the profile: the run cannot go on
                raise RunInputError(exc.problems) from None
            if self.policy_dirs or ref not in REGIME_PACKS.values():
                from netsep_check.authoring.lint import lint_pack

                problems = lint_pack(pack)
                if problems:
                    raise RunInputError(problems)
            self._packs[ref] = pack
        return self._packs[ref]

    def load(self, path: Path | str) -> tuple[Document, dict[str, Any]]:
        document = load_document(path, max_bytes=self.max_bytes)
        return document, validate_profile(document)

    def judge(self, document: Document, profile: dict[str, Any], where: Path | str) -> Report:
        """Verify evidence files, then evaluate every rule (the evidence rules included)."""
        pack = self.pack(self.pack_ref or pack_for_regime(profile["regime"]))
        notes: list[Note] = []
        notes += [Note("parameter_override", {"name": o["name"], "from": o["from"],
                                              "to": o["to"], "pack": o["pack"]})
                  for o in pack.overrides]
        if pack.regime and pack.regime != profile["regime"]:
            notes.append(Note("regime_mismatch", {"regime": profile["regime"],
                                                  "pack": pack.id, "pack_regime": pack.regime}))
        evidence = None
        if self.verify_evidence:
            from netsep_check.evaluate.evidence import verify_files

            root = Path(self.evidence_root) if self.evidence_root is not None else (
                Path.cwd() if str(where) == "-" else Path(where).parent)
            evidence = verify_files(profile, root)
            if evidence:
                notes.append(Note("evidence_summary", {
                    "n": len(evidence), "root": "--evidence-root" if self.evidence_root
                    else "(profile folder)",
                    "counts": dict(sorted(Counter(r.status for r in evidence).items()))}))
        else:
            notes.append(Note("evidence_not_verified", {}))
        tenant = None
        if self.tenant_facts or self.egress_logs:
            tenant = self._cross_check(document, profile, pack)
            if self.tenant_facts and not profile.get("tenant"):
                notes.append(Note("tenant_not_named", {}))
        return evaluate(document, profile, pack, self.as_of, evidence, tuple(notes), tenant)

    def _cross_check(self, document: Document, profile: dict[str, Any], pack: Pack) -> Any:
        """Tenant facts and egress logs against the profile, before evaluation: the results
        the engine turns into findings (see netsep_check.evaluate.crosscheck)."""
        from netsep_check.evaluate.crosscheck import crosscheck, facts_ref
        from netsep_check.evaluate.tenant import TenantInput
        from netsep_check.facts import load_facts
        from netsep_check.facts.mapping import load_mapping

        facts = []
        for path in self.tenant_facts:
            if path not in self._facts:
                self._facts[path] = load_facts(path)
            facts.append(self._facts[path])
        max_age = max_age_days(pack.parameters, pack.id)
        facts = _facts_for(profile, facts, document.file)
        as_of = self.as_of or dt.date.fromisoformat(str(profile["assessment"]["as_of"]))
        results: tuple[Any, ...] = ()
        mappings = []
        for importer in dict.fromkeys(f.source.importer for f in facts):  # one mapping each
            mapping = load_mapping(importer_name=importer)
            mappings.append(mapping)
            results += crosscheck(profile, [f for f in facts if f.source.importer == importer],
                                  mapping, as_of, max_age, document.file)
        if self.egress_logs:  # the log reader (and ipaddress) only when a log is given
            from netsep_check.evaluate.egress import egress_accept, egress_results
            from netsep_check.facts.egress import load_hosts, read_egress

            hosts = load_hosts()
            accept = egress_accept(profile, hosts)
            results += egress_results(profile, [read_egress(p, accept)
                                                for p in self.egress_logs], hosts)
        return TenantInput(results, tuple(mappings), tuple(facts_ref(f) for f in facts))

    def check(self, path: Path | str) -> Report:
        document, profile = self.load(path)
        return self.judge(document, profile, path)


def _facts_for(profile: dict[str, Any], facts: list[Any], file: str) -> list[Any]:
    """The tenant facts of this profile's tenant, so one run can judge several firms, each
    against its own tenant's facts. A profile that names its tenant gets the facts of that
    tenant (none of them: the facts are another tenant's, an input error); one that names none
    gets the facts when they are all of one tenant (and a note says the tenant was not
    matched), and is an input error when they are of several."""
    from netsep_check.facts.model import tenant_hash

    tenants = {f.tenant_id_sha256 for f in facts}
    tenant = profile.get("tenant") or {}
    wanted = tenant.get("id_sha256") or (tenant_hash(tenant["id"]) if "id" in tenant else None)
    if wanted is None:
        if len(tenants) > 1:
            raise InputError.one(file, "tenant facts of several tenants were given, and the "
                                 "profile names none (tenant.id): name its tenant",
                                 path="tenant", code="facts.tenant_unnamed")
        return facts
    mine = [f for f in facts if f.tenant_id_sha256 == wanted]
    return mine or facts  # none of its tenant: the cross-check says whose they are (exit 2)


def _check_call(inputs: Any, options: Options) -> None:
    """What the command line's own parsing makes sure of, for a caller of :func:`run`: at
    least one profile named (nothing judged is no pass), and options within their range."""
    def wrong(field: str, expected: str, value: Any) -> InputError:
        return InputError.one("(options)", f"{field} must be {expected}, not {value!r}",
                              path=field)

    if isinstance(inputs, str | bytes | os.PathLike) or not isinstance(inputs, Sequence):
        raise InputError.one("(inputs)", "give a list of profile files, folders or patterns, "
                             f"not {type(inputs).__name__} {str(inputs)[:80]!r}")
    if not inputs:
        raise InputError.one("(inputs)", "no profile given: nothing was judged, which is "
                             "no pass")
    if options.fail_on not in SEVERITIES:
        raise wrong("fail_on", f"one of {', '.join(SEVERITIES)}", options.fail_on)
    for field_name in ("as_of", "today"):
        value = getattr(options, field_name)
        if value is not None and (type(value) is not dt.date):
            raise wrong(field_name, "a datetime.date or None", value)
    if options.jobs is not None and (type(options.jobs) is not int or options.jobs < 1):
        raise wrong("jobs", "a whole number of at least 1, or None", options.jobs)
    if type(options.max_bytes) is not int or options.max_bytes < 1:
        raise wrong("max_bytes", "a whole number of at least 1", options.max_bytes)
    for flag in ("verify_evidence", "progress"):
        if type(getattr(options, flag)) is not bool:
            raise wrong(flag, "True or False", getattr(options, flag))
    if options.pack is not None and not isinstance(options.pack, str | os.PathLike):
        raise wrong("pack", "a pack id, a pack folder or None", options.pack)
    for single in ("evidence_root", "waivers", "baseline"):
        value = getattr(options, single)
        if value is not None and not isinstance(value, str | os.PathLike):
            raise wrong(single, "a path or None", value)
    for many in ("policy_dirs", "tenant_facts", "egress_logs"):
        value = getattr(options, many)
        if isinstance(value, str | bytes | os.PathLike) or not isinstance(value, Sequence) \
                or not all(isinstance(item, str | os.PathLike) for item in value):
            raise wrong(many, "a tuple of paths", value)


def run(inputs: Sequence[str | Path], options: Options = Options()) -> RunResult:
    """Judge every profile ``inputs`` name (files, folders, glob patterns, ``-``).

    A profile that cannot be read or validated is listed in ``invalid`` and the others are
    still judged. Input that makes the whole run meaningless (an unknown pack, a broken rule,
    waivers or baseline file) raises :class:`~netsep_check.errors.InputError`.
    """
    from netsep_check.batch import expand_inputs, run_batch
    from netsep_check.evaluate.gate import gate

    _check_call(inputs, options)
    checker = Checker.of(options)
    waivers = baseline = None
    if options.waivers is not None:
        from netsep_check.evaluate.waivers import load_waivers

        waivers = load_waivers(options.waivers, options.max_bytes)
    found = expand_inputs(list(inputs), sift=False)  # what is not a profile: see judge_or_sift
    if options.baseline is not None:
        baseline = _baseline(options.baseline, checker, found.paths)
    if found.batch or len(found.paths) > 1:
        outcomes = run_batch(checker, found.paths, options.jobs, show=options.progress,
                             json_lang=options.json_lang, sift=found.sift)
    else:
        outcomes = run_batch(checker, found.paths, 1, show=False, sift=found.sift)
    skipped = (*found.skipped,  # sub-folders and links to folders not searched
               *((o.file, o.skipped) for o in outcomes if o.skipped is not None))
    problems = found.settle({i for i, o in enumerate(outcomes) if o.skipped is not None})
    invalid = tuple(Invalid(p.file, (p,)) for p in problems) + tuple(
        Invalid(o.file, tuple(o.problems)) for o in outcomes
        if o.report is None and o.skipped is None)
    reports = tuple(o.report for o in outcomes if o.report is not None)
    unmatched: tuple[Waiver, ...] = ()
    if waivers is not None:
        from netsep_check.evaluate.waivers import apply_waivers, check_rules, require_firms

        check_rules(waivers, (r.pack for r in reports))
        if len(reports) + len(invalid) > 1:
            require_firms(waivers)
        reports, unmatched = apply_waivers(reports, waivers, options.today or clock.today())
    if baseline is not None:
        baseline.require_firms(reports)
        reports = baseline.apply_all(reports)
    standing = gate(reports, options.fail_on, baseline is not None)
    return RunResult(reports, invalid, skipped, unmatched, standing,
                     found.batch or len(reports) + len(invalid) > 1,
                     exit_code(invalid, standing))


def _baseline(path: Path, checker: Checker, judged: Sequence[Path]) -> Any:
    """The baseline: a JSON report (trusted as the firm's earlier record: its form, firm and
    profile digest are checked, an edit cannot be told), or a profile, judged now as the
    run's own profiles are — what a gate that must not trust the baseline's author gives.
    ``judged``: the run's profiles, none of which may be its own baseline."""
    from netsep_check.evaluate.diff import Baseline, baseline_of, is_report_document, side_from_report
    from netsep_check.output import same_file

    document = load_document(path, max_bytes=checker.max_bytes)
    if is_report_document(document.data):
        return baseline_of(document)
    if any(str(other) != "-" and same_file(path, other) for other in judged):
        raise InputError.one(str(path), "the baseline is a profile this run judges; a baseline "
                             "is an earlier profile or report (its failures would all be "
                             "known)", 1, 1, code="baseline.same_profile")
    profile = validate_profile(document)
    return Baseline(str(path), (side_from_report(checker.judge(document, profile, path)),))


def diff_sides(base: Path | str, head: Path | str, options: Options = Options()) -> Diff:
    """``netsep-check diff``: each side a profile (judged with ``options``, waivers applied)
    or a JSON report; every input is read once (``-`` is standard input)."""
    from netsep_check.evaluate.diff import compare, report_side, side_from_report

    checker = Checker.of(options)
    waivers = None
    if options.waivers is not None:
        from netsep_check.evaluate.waivers import load_waivers

        waivers = load_waivers(options.waivers, options.max_bytes)
    sides, problems = [], []
    for path in (base, head):
        try:
            document = load_document(path, max_bytes=options.max_bytes)
            side = report_side(document)
            if side is None:
                report = checker.judge(document, validate_profile(document), path)
                if waivers is not None:
                    from netsep_check.evaluate.waivers import apply_waivers, check_rules

                    check_rules(waivers, (report.pack,))
                    (report,), _ = apply_waivers((report,), waivers,
                                                 options.today or clock.today())
                side = side_from_report(report, str(path))
            sides.append(side)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return compare(sides[0], sides[1])


def result_of(reports: Sequence[Report], invalid: tuple[Invalid, ...] = (),
              fail_on: str = DEFAULT_FAIL_ON, batch: bool | None = None) -> RunResult:
    """A :class:`RunResult` of reports judged elsewhere (to render them in any format)."""
    from netsep_check.evaluate.gate import gate

    reports = tuple(reports)
    standing = gate(reports, fail_on)
    return RunResult(reports, tuple(invalid), (), (), standing,
                     len(reports) + len(invalid) > 1 if batch is None else batch,
                     exit_code(tuple(invalid), standing))

"""The library entry points the CLI (and any other caller) uses: load → validate → evaluate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from netsep_check.errors import InputError
from netsep_check.evaluate import Report, evaluate
from netsep_check.load import DEFAULT_MAX_BYTES, Document, load_document
from netsep_check.rules import Pack, load_pack, pack_for_regime
from netsep_check.rules.packs import REGIME_PACKS
from netsep_check.validate import validate_profile


@dataclass
class Checker:
    """Checks profiles; compiles each pack once and reuses it for every profile."""

    pack_ref: str | None = None  # None: follow each profile's regime
    policy_dirs: tuple[Path, ...] = ()
    as_of: dt.date | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    evidence_root: Path | None = None  # None: each profile's own folder
    verify_evidence: bool = True  # evidence files: present inside the root, sha256 matching
    tenant_facts: tuple[Path, ...] = ()  # tenant-facts files or tool results files
    egress_logs: tuple[Path, ...] = ()  # Squid access.log or CSV host[,count]
    _packs: dict[str, Pack] = field(default_factory=dict)
    _facts: dict[Path, object] = field(default_factory=dict)

    def pack(self, ref: str) -> Pack:
        """The compiled pack; a firm's own rules are linted first, so a misspelt field path
        is an input error (exit 2), never a rule that cannot be judged on every profile."""
        if ref not in self._packs:
            pack = load_pack(ref, self.policy_dirs)
            if self.policy_dirs or ref not in REGIME_PACKS.values():
                from netsep_check.authoring.lint import lint_pack

                problems = lint_pack(pack)
                if problems:
                    raise InputError(problems)
            self._packs[ref] = pack
        return self._packs[ref]

    def load(self, path: Path | str) -> tuple[Document, dict]:
        document = load_document(path, max_bytes=self.max_bytes)
        return document, validate_profile(document)

    def check(self, path: Path | str) -> Report:
        document, profile = self.load(path)
        pack = self.pack(self.pack_ref or pack_for_regime(profile["regime"]))
        report = evaluate(document, profile, pack, self.as_of)
        if pack.regime and pack.regime != profile["regime"]:
            report.notes.append(f"profile regime is {profile['regime']}; judged against pack "
                                f"{pack.id} ({pack.regime}) as asked")
        if self.verify_evidence:
            from netsep_check.evaluate.evidence import summary, verify_evidence

            root = Path(self.evidence_root) if self.evidence_root is not None else (
                Path.cwd() if str(path) == "-" else Path(path).parent)
            findings, report.evidence_checked = verify_evidence(document, profile, root)
            report.findings.extend(findings)
            if report.evidence_checked:
                report.notes.append(summary(report.evidence_checked, root))
        if self.tenant_facts or self.egress_logs:
            self._cross_check(report, document, profile, pack)
        return report

    def _cross_check(self, report: Report, document: Document, profile: dict,
                     pack: Pack) -> None:
        """Tenant facts and egress logs against the profile: findings plus the
        tenant-evidence record (see netsep_check.evaluate.crosscheck)."""
        from netsep_check.evaluate.crosscheck import (
            crosscheck,
            egress_accept,
            egress_results,
            facts_ref,
        )
        from netsep_check.facts import load_facts
        from netsep_check.facts.egress import read_egress
        from netsep_check.facts.mapping import load_hosts, load_mapping
        from netsep_check.report.tenant import evidence_records, tenant_findings

        facts = []
        for path in self.tenant_facts:
            if path not in self._facts:
                self._facts[path] = load_facts(path)
            facts.append(self._facts[path])
        max_age = pack.parameters.get("tenant_facts_max_age_days", 90)
        if isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 0:
            raise InputError.one(pack.id, "parameter tenant_facts_max_age_days must be a "
                                 f"whole number of days, not {max_age!r}")
        results: tuple = ()
        mappings = []
        for importer in dict.fromkeys(f.source.importer for f in facts):  # one mapping each
            mapping = load_mapping(importer_name=importer)
            mappings.append(mapping)
            results += crosscheck(profile, [f for f in facts if f.source.importer == importer],
                                  mapping, report.as_of, max_age, report.profile_file)
        if facts and not profile.get("tenant"):
            report.notes.append("the profile names no tenant (tenant.id): the tenant facts "
                                "were not matched to it")
        if self.egress_logs:
            accept = egress_accept(profile, load_hosts())
            results += egress_results(profile, [read_egress(p, accept)
                                                for p in self.egress_logs])
        report.findings.extend(tenant_findings(results, document, mappings))
        report.tenant_evidence.extend(evidence_records(results, [facts_ref(f) for f in facts]))

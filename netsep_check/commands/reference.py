"""The reference: ``schema``, ``init``, ``rules`` and ``explain``."""

from __future__ import annotations

from pathlib import Path

import click

from netsep_check.commands._shared import LANG, _write, dash_is_stdout, guarded, policy_option
from netsep_check.errors import EXIT_OK, InputError
from netsep_check.rules.vocabulary import AREAS


@click.command()
@click.argument("name", type=click.Choice(["profile", "rules", "pack", "parameters", "report",
                                           "waivers", "diff", "rule-list", "tenant-facts",
                                           "tenant-mapping", "egress-hosts"]))
@guarded
def schema(name: str) -> int:
    """Print a JSON Schema: profile, rules (rule files), pack (pack.yaml), parameters (a pack's
    parameter_files), report (check --format json; also --baseline), waivers (check --waivers
    FILE), diff (diff --format json), rule-list (rules --format json), tenant-facts (import ...
    -o FILE), tenant-mapping or egress-hosts (policies/tenant-mapping/)."""
    if name == "profile":
        from netsep_check.validate import profile_schema
        document = profile_schema()
    elif name == "rules":
        from netsep_check.rules.schema import rules_schema
        document = rules_schema()
    elif name == "pack":
        from netsep_check.rules.schema import pack_schema
        document = pack_schema()
    elif name == "parameters":
        from netsep_check.rules.schema import parameters_schema
        document = parameters_schema()
    else:
        from netsep_check.validate.schema_errors import packaged_schema
        document = packaged_schema(name)
    import json  # here, not at start-up: --version should cost little more than click

    _write(json.dumps(document, ensure_ascii=False, indent=2) + "\n", None)
    return EXIT_OK


@click.command()
@click.option("--service", type=click.Choice(["m365", "pulse"]), default=None,
              help="The designated service (sandbox: required). The standing-exception template "
                   "shows M365 products.")
@click.option("--regime", type=click.Choice(["sandbox", "standing_exception"]), default="sandbox",
              show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              callback=dash_is_stdout,
              help="Write the template to FILE (refuses to overwrite).")
@guarded
def init(service: str | None, regime: str, output: Path | None) -> int:
    """Print a complete profile template, every control listed and commented (ko/en)."""
    from importlib import resources

    if regime == "sandbox" and service is None:
        raise click.UsageError("--service m365|pulse is required for --regime sandbox")
    name = "profile-standing.yaml" if regime == "standing_exception" else f"profile-{service}.yaml"
    text = resources.files("netsep_check.templates").joinpath(name).read_text(encoding="utf-8")
    if output is not None and output.exists():
        raise InputError.one(str(output), "already exists; refusing to overwrite it")
    _write(text, output)
    return EXIT_OK


@click.command("rules")
@click.option("--pack", "pack_ref", default="sandbox-2024", show_default=True, metavar="PACK")
@policy_option("Extra rule files; repeatable.")
@click.option("--area", type=click.Choice(AREAS))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--lang", type=LANG, default="ko", show_default=True)
@guarded
def rules_command(pack_ref: str, policy_dirs: tuple[Path, ...], area: str | None, fmt: str,
                  lang: str) -> int:
    """List a pack's rules: id, area, severity, basis strength, title."""
    from netsep_check.rules import load_pack

    pack = load_pack(pack_ref, policy_dirs)
    rows = [rule for rule in pack.rules if area is None or rule.area == area]
    if fmt == "json":
        document = {"pack": {"id": pack.id, "version": pack.version, "digest": pack.digest},
                    "rules": [{"id": r.id, "area": r.area, "severity": r.severity,
                               "strength": r.basis["strength"], "waivable": r.waivable,
                               "title": dict(r.title), "file": r.file, "line": r.line}
                              for r in rows]}
        import json

        _write(json.dumps(document, ensure_ascii=False, indent=2) + "\n", None)
        return EXIT_OK
    from netsep_check.i18n import ui

    width = max((len(r.id) for r in rows), default=4)
    lines = [f"{pack.id} {pack.version} — {pack.title[lang]}"]
    for r in rows:
        lines.append(f"{r.id:<{width}}  {r.area:<16} {r.severity:<8} "
                     f"{r.basis['strength']:<9} {r.title[lang]}")
    lines.append(f"({len(rows)} {ui('rule', lang).lower()})")
    _write("\n".join(lines) + "\n", None)
    return EXIT_OK


@click.command()
@click.argument("rule_id")
@click.option("--pack", "pack_ref", default=None, metavar="PACK",
              help="Pack to look in. Default: every built-in pack, first match.")
@policy_option(None)
@click.option("--lang", type=LANG, default="ko", show_default=True)
@guarded
def explain(rule_id: str, pack_ref: str | None, policy_dirs: tuple[Path, ...], lang: str) -> int:
    """Explain RULE_ID: rationale, legal basis and strength, what is checked, examples, and
    which tenant measurements bear on its controls. A control key (area.control) lists just
    those measurements."""
    from netsep_check.authoring.explain import explain_rule
    from netsep_check.authoring.tenant import controls_of, tenant_section
    from netsep_check.facts.mapping import load_mapping
    from netsep_check.rules import builtin_pack_ids, load_pack

    for ref in [pack_ref] if pack_ref else builtin_pack_ids():
        pack = load_pack(ref, policy_dirs)
        rule = pack.rule(rule_id.upper())
        if rule is not None:
            mapping = load_mapping()
            tenant = tenant_section(controls_of(rule, mapping), lang, mapping)
            _write(explain_rule(rule, pack, lang) + ("\n" + tenant if tenant else ""), None)
            return EXIT_OK
    tenant = tenant_section([rule_id], lang)  # a control key: saas_management.third_party_apps
    if tenant:
        _write(tenant, None)
        return EXIT_OK
    raise InputError.one(rule_id, "no such rule or mapped control (list them with: "
                         "netsep-check rules)")

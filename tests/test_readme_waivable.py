"""The README's list of what cannot be waived is the packs' (issue 8)."""

from __future__ import annotations

import re

from netsep_check.rules import builtin_pack_ids, load_pack
from tests.conftest import ROOT


def test_the_readme_names_exactly_the_non_waivable_rules():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("- **Waivers:**")
    section = text[start:text.index("\n- **", start + 1)]
    fixed_areas = {"designation", "scope", "data"}
    named = set(re.findall(r"`([A-Z]+(?:-[A-Z0-9]+)+)`", section))
    for ref in builtin_pack_ids():
        pack = load_pack(ref)
        fixed = {r.id for r in pack.rules if not r.waivable and r.area not in fixed_areas}
        assert fixed <= named, (ref, fixed - named)
        assert all(not r.waivable for r in pack.rules if r.area in fixed_areas), ref
        waivable_named = {r.id for r in pack.rules if r.waivable} & named
        # named as waivable, or as waivable in one pack only (the README says which)
        said_waivable = {"PROV-EVAL-CURRENT", "PROV-COVERS-PRODUCTS", "GOV-SELF-ASSESSMENT"}
        assert waivable_named <= said_waivable, (ref, waivable_named)


def test_no_official_condition_can_be_waived():
    """A rule whose basis is official in any built-in pack states a condition of the
    designation or the exception itself: a firm's waiver must never excuse it."""
    official = set()
    for ref in builtin_pack_ids():
        official |= {r.id for r in load_pack(ref).rules if r.basis.get("strength") == "official"}
    for ref in builtin_pack_ids():
        waivable = {r.id for r in load_pack(ref).rules if r.waivable}
        assert not official & waivable, (ref, sorted(official & waivable))

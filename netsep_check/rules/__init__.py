"""Stage 3 — rules: the rule language, its operators, and policy packs compiled from YAML."""

from netsep_check.rules.model import AREAS, SEVERITIES, STRENGTHS, Pack, Rule
from netsep_check.rules.packs import builtin_pack_ids, load_pack, pack_for_regime, policies_root

__all__ = ["AREAS", "SEVERITIES", "STRENGTHS", "Pack", "Rule", "builtin_pack_ids", "load_pack",
           "pack_for_regime", "policies_root"]

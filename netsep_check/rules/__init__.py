"""Stage 3 — rules: the rule language, its operators, and policy packs compiled from YAML.

Names are imported on first use (PEP 562), so ``netsep_check.rules.model`` can be read
without loading the pack loader and YAML: ``netsep-check --version`` stays cheap.
"""

from typing import TYPE_CHECKING

from netsep_check._lazy import lazy_names

if TYPE_CHECKING:
    from netsep_check.rules.model import AREAS, SEVERITIES, STRENGTHS, Pack, Rule
    from netsep_check.rules.packs import (
        builtin_pack_ids,
        load_pack,
        pack_for_regime,
        policies_root,
    )

_WHERE = {"AREAS": "model", "SEVERITIES": "model", "STRENGTHS": "model", "Pack": "model",
          "Rule": "model", "builtin_pack_ids": "packs", "load_pack": "packs",
          "pack_for_regime": "packs", "policies_root": "packs"}

__all__ = ["AREAS", "SEVERITIES", "STRENGTHS", "Pack", "Rule", "builtin_pack_ids", "load_pack",
           "pack_for_regime", "policies_root"]


__getattr__ = lazy_names(__name__, globals(), _WHERE)

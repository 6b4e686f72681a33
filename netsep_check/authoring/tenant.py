"""``explain``: which measured tenant policies and settings bear on a control (through the
tenant mapping, policies/tenant-mapping/)."""

from __future__ import annotations

from collections.abc import Iterable

from netsep_check.facts.mapping import TenantMapping, load_mapping
from netsep_check.rules.model import Rule

_CONFIDENCE = {"high": ("high — a Fail contradicts an implemented claim, a Pass confirms it",
                        "높음 — 실패하면 '이행' 기재와 어긋나고, 통과하면 이행이 확인됩니다"),
               "medium": ("medium — a Fail is weak evidence (lower severity), a Pass confirms "
                          "nothing", "중간 — 실패는 약한 근거(낮은 심각도)이며, 통과만으로는 "
                          "이행이 확인되지 않습니다"),
               "low": ("low — context only, never evidence", "낮음 — 참고 정보일 뿐 근거가 되지 않습니다")}


def controls_of(rule: Rule, mapping: TenantMapping) -> list[str]:
    """The mapped control keys a rule reads (``area[]`` reads every control of the area)."""
    mapped = mapping.controls()
    found: list[str] = []
    for path in rule.reads:
        parts = path.replace("[]", ".[]").replace("{key}", ".[]").split(".")
        if parts[0] == "usage" and len(parts) > 1:
            keys = [f"usage.{parts[1]}"]
        elif parts[0] == "security_measures" and len(parts) > 1:
            area = parts[1]
            if len(parts) > 2 and parts[2] not in ("[]", ""):
                keys = [f"{area}.{parts[2]}"]
            else:
                keys = [k for k in mapped if k.startswith(area + ".")]
        else:
            keys = []
        found.extend(k for k in keys if k in mapped and k not in found)
    return found


def _resolve(key: str, mapping: TenantMapping) -> str:
    """A control key as given, or the control of a cross-check finding's rule id
    (TENANT-THIRD-PARTY-APPS, TENANT-SHARING-CONTROLS-LEVEL → its control)."""
    if not key.upper().startswith("TENANT-"):
        return key
    name = key[len("TENANT-"):].lower().replace("-", "_")
    found = [k for k in mapping.controls() if name == k.split(".", 1)[1]
             or name.startswith(k.split(".", 1)[1] + "_")]
    return max(found, key=len) if found else key


def tenant_section(controls: Iterable[str], lang: str,
                   mapping: TenantMapping | None = None) -> str:
    """Text listing, per control, the policies and settings that bear on it."""
    mapping = mapping or load_mapping()
    ko = lang == "ko"
    lines: list[str] = []
    for control in map(lambda key: _resolve(key, mapping), controls):
        policies, settings = mapping.rows_for(control)
        if not policies and not settings:
            continue
        lines.append(("테넌트 측정 근거" if ko else "Tenant measurements") +
                     f" — {control} ({mapping.file})")
        for level in ("high", "medium", "low"):
            rows = [r for r in policies if r.confidence == level]
            sets = [r for r in settings if r.confidence == level]
            if not rows and not sets:
                continue
            lines.append(f"  {_CONFIDENCE[level][1 if ko else 0]}")
            for row in rows:
                when = ", ".join(f"{k} ∈ {list(v)}" for k, v in row.when)
                lines.append(f"    {row.policy}{f' [{when}]' if when else ''}: "
                             f"{row.rationale['ko' if ko else 'en']}")
            for setting in sets:
                lines.append(f"    {' + '.join(setting.facts)} ({setting.compare}"
                             f"{', ' + setting.field if setting.field else ''}): "
                             f"{setting.rationale['ko' if ko else 'en']}")
    return "\n".join(lines) + ("\n" if lines else "")

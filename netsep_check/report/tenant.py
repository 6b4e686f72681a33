"""Tenant evidence in words: cross-check results → findings and report lines (ko/en).

The cross-check (:mod:`netsep_check.evaluate.crosscheck`) returns structured results only;
this module is where they become sentences, so every report format says the same thing.
"""

from __future__ import annotations

from typing import Any

from netsep_check.evaluate.crosscheck import FactsRef, Measurement, TenantResult
from netsep_check.evaluate.findings import Report


def _show(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_show(v) for v in value) + "]" if len(value) <= 8 else \
            "[" + ", ".join(_show(v) for v in value[:8]) + f", … (+{len(value) - 8})]"
    return str(value)


def _measured(result: TenantResult) -> str:
    return ", ".join(f"{m.fact}={_show(m.value)}" for m in result.measured) or "—"


def _where(result: TenantResult) -> tuple[str, str]:
    s = result.source
    if result.check == "egress":
        return f"egress log {s.file} (sha256 {s.sha256[:12]}…)", \
            f"외부 통신(egress) 로그 {s.file} (SHA-256 {s.sha256[:12]}…)"
    return (f"{s.tool} {s.tool_version}, report {s.report_id}, {s.collected_at}",
            f"{s.tool} {s.tool_version}, 보고서 {s.report_id}, {s.collected_at}")


def messages(result: TenantResult) -> dict[str, str]:
    """What a finding says, in both languages."""
    en_at, ko_at = _where(result)
    got = _measured(result)
    detail = dict(result.detail)
    kind, check = result.kind, result.check
    declared = _show(result.declared)
    if check == "facts_age":
        return {"en": f"tenant facts collected on {detail['collected_on']} ({en_at}) are "
                      f"{detail['age_days']} days from assessment.as_of {declared} (at most "
                      f"{detail['max_age_days']}): they confirm nothing",
                "ko": f"테넌트 측정일 {detail['collected_on']}({ko_at})이(가) 기준일 {declared}과(와) "
                      f"{detail['age_days']}일 차이 납니다(허용 {detail['max_age_days']}일). "
                      "이 측정 결과로는 어떤 항목도 확인할 수 없습니다"}
    if check == "egress":
        unread_en = unread_ko = ""
        if detail.get("unparsed"):
            unread_en = (f"; {detail['unparsed']} of {detail['lines']} lines named no destination "
                         "that could be read, so where they went is not known")
            unread_ko = (f". 로그 {detail['lines']}행 중 {detail['unparsed']}행은 읽을 수 있는 "
                         "목적지가 없어 어디로 접속했는지 알 수 없습니다")
        if kind == "contradiction":
            hosts = ", ".join(f"{m.fact} ({m.value})" for m in result.measured)
            more = " (and more: the list was truncated)" if detail["truncated"] else ""
            tenant_en = tenant_ko = ""
            suffixes = ", ".join(detail.get("tenant_suffixes", ()))
            if suffixes:  # why an approved product's host was refused
                example = f"yesibank.{detail['tenant_suffixes'][0]}"
                tenant_en = (f"; a host under {suffixes} counts only for the firm's own tenant, "
                             f"the one an allowed_destinations entry under it names (such as "
                             f"{example}; a '*.' wildcard over the whole suffix names none)")
                tenant_ko = (f". {suffixes} 아래 호스트는 자사 테넌트의 것만 허용 목적지로 "
                             "봅니다. 자사 테넌트는 allowed_destinations에 기재한 그 아래 호스트가 "
                             f"가리키는 테넌트입니다(예: {example}). 접미사 전체에 대한 '*.' "
                             "와일드카드는 어느 테넌트도 가리키지 않습니다")
                if "sharepoint.com" in detail["tenant_suffixes"]:
                    tenant_en += ("; listing yesibank.sharepoint.com names "
                                  "yesibank-my.sharepoint.com and the tenant's other hosts too, "
                                  "and a host there that every tenant shares (such as "
                                  "*.gr.global.aa-rt.sharepoint.com) counts only when "
                                  "allowed_destinations lists it")
                    tenant_ko += (". yesibank.sharepoint.com을 기재하면 "
                                  "yesibank-my.sharepoint.com 등 그 테넌트의 다른 호스트도 자사 "
                                  "테넌트의 것으로 봅니다. 모든 테넌트가 함께 쓰는 호스트(예: "
                                  "*.gr.global.aa-rt.sharepoint.com)는 allowed_destinations에 "
                                  "기재한 경우에만 허용됩니다")
            if detail.get("tenant_addresses"):  # an address of every tenant's servers
                tenant_en += ("; an IP address of its servers (Microsoft's published ranges) "
                              "serves every tenant and names none, so a log of addresses "
                              "cannot show the firm's own tenant: give a log with host names")
                tenant_ko += (". 그 서버의 IP 주소(Microsoft가 공개한 대역)는 모든 테넌트가 함께 "
                              "쓰므로 어느 테넌트도 가리키지 않습니다. IP 주소만 남긴 로그로는 "
                              "자사 테넌트인지 알 수 없으니 호스트 이름이 남는 로그를 제시하십시오")
            return {"en": f"{detail['unaccepted_hosts']} destination(s) reached that are neither "
                          f"in allowed_destinations nor an approved product's "
                          f"({detail['unaccepted_requests']} of {detail['requests']} requests, "
                          f"{en_at}): {hosts}{more}{tenant_en}{unread_en}",
                    "ko": f"허용 목적지에도 허용된 제품에도 속하지 않는 목적지 "
                          f"{detail['unaccepted_hosts']}곳에 접속했습니다(요청 "
                          f"{detail['requests']}건 중 {detail['unaccepted_requests']}건, "
                          f"{ko_at}): {hosts}{' (일부만 표시)' if detail['truncated'] else ''}"
                          f"{tenant_ko}{unread_ko}"}
        if kind == "weak":
            return {"en": f"the {detail['requests']} requests read went to allowed destinations "
                          f"or approved products ({en_at}){unread_en}",
                    "ko": f"읽은 요청 {detail['requests']}건은 허용 목적지 또는 허용된 제품으로 "
                          f"향했습니다({ko_at}){unread_ko}"}
        return {"en": f"all {detail['requests']} requests went to allowed destinations or "
                      f"approved products ({en_at})",
                "ko": f"요청 {detail['requests']}건 모두 허용 목적지 또는 허용된 제품으로 "
                      f"향했습니다({ko_at})"}
    if check == "licensed_products":
        missing = _show(detail.get("undeclared", ()))
        if kind == "weak":
            return {"en": f"licensed and provisioned but neither in usage.saas_products nor in "
                          f"the approved scope: {missing} — a scope question ({en_at})",
                    "ko": f"라이선스가 부여·프로비저닝되었으나 신고한 이용 범위와 허용된 업무 범위에 "
                          f"없는 제품: {missing} — 이용 범위를 확인하십시오({ko_at})"}
        return {"en": f"licensed products {_show(detail.get('licensed', ()))} all declared "
                      f"({en_at})",
                "ko": f"라이선스 제품 {_show(detail.get('licensed', ()))} 모두 신고됨({ko_at})"}
    if kind == "contradiction":
        en = f"declared {declared}; measured {got} ({en_at}): the tenant refutes the claim"
        ko = f"신고 {declared}, 측정 {got}({ko_at}): 테넌트 설정이 신고와 다릅니다"
    elif kind == "weak":
        en = f"declared {declared}; supporting measurement not met: {got} ({en_at})"
        ko = f"신고 {declared}, 보조 근거 미충족: {got}({ko_at})"
    else:
        en = f"declared {declared}; measured {got} ({en_at})"
        ko = f"신고 {declared}, 측정으로 확인: {got}({ko_at})"
    extra = {k: v for k, v in detail.items() if k in ("level", "longest_retention_days")}
    if extra:
        en += "; " + ", ".join(f"{k}={_show(v)}" for k, v in extra.items())
        ko += "; " + ", ".join(f"{k}={_show(v)}" for k, v in extra.items())
    return {"en": en, "ko": ko}


def evidence_lines(report: Report, lang: str) -> list[str]:
    """The text report's tenant-evidence block."""
    lines = []
    for record in report.tenant_evidence:
        head = (f"{record['tool']} {record['tool_version']} {record['report_id']} "
                f"{record['collected_at']}").strip()
        label = "테넌트 측정 근거" if lang == "ko" else "tenant evidence"
        lines.append(f"{label}: {head}  sha256 {record['sha256']}"
                     + (" (stale)" if record["stale"] and lang != "ko" else
                        " (측정 후 허용 기간 경과)" if record["stale"] else ""))
        names = {"contradicted": ("contradicted", "신고와 불일치"), "weak": ("weak", "근거 약함"),
                 "confirmed": ("confirmed", "확인됨"), "unmeasured": ("unmeasured", "측정되지 않음")}
        for key, (en, ko) in names.items():
            if record.get(key):
                lines.append(f"  {ko if lang == 'ko' else en}: {', '.join(record[key])}")
    return lines


def from_snapshot(data: dict[str, Any]) -> TenantResult:
    """The result a finding's failure leaf carries (evaluate/tenant.py ``snapshot``)."""
    def frozen(value: Any) -> Any:
        return tuple(frozen(v) for v in value) if isinstance(value, list) else value

    return TenantResult(
        data["control"], data["area"], data["check"], data["kind"], frozen(data["declared"]),
        tuple(data["path"]),
        tuple(Measurement(m["fact"], frozen(m["value"]), m["check"], m["confidence"])
              for m in data["measured"]),
        tuple(data["policies"]), FactsRef(**data["source"]),
        tuple((k, frozen(v)) for k, v in data["detail"].items()))


def message_for(data: dict[str, Any], lang: str) -> str:
    return messages(from_snapshot(data))[lang if lang in ("ko", "en") else "en"]

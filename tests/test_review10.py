"""Cold review of 3f11d63 (a SharePoint host counts only for the firm's own tenant): what the
installed command says when it refuses a host under a tenant suffix, and the shared SharePoint
hosts (``*.gr.global.aa-rt.sharepoint.com``) that name no tenant."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PROFILE = ROOT / "examples" / "m365-tenant-measured.yaml"
OWN_TENANT_WORDS = "counts only for the firm's own tenant"
# a SharePoint front-end host shared by every tenant (Microsoft's endpoint list, ID 39 of the
# 2022 edition: *.gr.global.aa-rt.sharepoint.com); the OneDrive sync client reaches such hosts
SHARED = "194497-ipv4v6fdse.gr.global.aa-rt.sharepoint.com"


def _profile(tmp_path: Path, allowed: list[str], products: list[str] | None = None) -> Path:
    data = yaml.safe_load(PROFILE.read_text(encoding="utf-8"))
    data["security_measures"]["network_link"]["internet_access_control"][
        "allowed_destinations"] = allowed
    if products is not None:
        data["designation"]["approved_scope"]["saas_products"] = products
        data["usage"]["saas_products"] = products
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _egress(run, profile: Path, log_text: str, tmp_path: Path, lang: str = "en") -> dict:
    log = tmp_path / "egress.csv"
    log.write_text(log_text, encoding="utf-8")
    result = run("check", profile, "--egress-log", log, "--format", "json", "--lang", lang)
    assert result.exit_code in (0, 1), result.stderr
    (finding,) = [f for f in json.loads(result.stdout)["findings"]
                  if f["rule_id"] == "EGRESS-DESTINATIONS"]
    return finding


def test_the_own_tenant_refused_for_its_product_is_not_called_another_tenant(run, tmp_path):
    """The firm names its tenant (yesibank.sharepoint.com) but OneDrive/SharePoint is not an
    approved product: its own OneDrive host fails for that reason. The message told the firm to
    name its own tenant in allowed_destinations, which it had done."""
    profile = _profile(tmp_path, ["yesibank.sharepoint.com", "teams.microsoft.com"],
                       ["exchange_online", "teams"])
    finding = _egress(run, profile, "yesibank-my.sharepoint.com,2\nteams.microsoft.com,1\n",
                      tmp_path)
    assert finding["status"] == "fail"
    assert [m["fact"] for m in finding["actual"]] == ["yesibank-my.sharepoint.com"]
    assert OWN_TENANT_WORDS not in finding["message"]
    # another tenant's host in the same log still gets the explanation
    finding = _egress(run, profile, "yesibank-my.sharepoint.com,2\nattacker.sharepoint.com,1\n",
                      tmp_path)
    assert OWN_TENANT_WORDS in finding["message"]


def test_a_host_every_tenant_shares_is_refused_unless_listed_and_said_so(run, tmp_path):
    """Shared SharePoint hosts name no tenant: the log cannot tell whose traffic they carry, so
    they are refused unless allowed_destinations lists them; the message must say that instead of
    only telling the firm to name its own tenant (which it has)."""
    log = f"yesibank.sharepoint.com,5\n{SHARED},3\n"
    named = _profile(tmp_path, ["yesibank.sharepoint.com", "teams.microsoft.com"])
    finding = _egress(run, named, log, tmp_path)
    assert finding["status"] == "fail" and [m["fact"] for m in finding["actual"]] == [SHARED]
    assert "*.gr.global.aa-rt.sharepoint.com" in finding["message"]
    ko = _egress(run, named, log, tmp_path, lang="ko")["message"]
    assert "*.gr.global.aa-rt.sharepoint.com" in ko and "모든 테넌트가 함께 쓰는" in ko
    listed = _profile(tmp_path, ["yesibank.sharepoint.com", "*.gr.global.aa-rt.sharepoint.com"])
    assert _egress(run, listed, log, tmp_path)["status"] == "pass"


def test_the_korean_explanation_says_what_the_english_one_does(run, tmp_path):
    """Korean: naming one host of the tenant names its siblings (-my, ...) too; the old text
    read as if only the hosts written in allowed_destinations counted."""
    profile = _profile(tmp_path, ["yesibank.sharepoint.com", "teams.microsoft.com"])
    log = "yesibank-my.sharepoint.com,2\nattacker.sharepoint.com,1\n"
    ko = _egress(run, profile, log, tmp_path, lang="ko")["message"]
    assert "자사 테넌트" in ko and "yesibank-my.sharepoint.com 등" in ko
    assert "어느 테넌트도 가리키지 않" in ko


def test_an_ip_address_of_sharepoint_names_no_tenant(run, tmp_path):
    """A firewall that logs addresses only: every tenant's SharePoint (attacker.sharepoint.com
    too) is served from the same addresses (Microsoft's list, ID 31: 13.107.136.0/22, …), so an
    address there shows no tenant, as '*.sharepoint.com' shows none. Listed in
    allowed_destinations, 13.107.136.9 let any tenant's traffic pass (a false green)."""
    profile = _profile(tmp_path, ["yesibank.sharepoint.com", "teams.microsoft.com",
                                  "13.107.136.9", "192.0.2.10"])
    finding = _egress(run, profile, "13.107.136.9,50\n192.0.2.10,3\n", tmp_path)
    assert finding["status"] == "fail"
    assert [m["fact"] for m in finding["actual"]] == ["13.107.136.9"]  # 192.0.2.10: listed
    assert "address" in finding["message"] and "sharepoint.com" in finding["message"]
    squid = ("1715000000.123 120 10.0.0.7 TCP_TUNNEL/200 5120 CONNECT [2620:1ec:8f8::9]:443 - "
             "HIER_DIRECT/2620:1ec:8f8::9 -\n")
    assert _egress(run, profile, squid, tmp_path)["status"] == "fail"
    ko = _egress(run, profile, "13.107.136.9,50\n", tmp_path, lang="ko")["message"]
    assert "IP 주소" in ko


def test_tenant_ranges_of_the_host_table(tmp_path):
    from netsep_check.errors import InputError
    from netsep_check.facts.mapping import load_hosts

    hosts = load_hosts()
    assert hosts.tenant("13.107.136.9") == (".sharepoint.com", "")
    assert hosts.tenant("2620:1ec:8f8::9") == (".sharepoint.com", "")
    assert hosts.tenant("192.0.2.10") is None and hosts.tenant("10.0.0.1") is None
    table = tmp_path / "egress-hosts.yaml"
    for bad in ('["10.0.0.0/33"]', '["not-an-ip"]', '["10.0.0.1/8"]'):
        table.write_text('hosts:\n  - {host: "*.example.com", products: [x], '
                         f'tenant_endings: [""], tenant_ranges: {bad}}}\n', encoding="utf-8")
        try:
            load_hosts(table)
        except InputError as exc:
            assert "tenant_ranges" in str(exc) and "egress-hosts.yaml" in str(exc)
        else:
            raise AssertionError(f"{bad} accepted")
    table.write_text('hosts:\n  - {host: "*.example.com", products: [x], '
                     'tenant_ranges: ["10.0.0.0/8"]}\n', encoding="utf-8")
    try:  # ranges only where hosts name a tenant
        load_hosts(table)
    except InputError:
        pass
    else:
        raise AssertionError("tenant_ranges without tenant_endings accepted")


def test_personal_onedrive_is_not_the_approved_onedrive(run, tmp_path):
    """api.onedrive.com is OneDrive's API for personal (consumer) accounts: another "tenant"
    as much as attacker.sharepoint.com is. The table's '*.onedrive.com' took it for the approved
    product onedrive; Microsoft's list (the table's source) names only admin.onedrive.com and
    www.onedrive.com there."""
    profile = _profile(tmp_path, ["yesibank.sharepoint.com", "teams.microsoft.com"])
    log = "api.onedrive.com,9\nadmin.onedrive.com,1\nwww.onedrive.com,1\n"
    finding = _egress(run, profile, log, tmp_path)
    assert finding["status"] == "fail"
    assert [m["fact"] for m in finding["actual"]] == ["api.onedrive.com"]


def test_another_companys_workvivo_is_not_the_firms_pulse(run, tmp_path):
    """Workvivo serves each customer at <company>.workvivo.com (.us, .eu): another company's
    site is not the firm's Pulse, as another tenant's SharePoint is not its SharePoint."""
    data = yaml.safe_load((ROOT / "examples" / "pulse-compliant.yaml").read_text(encoding="utf-8"))
    path = tmp_path / "pulse.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    finding = _egress(run, path, "someothercompany.workvivo.com,4\nyesisec.workvivo.com,9\n"
                      "api.workvivo.com,3\n", tmp_path)
    assert finding["status"] == "fail"
    assert [m["fact"] for m in finding["actual"]] == ["someothercompany.workvivo.com"]

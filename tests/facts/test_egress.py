"""Egress logs: Squid native and CSV, judged against allowed destinations and approved
products, streamed in bounded memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from netsep_check.errors import InputError
from netsep_check.facts.egress import read_egress

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "examples" / "m365-tenant-measured.yaml"
SQUID = ("1715000000.123    120 10.0.0.7 TCP_TUNNEL/200 5120 CONNECT {host}:443 - "
         "HIER_DIRECT/1.2.3.4 -\n")


def squid_log(path: Path, *hosts: str) -> Path:
    path.write_text("".join(SQUID.format(host=h) for h in hosts), encoding="utf-8")
    return path


def test_squid_native(tmp_path):
    log = squid_log(tmp_path / "access.log", "a.example", "b.example", "a.example")
    text = log.read_text() + ("1715000001.000 5 10.0.0.8 TCP_MISS/200 100 GET "
                              "http://User@C.Example:8080/x?y=1 - HIER_DIRECT/1.1.1.1 text/html\n"
                              "garbage\n")
    log.write_text(text)
    summary = read_egress(log, lambda h: h == "b.example")
    assert summary.format == "squid" and summary.requests == 4 and summary.unparsed == 1
    assert summary.unaccepted == (("a.example", 2), ("c.example", 1))
    assert len(summary.sha256) == 64


def test_csv_with_counts_and_header(tmp_path):
    log = tmp_path / "egress.csv"
    log.write_text("host,count\nbank.sharepoint.com,10\nfiles.evil.example,3\n"
                   "files.evil.example,2\n10.1.2.3\n", encoding="utf-8")
    summary = read_egress(log, lambda h: h.endswith(".sharepoint.com"))
    assert summary.format == "csv" and summary.requests == 16
    assert summary.unaccepted == (("files.evil.example", 5), ("10.1.2.3", 1))


def test_distinct_destinations_are_capped(tmp_path):
    log = squid_log(tmp_path / "access.log", *(f"h{i}.example" for i in range(30)))
    summary = read_egress(log, lambda h: False, max_hosts=10)
    assert summary.truncated and summary.unaccepted_hosts == 30
    assert summary.unaccepted_requests == 30 and len(summary.unaccepted) == 10


@pytest.mark.parametrize("content, words", [(b"\x00\x01", "NUL"), (b"!!!\n???\n", "no destination")])
def test_not_a_log(tmp_path, content, words):
    log = tmp_path / "x.log"
    log.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_egress(log, lambda h: True)
    assert words in str(caught.value)


def test_overlong_line_is_skipped_not_held(tmp_path):
    log = tmp_path / "x.csv"
    log.write_bytes(b"a" * (3 << 20) + b"\nok.example\n")
    summary = read_egress(log, lambda h: False)
    assert summary.unparsed == 1 and summary.unaccepted == (("ok.example", 1),)


def test_check_reports_unapproved_destinations(run, tmp_path):
    log = squid_log(tmp_path / "access.log", "yesibank.sharepoint.com", "login.microsoftonline.com",
                    "outlook.office365.com", "copilot.microsoft.com", "dropbox.com", "dropbox.com")
    result = run("check", PROFILE, "--egress-log", log, "--format", "json", "--lang", "en")
    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    (finding,) = [f for f in document["findings"] if f["rule_id"] == "EGRESS-DESTINATIONS"]
    assert finding["status"] == "fail" and finding["area"] == "network_link"
    # copilot is not in the approved scope; sharepoint is (host table); login is allowed
    assert [m["fact"] for m in finding["actual"]] == ["dropbox.com", "copilot.microsoft.com"]
    assert "dropbox.com (2)" in finding["message"]
    (record,) = document["tenant_evidence"]
    assert record["source"] == "egress-squid" and record["file"] == str(log)
    assert record["contradicted"] == ["network_link.internet_access_control"]


def test_check_confirms_a_clean_log(run, tmp_path):
    log = tmp_path / "egress.csv"
    log.write_text("yesibank.sharepoint.com,100\nteams.microsoft.com,4\n", encoding="utf-8")
    result = run("check", PROFILE, "--egress-log", log, "--format", "json")
    assert result.exit_code == 0, result.stdout
    document = json.loads(result.stdout)
    (finding,) = [f for f in document["findings"] if f["rule_id"] == "EGRESS-DESTINATIONS"]
    assert finding["status"] == "pass"


_CHILD = """
import resource, sys
from netsep_check.facts.egress import read_egress
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
summary = read_egress(sys.argv[1], lambda h: h.endswith('.sharepoint.com'))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(after - before, summary.requests, summary.unaccepted_hosts)
"""


def test_a_large_log_streams_in_bounded_memory(tmp_path):
    """64 MiB of log read by a child process (a named pipe is refused, as every special file
    is, so the log is a file): its peak memory grows by a small fraction of that."""
    lines = "".join(SQUID.format(host=f"s{i % 97}.sharepoint.com" if i % 5 else
                                 f"x{i % 300}.example") for i in range(20000)).encode()
    log = tmp_path / "access.log"
    sent = 0
    with open(log, "wb") as handle:
        while sent < 64 << 20:
            handle.write(lines)
            sent += len(lines)
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(log)],
                             stdout=subprocess.PIPE, cwd=ROOT)
    grown_kib, requests, unaccepted = map(int, child.stdout.read().split())
    assert child.wait() == 0
    assert requests == sent // len(lines) * 20000 and unaccepted == 60  # x0, x5, … x295
    assert grown_kib < 16 * 1024, f"peak memory grew by {grown_kib} KiB for {sent >> 20} MiB"


def test_the_example_log(run):
    result = run("check", PROFILE, "--egress-log", ROOT / "examples/tenant/proxy-access.log",
                 "--format", "json")
    assert result.exit_code == 1
    (finding,) = [f for f in json.loads(result.stdout)["findings"]
                  if f["rule_id"] == "EGRESS-DESTINATIONS"]
    assert [m["fact"] for m in finding["actual"]] == ["copilot.microsoft.com", "www.dropbox.com"]


def test_an_empty_log_is_an_input_error_not_a_clean_bill(run, tmp_path):
    """A zero-byte log shows nothing reached: it must not read as "all destinations allowed"
    (cold review F5)."""
    empty = tmp_path / "empty.log"
    empty.write_bytes(b"")
    result = run("check", PROFILE, "--egress-log", empty, "--lang", "en")
    assert result.exit_code == 2 and "holds no request" in result.stderr


# --- a host that names a customer's tenant (<tenant>.sharepoint.com): the firm's own only ------

def _tenant_profile(tmp_path: Path, allowed: list[str]) -> Path:
    import yaml

    data = yaml.safe_load(PROFILE.read_text(encoding="utf-8"))
    data["security_measures"]["network_link"]["internet_access_control"][
        "allowed_destinations"] = allowed
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _egress(run, profile: Path, log: Path) -> dict:
    result = run("check", profile, "--egress-log", log, "--format", "json", "--lang", "en")
    assert result.exit_code in (0, 1), result.stderr
    (finding,) = [f for f in json.loads(result.stdout)["findings"]
                  if f["rule_id"] == "EGRESS-DESTINATIONS"]
    return finding


def test_another_tenants_sharepoint_is_not_the_firms_saas(run, tmp_path):
    """Before: any *.sharepoint.com host belonged to the approved product sharepoint_online,
    so uploads to an attacker's tenant passed EGRESS-DESTINATIONS (a false green)."""
    log = tmp_path / "egress.csv"
    log.write_text("yesibank.sharepoint.com,100\nyesibank-my.sharepoint.com,7\n"
                   "YesiBank-Files.SharePoint.com.,2\nattacker.sharepoint.com,3\n"
                   "www.attacker.sharepoint.com,1\nteams.microsoft.com,4\n", encoding="utf-8")
    finding = _egress(run, PROFILE, log)
    assert finding["status"] == "fail"
    assert sorted(m["fact"] for m in finding["actual"]) == [
        "attacker.sharepoint.com", "www.attacker.sharepoint.com"]
    assert "counts only for the firm's own tenant" in finding["message"]


@pytest.mark.parametrize("allowed", [
    ["*.sharepoint.com", "login.microsoftonline.com"],  # a wildcard over every tenant
    ["login.microsoftonline.com"],  # no tenant named at all
])
def test_a_tenant_is_accepted_only_when_the_profile_names_it(run, tmp_path, allowed):
    log = tmp_path / "egress.csv"
    log.write_text("yesibank.sharepoint.com,100\nattacker.sharepoint.com,3\n", encoding="utf-8")
    finding = _egress(run, _tenant_profile(tmp_path, allowed), log)
    assert finding["status"] == "fail"
    assert sorted(m["fact"] for m in finding["actual"]) == [
        "attacker.sharepoint.com", "yesibank.sharepoint.com"]


def test_another_tenants_mail_host_is_not_the_firms_exchange(run, tmp_path):
    """Every host under *.protection.outlook.com belonged to exchange_online, so traffic to
    another firm's <domain>.mail.protection.outlook.com passed as the firm's own Exchange."""
    log = tmp_path / "egress.csv"
    log.write_text("yesibank-co-kr.mail.protection.outlook.com,9\n"
                   "attacker-com.mail.protection.outlook.com,2\n"
                   "eur.protection.outlook.com,1\n", encoding="utf-8")
    finding = _egress(run, _tenant_profile(tmp_path, [
        "login.microsoftonline.com", "yesibank-co-kr.mail.protection.outlook.com"]), log)
    assert finding["status"] == "fail"
    assert [m["fact"] for m in finding["actual"]] == ["attacker-com.mail.protection.outlook.com"]


def test_the_firms_onedrive_host_names_its_tenant_too(run, tmp_path):
    log = tmp_path / "egress.csv"
    log.write_text("yesibank.sharepoint.com,10\nyesibank-my.sharepoint.com,5\n", encoding="utf-8")
    profile = _tenant_profile(tmp_path, ["yesibank-my.sharepoint.com", "teams.microsoft.com"])
    assert _egress(run, profile, log)["status"] == "pass"


def test_tenant_labels_of_the_host_table():
    from netsep_check.facts.mapping import load_hosts

    hosts = load_hosts()
    assert hosts.tenant("a.b.yesibank-my.SharePoint.com.") == (".sharepoint.com", "yesibank-my")
    assert hosts.tenant("sharepoint.com") is None  # the bare domain is no tenant's
    assert hosts.tenant("outlook.office365.com") is None
    assert hosts.tenant("x.sharepointonline.com") is None  # shared by every tenant
    labels = hosts.tenant_labels(".sharepoint.com", "yesibank-my")
    assert {"yesibank", "yesibank-my", "yesibank-files", "yesibank-admin"} <= labels
    assert "yesibankmy" not in labels and "attacker" not in labels


def test_tenant_endings_only_on_a_wildcard_row(tmp_path):
    from netsep_check.facts.mapping import load_hosts

    table = tmp_path / "egress-hosts.yaml"
    table.write_text('hosts:\n  - {host: a.example.com, products: [x], tenant_endings: [""]}\n',
                     encoding="utf-8")
    with pytest.raises(InputError):
        load_hosts(table)


@pytest.mark.parametrize("own", ["yesibank", "yesibank-my", "a1", "ab-admin"])
def test_accept_on_a_tenant_suffix_is_exactly_the_own_tenant(own):
    """Property over every label made of the letters of the own tenant's name and an ending:
    a host under sharepoint.com is accepted exactly when its tenant label is one of the own
    tenant's labels, whatever the approved products or a wildcard of the allow-list say."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from netsep_check.evaluate.egress import egress_accept
    from netsep_check.facts.mapping import load_hosts

    hosts = load_hosts()
    profile = {"designation": {"approved_scope": {"saas_products": ["sharepoint_online"]}},
               "security_measures": {"network_link": {"internet_access_control": {
                   "allowed_destinations": [f"{own}.sharepoint.com", "*.sharepoint.com"]}}}}
    accept = egress_accept(profile, hosts)
    labels = hosts.tenant_labels(".sharepoint.com", own)
    base = own.split("-")[0]
    ends = st.sampled_from(["", "-my", "-files", "-myfiles", "-admin", "-evil", "x", "-m"])

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=sorted(set(base + "x-")), min_size=1, max_size=12), ends,
           st.sampled_from(["", "www.", "a.b."]))
    def check(name: str, end: str, above: str) -> None:
        label = (name + end).strip("-") or "x"
        host = f"{above}{label}.sharepoint.com"
        assert accept(host) == (label in labels), host

    check()
    assert accept(f"{base}.sharepoint.com") and not accept("attacker.sharepoint.com")

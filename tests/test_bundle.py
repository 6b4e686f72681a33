"""Sealed submissions: bundle create / verify, check on a bundle, and hostile zips (exit 2)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from netsep_check.bundle.archive import ZipLimits, extract
from netsep_check.errors import InputError
from tests.conftest import EXAMPLES, variant

ROOT = Path(__file__).resolve().parents[1]
M365 = EXAMPLES / "m365-compliant.yaml"
FAILING = EXAMPLES / "pulse-noncompliant-controls.yaml"
WALL = 60  # seconds, per child process


def create(run, profile: Path, out: Path, *extra: object) -> Path:
    result = run("bundle", "create", profile, "-o", out, *extra)
    assert result.exit_code == 0, result.stderr
    return out


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rewrite(source: Path, target: Path, change) -> Path:
    """A copy of a bundle with its members changed by ``change(dict)``."""
    files = members(source)
    change(files)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return target


# --- create and verify ------------------------------------------------------------------------

def test_create_holds_profile_evidence_report_manifest(run, tmp_path):
    bundle = create(run, M365, tmp_path / "s.zip")
    files = members(bundle)
    assert list(files)[:2] == ["manifest.json", "report.json"]
    assert "submission/m365-compliant.yaml" in files
    evidence = [n for n in files if n.startswith("submission/evidence/")]
    assert len(evidence) == 3
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "netsep-check-bundle"
    assert manifest["packs"][0]["id"] == "sandbox-2024" and manifest["packs"][0]["digest"]
    import hashlib

    listed = {m["name"]: m["sha256"] for m in manifest["members"]}
    assert set(listed) == set(files) - {"manifest.json"}
    for name, digest in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == digest
    report = json.loads(files["report.json"])
    assert report["profile"]["file"] == "submission/m365-compliant.yaml"
    assert report["summary"]["verdict"] == "pass"
    assert str(tmp_path) not in files["report.json"].decode()  # no temporary path leaks


def test_source_date_epoch_makes_bundles_byte_identical(tmp_path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01

    def make(name: str) -> bytes:
        out = tmp_path / name
        subprocess.run([sys.executable, "-m", "netsep_check", "bundle", "create", str(M365),
                        "-o", str(out)], check=True, env=env, capture_output=True,
                       timeout=WALL)
        return out.read_bytes()

    assert make("a.zip") == make("b.zip")
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 1, 1, 0, 0, 0)}
        assert json.loads(archive.read("manifest.json"))["created"] == "2026-01-01T00:00:00Z"


def test_verify_intact_bundle_exit_0(run, tmp_path):
    bundle = create(run, M365, tmp_path / "s.zip")
    result = run("bundle", "verify", bundle, "--lang", "en")
    assert result.exit_code == 0, result.stdout
    assert "INTACT" in result.stdout and "NOT INTACT" not in result.stdout


def test_verify_checks_the_recorded_digest(run, tmp_path):
    bundle = create(run, M365, tmp_path / "s.zip")
    digest = json.loads(run("bundle", "verify", bundle, "--format", "json").stdout)[
        "manifest_sha256"]
    assert run("bundle", "verify", bundle, "--expect", digest).exit_code == 0
    assert run("bundle", "verify", bundle, "--expect", "0" * 64).exit_code == 1


def _verify_json(run, path: Path) -> tuple[int, dict]:
    result = run("bundle", "verify", path, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def test_altered_evidence_is_caught_with_its_verdict(run, tmp_path):
    bundle = create(run, M365, tmp_path / "s.zip")
    name = "submission/evidence/fsi-evaluation-microsoft-2024.txt"

    def alter(files):
        files[name] = files[name] + b"\nforged line\n"

    code, found = _verify_json(run, rewrite(bundle, tmp_path / "t.zip", alter))
    assert code == 1 and not found["intact"]
    assert found["altered"] == [name]
    changed = {v["rule_id"]: (v["sealed"], v["rechecked"]) for v in found["verdicts"]}
    assert changed["EVID-SHA256-MATCH"] == ("pass", "fail")


def test_added_member_is_caught(run, tmp_path):
    bundle = create(run, M365, tmp_path / "s.zip")
    code, found = _verify_json(run, rewrite(
        bundle, tmp_path / "t.zip", lambda f: f.update({"submission/extra.pdf": b"%PDF"})))
    assert code == 1 and found["added"] == ["submission/extra.pdf"]
    assert not found["altered"] and not found["missing"]


def test_missing_member_is_caught(run, tmp_path):
    bundle = create(run, M365, tmp_path / "s.zip")
    name = "submission/evidence/designation-notice-2024-09-27.txt"
    code, found = _verify_json(run, rewrite(bundle, tmp_path / "t.zip",
                                            lambda f: f.pop(name)))
    assert code == 1 and found["missing"] == [name]
    assert any(v["rule_id"] == "EVID-FILE-PRESENT" for v in found["verdicts"])


def test_altered_verdict_in_the_sealed_report_is_caught(run, tmp_path):
    bundle = create(run, FAILING, tmp_path / "s.zip")

    def forge(files):
        report = json.loads(files["report.json"])
        failing = next(f for f in report["findings"] if f["status"] == "fail")
        failing["status"] = "pass"
        files["report.json"] = json.dumps(report).encode()

    code, found = _verify_json(run, rewrite(bundle, tmp_path / "t.zip", forge))
    assert code == 1 and found["altered"] == ["report.json"]
    assert [(v["sealed"], v["rechecked"]) for v in found["verdicts"]] == [("pass", "fail")]


def test_forged_report_with_a_rehashed_manifest_is_still_caught(run, tmp_path):
    """Even when the forger updates the manifest too, the re-check disagrees."""
    import hashlib

    bundle = create(run, FAILING, tmp_path / "s.zip")

    def forge(files):
        report = json.loads(files["report.json"])
        for finding in report["findings"]:
            if finding["status"] == "fail":
                finding["status"] = "pass"
        report["summary"]["verdict"] = "pass"
        files["report.json"] = json.dumps(report).encode()
        manifest = json.loads(files["manifest.json"])
        for member in manifest["members"]:
            member["sha256"] = hashlib.sha256(files[member["name"]]).hexdigest()
        files["manifest.json"] = json.dumps(manifest).encode()

    code, found = _verify_json(run, rewrite(bundle, tmp_path / "t.zip", forge))
    assert code == 1 and not found["altered"]
    assert found["verdicts"] and found["rechecked_verdict"] == "fail"


def test_altered_profile_is_caught(run, tmp_path):
    bundle = create(run, M365, tmp_path / "s.zip")
    name = "submission/m365-compliant.yaml"

    def alter(files):
        files[name] = files[name].replace(b"mobile_access: false", b"mobile_access: true")

    code, found = _verify_json(run, rewrite(bundle, tmp_path / "t.zip", alter))
    assert code == 1 and found["altered"] == [name]


# --- check on a bundle ------------------------------------------------------------------------

@pytest.mark.parametrize(("profile", "code"), [(M365, 0), (FAILING, 1)])
def test_check_judges_a_bundle_like_its_profile(run, tmp_path, profile, code):
    bundle = create(run, profile, tmp_path / "s.zip")
    direct = run("check", profile, "--format", "json")
    sealed = run("check", bundle, "--format", "json")
    assert (direct.exit_code, sealed.exit_code) == (code, code)
    before, after = json.loads(direct.stdout), json.loads(sealed.stdout)
    assert [(f["rule_id"], f["status"]) for f in before["findings"]] == \
        [(f["rule_id"], f["status"]) for f in after["findings"]]
    assert after["profile"]["file"] == f"{bundle}:submission/{profile.name}"
    assert after["evidence_checked"] == before["evidence_checked"]


def test_check_a_bundle_uses_its_own_evidence(run, tmp_path):
    profile = variant(tmp_path, "m365-compliant.yaml", "p.yaml")
    bundle = create(run, profile, tmp_path / "s.zip")
    (tmp_path / "evidence" / "fsi-evaluation-microsoft-2024.txt").write_text("changed")
    assert run("check", profile).exit_code == 1  # the loose copy no longer matches
    assert run("check", bundle).exit_code == 0  # the sealed one still does


def test_check_bundle_refuses_evidence_root(run, tmp_path):
    bundle = create(run, M365, tmp_path / "s.zip")
    assert run("check", bundle, "--evidence-root", tmp_path).exit_code == 2


def test_bundle_with_missing_evidence_still_seals_the_failure(run, tmp_path):
    profile = variant(tmp_path, "m365-compliant.yaml", "p.yaml")
    (tmp_path / "evidence" / "designation-notice-2024-09-27.txt").unlink()
    result = run("bundle", "create", profile, "-o", tmp_path / "s.zip")
    assert result.exit_code == 0 and "EV-02" in result.stderr
    code, found = _verify_json(run, tmp_path / "s.zip")
    assert code == 0 and found["sealed_verdict"] == "fail"


# --- hostile zips: refused with exit 2, in a child process, bounded in time -------------------

def _info(name: str, mode: int | None = None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    if mode is not None:
        info.create_system = 3
        info.external_attr = mode << 16
    return info


def _zip(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point of one case
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for info, data in entries:
                archive.writestr(info, data)
    return path


def _encrypted(path: Path) -> Path:
    _zip(path, [("manifest.json", b"{}"), ("secret.txt", b"x" * 100)])
    data = bytearray(path.read_bytes())
    # set bit 0 (encrypted) of the general-purpose flags of both headers of every member
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := data.find(signature, start)) != -1:
            data[found + offset] |= 1
            start = found + 4
    path.write_bytes(bytes(data))
    return path


HOSTILE = {
    "dotdot": (lambda p: _zip(p, [("manifest.json", b"{}"), ("../evil.txt", b"x")]), "'..'"),
    "dotdot-nested": (lambda p: _zip(p, [("submission/../../evil.txt", b"x")]), "'..'"),
    "absolute": (lambda p: _zip(p, [("/tmp/netsep-evil.txt", b"x")]), "absolute"),
    "drive": (lambda p: _zip(p, [("C:/evil.txt", b"x")]), "absolute"),
    "backslash": (lambda p: _zip(p, [("..\\evil.txt", b"x")]), "backslash"),
    "symlink": (lambda p: _zip(p, [(_info("submission/link", stat.S_IFLNK | 0o777),
                                    b"/etc/passwd")]), "symbolic link"),
    "duplicate": (lambda p: _zip(p, [("manifest.json", b"{}"), ("manifest.json", b"[]")]),
                  "duplicate"),
    "duplicate-case": (lambda p: _zip(p, [("Report.json", b"{}"), ("report.json", b"{}")]),
                       "duplicate"),
    "ratio-bomb": (lambda p: _zip(p, [("zeros.bin", bytes(40 * 1024 * 1024))]), "zip bomb"),
    "many-members": (lambda p: _zip(p, [(f"f{i}.txt", b"") for i in range(2100)]), "limit"),
    "encrypted": (_encrypted, "encrypted"),
    "not-a-zip": (lambda p: (p.write_text("profile_version: 1\n"), p)[1], "not a valid zip"),
    "truncated": (lambda p: (p.write_bytes(M365.read_bytes()[:0] + b"PK\x03\x04" + b"\0" * 40),
                             p)[1], "not a valid zip"),
    "no-manifest": (lambda p: _zip(p, [("report.json", b"{}")]), "manifest.json"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
@pytest.mark.parametrize("command", [("bundle", "verify"), ("check",)])
def test_hostile_zip_is_refused_with_exit_2(tmp_path, case, command):
    build, words = HOSTILE[case]
    bundle = build(tmp_path / f"{case}.zip")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    proc = subprocess.run([sys.executable, "-m", "netsep_check", *command, str(bundle),
                           "--lang", "en"],
                          capture_output=True, text=True, timeout=WALL, cwd=tmp_path, env=env)
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    assert words.lower() in proc.stderr.lower(), proc.stderr
    assert bundle.name in proc.stderr
    assert list(scratch.iterdir()) == []  # the private folder is always removed
    assert not (tmp_path / "evil.txt").exists() and not Path("/tmp/netsep-evil.txt").exists()


@pytest.mark.parametrize(("limits", "words"), [
    (ZipLimits(max_member_bytes=1000), "expands past the limit"),
    (ZipLimits(max_total_bytes=1500), "total limit"),
    (ZipLimits(max_members=1), "limit is 1"),
])
def test_size_limits_count_the_bytes_actually_read(tmp_path, limits, words):
    bundle = _zip(tmp_path / "b.zip", [("a.bin", os.urandom(900)), ("b.bin", os.urandom(900)),
                                      ("c.bin", os.urandom(1200))])
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InputError, match=words):
        extract(bundle, out, limits)


def test_header_sizes_are_not_trusted(tmp_path):
    """A central directory that understates a member's size does not let more through."""
    bundle = _zip(tmp_path / "b.zip", [("a.txt", b"hello world " * 1000)])
    data = bytearray(bundle.read_bytes())
    central = data.find(b"PK\x01\x02")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")  # uncompressed size: 10
    local = data.find(b"PK\x03\x04")
    data[local + 22:local + 26] = (10).to_bytes(4, "little")
    bundle.write_bytes(bytes(data))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InputError, match="not a valid zip"):
        extract(bundle, out)


def test_a_claimed_million_members_is_refused_before_reading_the_directory(tmp_path):
    bundle = _zip(tmp_path / "b.zip", [("a.txt", b"x")])
    data = bytearray(bundle.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8:end + 12] = (60000).to_bytes(2, "little") * 2  # entries on disk, in all
    bundle.write_bytes(bytes(data))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InputError, match="60000 members"):
        extract(bundle, out)
    data[end + 8:end + 12] = (0xFFFF).to_bytes(2, "little") * 2
    bundle.write_bytes(bytes(data))
    with pytest.raises(InputError, match="ZIP64"):
        extract(bundle, out)


def test_manifest_naming_a_profile_outside_the_members_is_refused(run, tmp_path):
    bundle = create(run, M365, tmp_path / "s.zip")

    def point_away(files):
        manifest = json.loads(files["manifest.json"])
        manifest["profile"] = "submission/../../../etc/passwd"
        files["manifest.json"] = json.dumps(manifest).encode()

    forged = rewrite(bundle, tmp_path / "t.zip", point_away)
    for command in (("bundle", "verify"), ("check",)):
        result = run(*command, forged)
        assert result.exit_code == 2 and "not one of the listed members" in result.stderr


def test_manifest_as_of_moved_is_caught(run, tmp_path):
    bundle = create(run, M365, tmp_path / "s.zip")

    def move(files):
        manifest = json.loads(files["manifest.json"])
        manifest["as_of"] = "2030-01-01"
        files["manifest.json"] = json.dumps(manifest).encode()

    code, found = _verify_json(run, rewrite(bundle, tmp_path / "t.zip", move))
    assert code == 1 and any("as_of" in p for p in found["recheck_problems"])


def test_highly_compressible_evidence_still_verifies(run, tmp_path):
    """A large log of zeros is stored, not deflated, so verify does not take it for a bomb."""
    profile = variant(tmp_path, "m365-compliant.yaml", "p.yaml",
                      ("path: evidence/designation-notice-2024-09-27.txt\n"
                       "    sha256: \"5587e5e01a08eefa2d7b9f57f94d68ea8ecfdc2fe258d6f57a9f62df078007e2\"",
                       "path: evidence/zeros.log"))
    (tmp_path / "evidence" / "zeros.log").write_bytes(bytes(5 * 1024 * 1024))
    bundle = create(run, profile, tmp_path / "s.zip")
    with zipfile.ZipFile(bundle) as archive:
        info = archive.getinfo("submission/evidence/zeros.log")
        assert info.compress_type == zipfile.ZIP_STORED
    assert run("bundle", "verify", bundle).exit_code == 0


@pytest.mark.parametrize("manifest", [
    b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",  # nested past any reader's stack
    b'{"a": ' + b"9" * 5_000 + b"}",  # more digits than int() reads
], ids=["deep", "long-number"])
@pytest.mark.parametrize("command", ["verify", "check"])
def test_a_manifest_no_reader_can_read_is_an_input_error(run, tmp_path, manifest, command):
    """Exit 3 before (an independent hostile run): a RecursionError escaped the manifest's
    JSON reader."""
    bundle = create(run, M365, tmp_path / "s.zip")
    broken = rewrite(bundle, tmp_path / "broken.zip",
                     lambda files: files.update({"manifest.json": manifest}))
    args = ("bundle", "verify", broken) if command == "verify" else ("check", broken)
    result = run(*args, "--lang", "en")
    assert result.exit_code == 2, result.output
    assert "manifest.json" in result.output


@pytest.mark.parametrize("where", ["member", "archive"])
def test_a_zip64_member_or_end_record_is_refused(tmp_path, where):
    """The README promised ZIP64 refused, but only an end record claiming 65,535 members was:
    a small member written with ZIP64 sizes, or a ZIP64 end record beside ordinary counts,
    went through."""
    bundle = tmp_path / "b.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        with archive.open("a.txt", "w", force_zip64=where == "member") as member:
            member.write(b"x")
        archive.writestr("b.txt", b"y")
    if where == "archive":  # what the zip module writes past 65,535 members, on a small one
        data = bytearray(bundle.read_bytes())
        end = data.rfind(b"PK\x05\x06")
        offset = int.from_bytes(data[end + 16:end + 20], "little")
        size = int.from_bytes(data[end + 12:end + 16], "little")
        record = (b"PK\x06\x06" + (44).to_bytes(8, "little") + (45).to_bytes(2, "little") * 2
                  + bytes(8) + (2).to_bytes(8, "little") * 2 + size.to_bytes(8, "little")
                  + offset.to_bytes(8, "little"))
        locator = b"PK\x06\x07" + bytes(4) + end.to_bytes(8, "little") + (1).to_bytes(4, "little")
        bundle.write_bytes(bytes(data[:end]) + record + locator + bytes(data[end:]))
        assert zipfile.ZipFile(bundle).namelist() == ["a.txt", "b.txt"]
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InputError, match="ZIP64"):
        extract(bundle, out)
    assert list(out.iterdir()) == []


# --- a manifest or sealed report of the wrong shape (an independent hostile run, 2026-12-01) --

def _json_member(name: str, key: str, value: object):
    def change(files: dict[str, bytes]) -> None:
        document = json.loads(files[name])
        document[key] = value
        files[name] = json.dumps(document).encode()
    return change


@pytest.mark.parametrize(("member", "key", "value", "code"), [
    ("manifest.json", "tool", "netsep-check", 2), ("manifest.json", "tool", [], 2),
    ("manifest.json", "packs", 3, 2), ("manifest.json", "packs", {"0": {}}, 2),
    ("manifest.json", "packs", [], 2),
    ("report.json", "summary", [], 1), ("report.json", "summary", "pass", 1),
    ("report.json", "summary", 0, 1),
])
def test_a_malformed_manifest_or_report_is_named_never_an_internal_error(
        run, tmp_path, member, key, value, code):
    """``tool`` or ``packs`` of the wrong type in the manifest: an input error (was exit 3);
    a sealed report whose summary is not a mapping has no sealed verdict: not intact."""
    bundle = rewrite(create(run, M365, tmp_path / "s.zip"), tmp_path / "bad.zip",
                     _json_member(member, key, value))
    for fmt in ("text", "json"):
        result = run("bundle", "verify", bundle, "--format", fmt, "--lang", "en")
        assert result.exit_code == code, (fmt, result.stdout, result.stderr)
        if code == 1:
            assert "NOT INTACT" in result.stdout or '"intact": false' in result.stdout


def test_verify_and_create_say_which_pack_judged_and_a_regime_mismatch(run, tmp_path):
    """A sandbox profile sealed with the standing exception's pack: its pass is that pack's,
    and verify's text said neither the pack nor the mismatch (only its JSON had the pack)."""
    made = run("bundle", "create", M365, "-o", tmp_path / "s.zip", "--pack",
               "standing-exception-2026")
    assert made.exit_code == 0, made.stderr
    assert "(pack standing-exception-2026 " in made.stderr
    assert "the profile's regime is sandbox" in made.stderr
    for lang, words in (("en", "re-checked with pack standing-exception-2026"),
                        ("ko", "재점검에 쓴 정책 팩: standing-exception-2026")):
        text = run("bundle", "verify", tmp_path / "s.zip", "--lang", lang).stdout
        assert words in text and "sandbox" in text, text
    code, document = _verify_json(run, tmp_path / "s.zip")
    assert code == 0 and document["rechecked_pack"]["id"] == "standing-exception-2026"
    assert [n["code"] for n in document["report_notes"]] == ["regime_mismatch"]


def test_an_invalid_profile_in_a_bundle_is_named_as_the_bundle_holds_it(run, tmp_path):
    """``check bundle.zip`` of a bundle whose profile is invalid named the private folder it
    was read from (``/tmp/netsep-bundle-…/submission/…``), gone once the command ended."""
    bundle = create(run, M365, tmp_path / "s.zip")

    def spoil(files: dict[str, bytes]) -> None:
        name = "submission/m365-compliant.yaml"
        files[name] = files[name].replace(b"profile_version: 1", b"profile_version: 1\nbogus: 1")
    bad = rewrite(bundle, tmp_path / "bad.zip", spoil)
    result = run("check", bad, "--lang", "en", "--format", "json")
    assert result.exit_code == 2
    assert f"{bad}:submission/m365-compliant.yaml:" in result.stderr
    assert "netsep-bundle" not in result.stderr + result.stdout


def test_verify_text_says_the_sealed_verdict_of_an_intact_failing_submission(run, tmp_path):
    """Intact (exit 0) is about the seal; the text said nothing else, so a reader could not
    tell the submission fails, which its JSON said (``sealed_verdict: fail``)."""
    bundle = create(run, EXAMPLES / "m365-noncompliant-scope.yaml", tmp_path / "nc.zip")
    result = run("bundle", "verify", bundle, "--lang", "en")
    assert result.exit_code == 0
    assert "sealed verdict: FAIL (not compliant); re-checked: FAIL (not compliant)" \
        in result.stdout
    korean = run("bundle", "verify", bundle).stdout
    assert "봉인된 판정: 위반 (부적합)" in korean

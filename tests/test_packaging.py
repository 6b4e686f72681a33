"""What `pip install .` ships: every sub-package, every schema, template and pack file."""

from __future__ import annotations

import configparser

from tests.conftest import ROOT


def test_every_subpackage_is_listed_in_setup_cfg():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    listed = set(config["options"]["packages"].split())
    found = {".".join(path.parent.relative_to(ROOT).parts)
             for path in (ROOT / "netsep_check").rglob("__init__.py")}
    assert found <= listed, f"missing from setup.cfg [options] packages: {sorted(found - listed)}"


def test_installed_commands_work_outside_the_checkout(tmp_path):
    """Run from an empty folder, so the package comes from the installation, not the tree."""
    import subprocess
    import sys

    for args in (["explain", "SCOPE-TASKS", "--lang", "en"],
                 ["policy", "lint", "sandbox-2024"], ["policy", "test", "standing-exception-2026"],
                 ["schema", "waivers"], ["init", "--service", "pulse"]):
        done = subprocess.run([sys.executable, "-m", "netsep_check", *args], cwd=tmp_path,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, (args, done.stderr)

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

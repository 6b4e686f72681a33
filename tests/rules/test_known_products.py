"""A product the pack knows as one service's (Microsoft 365's, Pulse's) is covered only by an
evaluation of that service's provider. Under the standing exception nothing else ties a product
to its provider, so Microsoft's products declared under another provider, whose evaluation
letter listed them, read COMPLIANT (found by an independent hostile run, 2026-12-01)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from netsep_check.api import Options, run
from tests.conftest import EXAMPLES


def _judged(tmp_path: Path, example: str, provider: str, products: list[str] | None,
            used: list[str] | None = None) -> Any:
    data = json.loads(json.dumps(yaml.safe_load(
        (EXAMPLES / example).read_text(encoding="utf-8")), default=str))
    if used is not None:
        data["usage"]["saas_products"] = used
    old = data["usage"]["providers"][0]
    entry = next(p for p in data["providers"] if p["id"] == old)
    entry["id"] = provider
    if products is not None:
        entry["security_evaluation"]["products"] = products
    data["usage"]["providers"] = [provider if p == old else p for p in data["usage"]["providers"]]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run([path], Options(evidence_root=EXAMPLES))
    return result, {f.rule.id: f.status for f in result.reports[0].findings}


def test_microsoft_products_under_another_provider_fail(tmp_path: Path) -> None:
    listed = json.loads(json.dumps(yaml.safe_load(
        (EXAMPLES / "standing-compliant.yaml").read_text(encoding="utf-8")),
        default=str))["usage"]["saas_products"]
    result, status = _judged(tmp_path, "standing-compliant.yaml", "acme_cloud", listed)
    assert status["PROV-COVERS-PRODUCTS"] == "fail"
    assert result.verdict == "fail" and result.exit_code == 1


@pytest.mark.parametrize("products", [None, "listed"])
def test_the_service_provider_still_covers_its_products(tmp_path: Path, products) -> None:
    data = yaml.safe_load((EXAMPLES / "standing-compliant.yaml").read_text(encoding="utf-8"))
    listed = data["usage"]["saas_products"] if products == "listed" else None
    _, status = _judged(tmp_path, "standing-compliant.yaml", "microsoft", listed)
    assert status["PROV-COVERS-PRODUCTS"] == "pass"


def test_microsoft_products_under_other_spellings_fail_too(tmp_path: Path) -> None:
    """Sixth hostile run: microsoft_teams and m365_onedrive rode on another provider's
    evaluation (the pack's name fragments know them as Microsoft's)."""
    spelled = ["microsoft_teams", "m365_onedrive"]
    _, status = _judged(tmp_path, "standing-compliant.yaml", "acme_cloud", spelled, spelled)
    assert status["PROV-COVERS-PRODUCTS"] == "fail"
    _, status = _judged(tmp_path, "standing-compliant.yaml", "microsoft", spelled, spelled)
    assert status["PROV-COVERS-PRODUCTS"] == "pass"

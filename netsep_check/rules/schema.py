"""JSON Schemas of rule files and pack files; the condition part comes from the registry."""

from __future__ import annotations

from functools import cache
from typing import Any

from netsep_check.rules.compiler import condition_schema
from netsep_check.rules.model import AREAS, SEVERITIES, STRENGTHS
from netsep_check.vocabulary import EVIDENCE_STATUSES

RULE_ID = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$"
_BILINGUAL = {"type": "object", "required": ["ko", "en"], "additionalProperties": False,
              "properties": {"ko": {"type": "string", "minLength": 1},
                             "en": {"type": "string", "minLength": 1}}}
_DATE = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"}
_TEST = {
    "type": "object", "required": ["expect"], "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "expect": {"enum": ["pass", "fail", "not_applicable", "error"]},
        "base": {"type": "string", "description": "name of a test base profile of the pack"},
        "as_of": _DATE,
        "set": {"type": "object", "description": "field path → value to set on the base"},
        "unset": {"type": "array", "items": {"type": "string"}},
        "evidence_files": {
            "type": "object", "additionalProperties": {"enum": list(EVIDENCE_STATUSES)},
            "description": "evidence id → how its file came out of verification, as if "
                           "the files had been read (for the evidence_files operator)"},
    },
}
_BASIS = {
    "type": "object", "required": ["source", "clause", "strength"], "additionalProperties": False,
    "properties": {
        "source": {"type": "string", "minLength": 1,
                   "description": "id of a source listed in the pack, or a title"},
        "clause": {"type": "string", "minLength": 1},
        "strength": {"enum": list(STRENGTHS)},
        "brief": {"type": "string", "description": "the line of the domain brief it rests on"},
    },
}
_RULE = {
    "type": "object",
    "required": ["id", "area", "severity", "title", "rationale", "remediation", "basis", "check"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": RULE_ID},
        "area": {"enum": list(AREAS)},
        "severity": {"enum": list(SEVERITIES)},
        "title": _BILINGUAL,
        "rationale": _BILINGUAL,
        "remediation": _BILINGUAL,
        "basis": {"oneOf": [
            {"$ref": "#/$defs/basis"},
            {"type": "object", "minProperties": 1, "additionalProperties": False,
             "description": "one basis per regime, for a rule shared by packs of both regimes",
             "properties": {"sandbox": {"$ref": "#/$defs/basis"},
                            "standing_exception": {"$ref": "#/$defs/basis"}}},
        ]},
        "waivable": {"type": "boolean", "default": True},
        "notes": {
            "type": "array", "minItems": 1,
            "description": "what the report must say besides the verdict: each note is shown "
                           "(in every format's notes) when its condition holds on the profile "
                           "and the rule was judged (an assumption a pass rests on, say)",
            "items": {"type": "object", "required": ["when", "text"],
                      "additionalProperties": False,
                      "properties": {"when": {"$ref": "#/$defs/condition"},
                                     "text": _BILINGUAL}}},
        "audit": {
            "type": "object", "minProperties": 1, "additionalProperties": False,
            "description": "what an auditor looks for (shown by explain); every part optional",
            "properties": {
                "expects": {**_BILINGUAL, "description": "the evidence an auditor expects to see"},
                "typical_gaps": {**_BILINGUAL, "description": "typical non-compliance found"},
                "where": {**_BILINGUAL, "description": "where to get the proof: an admin-console "
                                                       "setting, a ScubaGear policy id, a log"},
            }},
        "when": {"$ref": "#/$defs/condition"},
        "check": {"$ref": "#/$defs/condition"},
        "tests": {"type": "array", "items": _TEST},
    },
}


@cache  # built once: a pack loads it for every rule file it reads
def rules_schema() -> dict[str, Any]:
    """Schema of a rule file: ``rules:`` followed by a list of rules."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:netsep-check:schema:rules:v1",
        "title": "netsep-check rule file",
        "type": "object",
        "required": ["rules"],
        "additionalProperties": False,
        "properties": {"rules": {"type": "array", "items": {"$ref": "#/$defs/rule"}}},
        "$defs": {"rule": _RULE, "basis": _BASIS, "condition": condition_schema()},
    }


_PARAM = {"type": "object", "required": ["value"], "additionalProperties": False,
          "properties": {"value": {}, "description": _BILINGUAL}}


@cache  # built once: a pack loads it for every rule file it reads
def parameters_schema() -> dict[str, Any]:
    """Schema of a shared parameter file (``parameter_files:`` of a pack)."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "urn:netsep-check:schema:parameters:v1",
            "title": "netsep-check pack parameter file (정책 팩 공통 매개변수 파일)",
            "description": "A file named under a pack's parameter_files: a parameters mapping of "
                           "name to {value, description: {ko, en}}, read before the pack's own "
                           "parameters (which override it).",
            "type": "object",
            "required": ["parameters"], "additionalProperties": False,
            "properties": {"parameters": {"type": "object", "additionalProperties": _PARAM}}}


@cache  # built once: a pack loads it for every rule file it reads
def pack_schema() -> dict[str, Any]:
    """Schema of a ``pack.yaml``."""
    param = _PARAM
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:netsep-check:schema:pack:v1",
        "title": "netsep-check policy pack",
        "type": "object",
        "required": ["pack"],
        "additionalProperties": False,
        "properties": {"pack": {
            "type": "object",
            "required": ["id", "version", "title"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9.-]*$"},
                "version": {"type": "string", "minLength": 1},
                "regime": {"enum": ["sandbox", "standing_exception"]},
                "effective_on": _DATE,
                "title": _BILINGUAL,
                "extends": {"type": "string", "description": "id of a built-in pack, or a path"},
                "sources": {"type": "array", "items": {
                    "type": "object", "required": ["id", "title", "issuer", "strength"],
                    "additionalProperties": False,
                    "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                                   "issuer": {"type": "string"}, "date": _DATE,
                                   "strength": {"enum": list(STRENGTHS)},
                                   "follows": {"type": "string"}, "file": {"type": "string"}}}},
                "parameters": {"type": "object", "additionalProperties": param},
                "parameter_files": {"type": "array", "items": {"type": "string"},
                                    "description": "files holding a parameters: mapping, "
                                                   "read before this pack's own parameters"},
                "rule_files": {"type": "array", "items": {"type": "string"}},
                "disable": {"type": "array", "items": {
                    "type": "object", "required": ["rule", "reason"], "additionalProperties": False,
                    "properties": {"rule": {"type": "string"},
                                   "reason": {"type": "string", "minLength": 10}}}},
                "test_bases": {"type": "object", "additionalProperties": {
                    "type": "string", "minLength": 1,
                    "description": "the profile `policy test` patches: a path relative to the "
                                   "pack folder, or builtin:PACK/NAME (test base NAME of "
                                   "built-in pack PACK, e.g. builtin:sandbox-2024/m365)"}},
            },
        }},
    }

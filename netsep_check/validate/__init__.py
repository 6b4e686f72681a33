"""Stage 2 — validate: inputs against their JSON Schemas, with located, plain-word errors."""

from netsep_check.validate.profile import profile_schema, validate_profile
from netsep_check.validate.schema_errors import schema_problems, validator

__all__ = ["profile_schema", "schema_problems", "validate_profile", "validator"]

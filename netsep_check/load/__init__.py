"""Stage 1 — load: bytes → decoded text → plain data with line marks."""

from netsep_check.load.document import Document, format_path, load_document, require_mapping
from netsep_check.load.source import DEFAULT_MAX_BYTES, read_source
from netsep_check.load.tree import Limits
from netsep_check.load.tree import Path as FieldPath  # a field's place: ("usage", "tasks", 2)

__all__ = ["DEFAULT_MAX_BYTES", "Document", "FieldPath", "Limits", "format_path", "load_document",
           "read_source", "require_mapping"]

"""Import a plan from plain text, Markdown or a JSON export of this portal.

`plan_parse` reads a file into a ParsedPlan without touching the database;
`plan_import` parses and creates the plan and its working draft in one transaction.
"""

from .base import (
    MAX_SECTION_DEPTH,
    ParsedPlan,
    ParsedReference,
    ParsedSection,
    PlanImportError,
    check_size,
    decode_source,
    max_import_bytes,
)
from .json_export import parse_json
from .markdown_doc import parse_markdown
from .plain_text import mend_hyphenation, parse_text
from .service import (
    append_check,
    kind_choices,
    kinds_apply,
    numbered_sections,
    plan_import,
    plan_import_into,
    plan_parse,
    references_to_add,
)

__all__ = [
    "MAX_SECTION_DEPTH",
    "ParsedPlan",
    "ParsedReference",
    "ParsedSection",
    "PlanImportError",
    "append_check",
    "check_size",
    "decode_source",
    "kind_choices",
    "kinds_apply",
    "max_import_bytes",
    "mend_hyphenation",
    "numbered_sections",
    "parse_json",
    "parse_markdown",
    "parse_text",
    "plan_import",
    "plan_import_into",
    "plan_parse",
    "references_to_add",
]

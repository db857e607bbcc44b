"""The one differ: word-level text diffs, field-by-field diffs and structured snapshot diffs.

Pure functions on plain data (no database): the public compare page, the workspace's
"unpublished changes", per-node revision comparison and the edit-conflict page all use it.
Changes are shown with <ins>/<del> plus visually hidden "inserted:"/"deleted:" words, so
they read without colour and with a screen reader.

The package's parts: `text` (word-level), `fields` (field by field), `snapshot` (structured
diff of two plan snapshots). Import from `plans.diff`; the names below are its interface.
"""

from .fields import FieldChange, default_label, diff_fields
from .snapshot import (
    ReferenceChange,
    SectionChange,
    SnapshotDiff,
    Status,
    content_fields,
    diff_snapshots,
    section_content,
)
from .text import Op, diff_text, render_opcodes, text_opcodes, tokenize

__all__ = [
    "FieldChange",
    "Op",
    "ReferenceChange",
    "SectionChange",
    "SnapshotDiff",
    "Status",
    "content_fields",
    "default_label",
    "diff_fields",
    "diff_snapshots",
    "diff_text",
    "render_opcodes",
    "section_content",
    "text_opcodes",
    "tokenize",
]

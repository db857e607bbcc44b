"""The search index: one row per section of every published version.

Rows are written once, when the version is published (`search.services`), and never change,
as the version never does. Full-text matching is the database's own: on PostgreSQL the stored
`search_vector` (title weighted above text) with a GIN index; on SQLite an FTS5 table,
`search_section_fts`, kept in step with this table by triggers. Both are created in this
app's migration, each only on its own database.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from plans.models import Plan, PlanVersion

FTS_TABLE = "search_section_fts"


class IndexedSection(models.Model):
    """One section of one published version, as found by search."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="indexed_sections")
    position = models.PositiveIntegerField(help_text="The section's place in the document, from 0.")
    section_id = models.BigIntegerField(null=True, blank=True, help_text="The section's id in the snapshot.")
    number = models.CharField(max_length=60, help_text="The section's number in this version, e.g. 2.1.")
    anchor = models.CharField(max_length=80, help_text="Its anchor on the version's page, e.g. s-2-1.")
    kind = models.CharField(max_length=12)
    title = models.TextField()
    text = models.TextField(help_text="What a reader sees of the section besides its title, as plain text.")
    plan_title = models.CharField(max_length=300, help_text="The plan's title in this version's snapshot.")
    search_vector = SearchVectorField(
        null=True, editable=False, help_text="PostgreSQL only: title (weight A) and text (weight B), in English."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="one_index_row_per_version_section")
        ]

    def __str__(self) -> str:
        return f"{self.plan_title} {self.version_id}: {self.number} {self.title}"

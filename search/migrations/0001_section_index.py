"""The search index: its table, PostgreSQL's GIN index or SQLite's FTS5 table, and the
versions published before search existed (indexed here, so existing plans are searchable)."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models


class RunSQLOn(migrations.RunSQL):
    """SQL that only one database vendor runs (the others skip it, in both directions)."""

    def __init__(self, vendor, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


POSTGRES_GIN_INDEX = (
    ["CREATE INDEX search_indexedsection_vector_gin ON search_indexedsection USING gin (search_vector)"],
    ["DROP INDEX IF EXISTS search_indexedsection_vector_gin"],
)

# FTS5 keeps its own copy of title and text (so snippet() needs no join); the triggers keep it in
# step with the table whatever deletes rows (a rebuild, a test database flush). The porter
# tokenizer stems English words; diacritics are kept, as PostgreSQL's English configuration does.
# A later migration that makes Django rebuild this table on SQLite (most column changes do) drops
# the triggers with the old table and must create them again.
SQLITE_FTS = (
    [
        "CREATE VIRTUAL TABLE search_section_fts USING fts5("
        "title, text, tokenize = 'porter unicode61 remove_diacritics 0')",
        "CREATE TRIGGER search_indexedsection_fts_insert AFTER INSERT ON search_indexedsection BEGIN "
        "INSERT INTO search_section_fts (rowid, title, text) VALUES (new.id, new.title, new.text); END",
        "CREATE TRIGGER search_indexedsection_fts_delete AFTER DELETE ON search_indexedsection BEGIN "
        "DELETE FROM search_section_fts WHERE rowid = old.id; END",
        "CREATE TRIGGER search_indexedsection_fts_update AFTER UPDATE ON search_indexedsection BEGIN "
        "DELETE FROM search_section_fts WHERE rowid = old.id; "
        "INSERT INTO search_section_fts (rowid, title, text) VALUES (new.id, new.title, new.text); END",
    ],
    [
        "DROP TRIGGER IF EXISTS search_indexedsection_fts_update",
        "DROP TRIGGER IF EXISTS search_indexedsection_fts_delete",
        "DROP TRIGGER IF EXISTS search_indexedsection_fts_insert",
        "DROP TABLE IF EXISTS search_section_fts",
    ],
)


def index_published_versions(apps, schema_editor):
    """Index every version published so far (later ones are indexed as they are published)."""
    from search.text import snapshot_sections, snapshot_title

    PlanVersion = apps.get_model("plans", "PlanVersion")
    IndexedSection = apps.get_model("search", "IndexedSection")
    db = schema_editor.connection.alias
    for version in PlanVersion.objects.using(db).order_by("pk").iterator(chunk_size=10):
        plan_title = snapshot_title(version.snapshot)
        IndexedSection.objects.using(db).bulk_create(
            [
                IndexedSection(
                    plan_id=version.plan_id,
                    version_id=version.pk,
                    position=section.position,
                    section_id=section.section_id,
                    number=section.number,
                    anchor=section.anchor,
                    kind=section.kind,
                    title=section.title,
                    text=section.text,
                    plan_title=plan_title,
                )
                for section in snapshot_sections(version.snapshot)
            ],
            batch_size=500,
        )
        if schema_editor.connection.vendor == "postgresql":
            IndexedSection.objects.using(db).filter(version_id=version.pk).update(
                search_vector=SearchVector("title", weight="A", config="english")
                + SearchVector("text", weight="B", config="english")
            )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('plans', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='IndexedSection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField(help_text="The section's place in the document, from 0.")),
                ('section_id', models.BigIntegerField(blank=True, help_text="The section's id in the snapshot.", null=True)),
                ('number', models.CharField(help_text="The section's number in this version, e.g. 2.1.", max_length=60)),
                ('anchor', models.CharField(help_text="Its anchor on the version's page, e.g. s-2-1.", max_length=80)),
                ('kind', models.CharField(max_length=12)),
                ('title', models.TextField()),
                ('text', models.TextField(help_text='What a reader sees of the section besides its title, as plain text.')),
                ('plan_title', models.CharField(help_text="The plan's title in this version's snapshot.", max_length=300)),
                ('search_vector', django.contrib.postgres.search.SearchVectorField(editable=False, help_text='PostgreSQL only: title (weight A) and text (weight B), in English.', null=True)),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='plans.plan')),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='indexed_sections', to='plans.planversion')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('version', 'position'), name='one_index_row_per_version_section')],
            },
        ),
        RunSQLOn("postgresql", *POSTGRES_GIN_INDEX),
        RunSQLOn("sqlite", *SQLITE_FTS),
        migrations.RunPython(index_published_versions, migrations.RunPython.noop),
    ]

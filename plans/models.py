"""The plan, its tree of sections, references, per-plan roles and published versions.

The working draft is the live rows of Node and Reference; every change to them is
recorded by django-simple-history. A PlanVersion is an immutable snapshot.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .constraints import PlainConstraintErrors
from .kinds import ALL_FIELDS, KINDS, NodeKind, empty_value, kinds_with_field
from .kinds import ALLOWED_CHILDREN as ALLOWED_CHILDREN  # declared in plans.kinds; older code imports it here


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: anyone can read published versions"
    MEMBERS = "members", "Members: only signed-in collaborators can read"


class PlanQuerySet(models.QuerySet):
    def readable_by(self, user) -> PlanQuerySet:
        """Plans whose published versions this user may read."""
        if user is not None and user.is_authenticated and user.is_active:
            return self
        return self.filter(visibility=Visibility.PUBLIC)


class Plan(models.Model):
    slug = models.SlugField(unique=True, help_text="Used in every address of the plan; never change it.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="One or two sentences shown in the list of plans.")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    small_count_threshold = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1)],
        help_text="Measurements of groups smaller than this are never shown publicly.",
    )
    revision = models.PositiveIntegerField(
        default=1, help_text="Bumped by every saved change of the settings; a form based on an older one is refused."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if getattr(self, "is_reader_copy", False):
            # Its title and description are the published ones (plans.selectors.as_published).
            raise ValueError("A plan loaded for readers cannot be saved: load the draft to change it.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail", kwargs={"slug": self.slug})


class Role(models.TextChoices):
    EDITOR = "editor", "Editor (committee member)"
    PUBLISHER = "publisher", "Publisher (committee chair)"


class PlanRole(models.Model):
    """A user's role on one plan. A publisher may also do everything an editor may."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_roles")
    role = models.CharField(max_length=10, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "user"], name="one_role_per_user_and_plan")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.plan}"


class ActionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DEFERRED = "deferred", "Deferred"
    DROPPED = "dropped", "Dropped"


class Direction(models.TextChoices):
    INCREASE = "increase", "Increase"
    DECREASE = "decrease", "Decrease"
    MAINTAIN = "maintain", "Maintain"


COUNTS_PEOPLE_HELP = (
    "Leave this ticked when the indicator's values are numbers of people (postdocs hired, people who "
    "took part). The portal then never shows publicly a value, group size, numerator or denominator "
    "about fewer people than the plan's small-count threshold, nor any figure from which one could be "
    "worked out by adding or subtracting others; a baseline or target under the threshold is refused, "
    "since the plan is published with it. Untick it only when the values are not head counts (a share "
    "in %, a rate, a score): group sizes, numerators and denominators are still checked."
)

# The fields that make up a node's content, each once: its kind and every kind's fields.
CONTENT_FIELDS = ("kind", *ALL_FIELDS)


class TrackChangesMixin:
    """Remember field values as loaded, so a save that changes nothing leaves no history record."""

    tracked_fields: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = {f: getattr(instance, f, None) for f in cls.tracked_fields if f in field_names}
        return instance

    def changed_fields(self) -> list[str]:
        """Names of tracked fields whose value differs from the one loaded from the database."""
        loaded = getattr(self, "_loaded_values", None)
        if loaded is None:
            return list(self.tracked_fields)
        return [f for f in self.tracked_fields if loaded.get(f) != getattr(self, f)]

    def save(self, *args, **kwargs):
        if self.pk and getattr(self, "_loaded_values", None) is not None and not self.changed_fields():
            self.skip_history_when_saving = True
        try:
            super().save(*args, **kwargs)
        finally:
            if hasattr(self, "skip_history_when_saving"):
                del self.skip_history_when_saving
        self._loaded_values = {f: getattr(self, f) for f in self.tracked_fields}


class NodeQuerySet(models.QuerySet):
    def live(self) -> NodeQuerySet:
        """Nodes of the working draft, without deleted ones."""
        return self.filter(deleted_at=None)

    def deleted(self) -> NodeQuerySet:
        return self.exclude(deleted_at=None)


class NodeContent(models.Model):
    """The content fields a section's kind chooses from (plans.kinds says which kind has which).

    Their verbose_name and help_text are the labels and help the forms, the history and the
    exports show, unless a kind renames them (a definition's title is its "Term").
    """

    title = models.CharField(
        max_length=300,
        help_text="Section heading; the term for a definition, the statement for a goal.",
    )
    body = models.TextField(
        "text",
        blank=True,
        help_text="Markdown: *emphasis*, **bold**, lists with -, links; cite a reference as [1].",
    )
    # Actions
    owner = models.CharField(max_length=200, blank=True, help_text="The body or role responsible.")
    leads = models.CharField(max_length=300, blank=True, help_text="Lead people, comma-separated.")
    status = models.CharField(
        max_length=12,
        choices=ActionStatus.choices,
        blank=True,
        help_text="The status the plan states. To report how the action is going over time, post a "
        "progress update instead: the progress dashboard shows the latest update.",
    )
    start_date = models.DateField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True, help_text="When the action or indicator target is due.")
    # Indicators
    unit = models.CharField(max_length=60, blank=True, help_text="For example: %, people, events per year.")
    direction = models.CharField(max_length=10, choices=Direction.choices, blank=True)
    data_source = models.CharField(max_length=300, blank=True)
    baseline_value = models.DecimalField("baseline", max_digits=14, decimal_places=4, null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True)
    target_value = models.DecimalField("target", max_digits=14, decimal_places=4, null=True, blank=True)
    counts_people = models.BooleanField("counts people", default=True, help_text=COUNTS_PEOPLE_HELP)

    class Meta:
        abstract = True


def _join(words: list[str], conjunction: str) -> str:
    """ "a", "a or b", "a, b or c"."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def kind_constraints(content: type[models.Model]) -> list[models.CheckConstraint]:
    """The check constraints that keep each field to the kinds declared to have it.

    A field that not every kind has must stay empty on the others; fields owned by the same
    kinds share one constraint. A kind's required fields may not be empty. Generated from
    plans.kinds, so a field added to a kind there gets its rule (and a migration).
    """
    groups: dict[tuple[str, ...], list[str]] = {}
    for name in ALL_FIELDS:
        owners = kinds_with_field(name)
        if len(owners) < len(KINDS):
            groups.setdefault(owners, []).append(name)
    constraints = []
    for owners, names in groups.items():
        empty = Q(**{names[0]: empty_value(content._meta.get_field(names[0]))})
        for name in names[1:]:
            empty &= Q(**{name: empty_value(content._meta.get_field(name))})
        is_owner = Q(kind=owners[0]) if len(owners) == 1 else Q(kind__in=list(owners))
        plural = [f"{owner}s" for owner in owners]
        if len(owners) == 1 and len(names) > 1:
            constraint_name = f"{owners[0]}_fields_only_on_{plural[0]}"
        else:
            constraint_name = f"{'_'.join(names)}_only_on_{'_and_'.join(plural)}"
        labels = ", ".join(str(content._meta.get_field(name).verbose_name) for name in names)
        owners_text = _join([KINDS[owner].with_article for owner in owners], "or")
        these = "this field" if len(names) == 1 else "these fields"
        constraints.append(
            models.CheckConstraint(
                condition=is_owner | empty,
                name=constraint_name,
                violation_error_message=f"Only {owners_text} can have {these}: {labels}.",
            )
        )
    for kind in KINDS.values():
        for name in kind.required:
            label = str(content._meta.get_field(name).verbose_name)
            constraints.append(
                models.CheckConstraint(
                    condition=~Q(kind=kind.value) | ~Q(**{name: empty_value(content._meta.get_field(name))}),
                    name=f"{kind.value}_has_{name}",
                    violation_error_message=f"Choose the {kind.label.lower()}'s {label}.",
                )
            )
    return constraints


class Node(TrackChangesMixin, PlainConstraintErrors, NodeContent):
    """One numbered section of a plan's working draft. Its number comes from its place in the tree."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveIntegerField(default=0, help_text="Order among the parent's children.")
    kind = models.CharField(max_length=12, choices=NodeKind.choices, default=NodeKind.NARRATIVE)
    revision = models.PositiveIntegerField(
        default=1, help_text="Bumped by every saved edit; a form based on an older revision is refused."
    )
    deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the node is deleted; deleted nodes can be restored."
    )
    deletion_batch = models.UUIDField(
        null=True, blank=True, help_text="Shared by a node and the descendants deleted with it."
    )
    submission_key = models.CharField(
        max_length=64,
        blank=True,
        default="",
        editable=False,
        help_text="The one-time value of the “Add” form that created it: the same form sent again adds nothing.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NodeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "submission_key"])
    tracked_fields = ("parent_id", "position", *CONTENT_FIELDS, "deleted_at")

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["plan", "parent", "position"])]
        constraints = [
            *kind_constraints(NodeContent),
            models.CheckConstraint(
                condition=Q(start_date=None) | Q(target_date=None) | Q(start_date__lte=models.F("target_date")),
                name="start_not_after_target",
                violation_error_message="The target date cannot be before the start date.",
            ),
            models.UniqueConstraint(
                fields=["plan", "submission_key"],
                condition=~Q(submission_key=""),
                name="one_node_per_add_form_submission",
                violation_error_message="This form was already sent: the section was added once.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail", kwargs={"slug": self.plan.slug})

    def clean(self) -> None:
        super().clean()
        if self.kind != NodeKind.INDICATOR or not self.counts_people:
            return
        values = {name: getattr(self, name) for name in ("baseline_value", "target_value")}
        if all(value is None for value in values.values()):
            return
        # A baseline or target is part of the plan's text, published as written: a small count
        # there would be public whatever the dashboards hide (see tracking.suppression).
        threshold = self.plan.small_count_threshold
        errors = {
            name: f"This is a number of fewer than {threshold} people (the plan's small-count threshold), "
            "and the plan is published with it. Leave it empty, or untick “counts people” if the value "
            "is not a number of people."
            for name, value in values.items()
            if value is not None and abs(value) < threshold
        }
        if errors:
            raise ValidationError(errors)

    def clean_fields(self, exclude=None):
        # Code that fills the fields a caller left out with "" (services.nodes.clean_content)
        # means "not given": for this yes/no declaration that is its default, yes.
        if self.counts_people in ("", None):
            self.counts_people = True
        super().clean_fields(exclude=exclude)


# A change's message is kept in history_change_reason, a 100-character column.
MESSAGE_MAX_LENGTH = Node.history.model._meta.get_field("history_change_reason").max_length


# What a reference holds, in form order.
REFERENCE_FIELDS = ("label", "text", "url")


class Reference(TrackChangesMixin, models.Model):
    """An entry of the plan's reference list, cited in body text as [label]."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="references")
    label = models.CharField(max_length=20, help_text="What the text cites: 3 for [3].")
    text = models.TextField(
        "citation", blank=True, help_text="The citation. Empty means the text still has to be filled in."
    )
    url = models.URLField("web address", max_length=500, blank=True)
    position = models.PositiveIntegerField(default=0)
    revision = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    tracked_fields = (*REFERENCE_FIELDS, "position")

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "label"], name="unique_reference_label_per_plan")]

    def __str__(self) -> str:
        return f"[{self.label}] {self.text[:60]}"

    @property
    def is_missing_text(self) -> bool:
        return not self.text.strip()


class PlanVersionQuerySet(models.QuerySet):
    def latest_first(self) -> PlanVersionQuerySet:
        return self.order_by("-major", "-minor")

    def delete(self):
        # A bulk delete skips PlanVersion.delete(); it must not be a way around it.
        raise VersionImmutableError("A published version cannot be deleted.")

    delete.queryset_only = True


class VersionImmutableError(Exception):
    """Raised on any attempt to change or delete a published version."""


class PlanVersion(PlainConstraintErrors, models.Model):
    """A published, numbered, immutable snapshot of a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    major = models.PositiveIntegerField()
    minor = models.PositiveIntegerField()
    notes = models.TextField(help_text="Release notes: what changed and why, in plain words.")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField(help_text="The plan as published, in the canonical serialization.")
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the snapshot's content.")

    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-major", "-minor"]
        get_latest_by = ["major", "minor"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "major", "minor"], name="unique_version_number_per_plan"),
            models.CheckConstraint(
                condition=Q(major__gte=1),
                name="version_major_from_one",
                violation_error_message="Version numbers start at 1.0.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.slug} {self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise VersionImmutableError("A published version cannot be changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("plans:version_detail", kwargs={"slug": self.plan.slug, "number": self.number})

    def delete(self, *args, **kwargs):
        raise VersionImmutableError("A published version cannot be deleted.")

    @property
    def number(self) -> str:
        return f"{self.major}.{self.minor}"


class DocumentFormat(models.TextChoices):
    PDF = "pdf", "PDF"


class VersionDocument(models.Model):
    """A published version typeset as a document (the PDF), made once and kept, then served as it is."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="documents")
    format = models.CharField(max_length=8, choices=DocumentFormat.choices, default=DocumentFormat.PDF)
    content = models.BinaryField(help_text="The document's bytes.")
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the content; the ETag it is served with.")
    size = models.PositiveIntegerField(help_text="Length of the content in bytes.")
    layout = models.PositiveSmallIntegerField(
        help_text="Revision of the layout it was typeset with; one made with an older layout is made again."
    )
    small_count_threshold = models.PositiveSmallIntegerField(
        help_text="The plan's small-count threshold when it was made; if the plan's changes, it is made again."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "format"], name="one_document_per_version_and_format"),
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.get_format_display()})"

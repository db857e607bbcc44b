"""Each kind of section, declared once.

A kind says which content fields a section of it has (in form order), which kinds may
sit directly under it, what its title and body are called and the help an editor sees for
its title. Everything else reads this declaration: the model's check constraints (which
kind may fill in which field), the forms, the snapshot (and so the JSON export), the
differ, the history pages, the importers and the templates.

The labels and help of the other fields are the `verbose_name` and `help_text` of the
`plans.models.NodeContent` fields. To add a field to a kind: add the model field (with its
verbose_name and help_text) and a migration, then add its name to the kind's `fields` below.

This module imports no models (plans.models imports it); the label helpers look the model
fields up when they are called.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import models
from django.utils.text import capfirst


class NodeKind(models.TextChoices):
    NARRATIVE = "narrative", "Narrative section"
    DEFINITION = "definition", "Definition"
    AREA = "area", "Evaluation area"
    GOAL = "goal", "Goal"
    ACTION = "action", "Action"
    INDICATOR = "indicator", "Indicator"


@dataclass(frozen=True)
class Kind:
    """One kind of section. `fields` are its content fields in form order, title and body first."""

    value: str
    fields: tuple[str, ...]
    children: frozenset[str]
    title_label: str
    body_label: str
    title_help: str
    # Fields a section of this kind must fill in, besides its title.
    required: tuple[str, ...] = ()
    # What a required field gets when a section becomes this kind (see node_change_kind).
    initial: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """ "Definition", "Evaluation area"."""
        return NodeKind(self.value).label

    @property
    def with_article(self) -> str:
        """The label in running text, with its article: "a definition", "an action"."""
        word = self.label.lower()
        return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"

    @property
    def facts(self) -> tuple[str, ...]:
        """The kind's own fields besides title and body (the snapshot's kind-specific keys)."""
        return tuple(name for name in self.fields if name not in COMMON_FIELDS)

    @property
    def can_hold_children(self) -> bool:
        return bool(self.children)

    def field_label(self, name: str) -> str:
        """What the field is called for this kind: "Term" for a definition's title."""
        if name == "title":
            return self.title_label
        if name == "body":
            return self.body_label
        return field_label(name)

    def field_help(self, name: str) -> str:
        if name == "title":
            return self.title_help
        return field_help(name)


# Every kind has these, in this order.
COMMON_FIELDS = ("title", "body")

_K = NodeKind

KINDS: dict[str, Kind] = {
    kind.value: kind
    for kind in (
        Kind(
            _K.NARRATIVE,
            fields=COMMON_FIELDS,
            children=frozenset({_K.NARRATIVE, _K.DEFINITION, _K.AREA}),
            title_label="Heading",
            body_label="Text",
            title_help="The section's heading. Its number comes from its place in the plan.",
        ),
        Kind(
            _K.DEFINITION,
            fields=COMMON_FIELDS,
            children=frozenset(),
            title_label="Term",
            body_label="Definition",
            title_help="The term being defined, e.g. Equity.",
        ),
        Kind(
            _K.AREA,
            fields=COMMON_FIELDS,
            children=frozenset({_K.NARRATIVE, _K.GOAL, _K.INDICATOR}),
            title_label="Name of the area",
            body_label="Description",
            title_help="For example: Career advancement.",
        ),
        Kind(
            _K.GOAL,
            fields=COMMON_FIELDS,
            children=frozenset({_K.ACTION, _K.INDICATOR}),
            title_label="Goal statement",
            body_label="Rationale",
            title_help="What the committee wants to achieve, in one sentence.",
        ),
        Kind(
            _K.ACTION,
            fields=(*COMMON_FIELDS, "owner", "leads", "status", "start_date", "target_date"),
            children=frozenset(),
            title_label="Action",
            body_label="Description",
            title_help="What will be done, in a few words.",
            required=("status",),
            initial=(("status", "proposed"),),
        ),
        Kind(
            _K.INDICATOR,
            fields=(
                *COMMON_FIELDS,
                "unit",
                "direction",
                "data_source",
                "baseline_value",
                "baseline_date",
                "target_value",
                "target_date",
                "counts_people",
            ),
            children=frozenset(),
            title_label="Indicator",
            body_label="Definition",
            title_help="What is measured, e.g. Share of women among postdocs.",
        ),
    )
}

# The kinds that may stand at the top level of a plan.
TOP_LEVEL = frozenset({_K.NARRATIVE, _K.DEFINITION, _K.AREA})

# Derived views of the declaration, for the code that wants them in this shape.
ALLOWED_CHILDREN: dict[str | None, frozenset[str]] = {
    None: TOP_LEVEL,
    **{value: kind.children for value, kind in KINDS.items()},
}
# Every content field of any kind, each once, in declaration order (target_date is shared).
ALL_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(name for kind in KINDS.values() for name in kind.fields))


def get_kind(value: str) -> Kind:
    """The declaration of kind `value`; KeyError if there is no such kind."""
    return KINDS[value]


def allowed_children(parent_kind: str | None) -> list[Kind]:
    """The kinds that may sit directly under a section of `parent_kind` (None: the top level), in menu order."""
    allowed = ALLOWED_CHILDREN[parent_kind]
    return [kind for value, kind in KINDS.items() if value in allowed]


def kinds_with_field(name: str) -> tuple[str, ...]:
    """The kinds that have field `name`, in declaration order."""
    return tuple(value for value, kind in KINDS.items() if name in kind.fields)


@cache
def _model_field(name: str):
    from django.apps import apps

    return apps.get_model("plans", "Node")._meta.get_field(name)


def field_label(name: str) -> str:
    """The field's label whatever the kind ("Target date"), from the model's verbose_name."""
    return capfirst(str(_model_field(name).verbose_name))


def field_help(name: str) -> str:
    return str(_model_field(name).help_text)


def empty_value(field: models.Field) -> Any:
    """What a kind that lacks this field stores in it: None, "" or False."""
    return None if field.null else field.get_default()

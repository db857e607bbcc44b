"""What an editor page does when a save comes too late, for every editor view of every app.

- `edit_conflict`: someone else saved the item after this editor opened it. The page shows
  their version and this editor's, both in full, and what this editor's version changes
  in theirs; the form keeps what they typed (template: plans/workspace/includes/_conflict.html).
- `rebuilt_form`: a confirmation or form whose hidden state (a revision, what the page
  showed) is out of date. The same form comes back as it was filled in, now standing for
  the current state, with the refusal above it (plans/workspace/includes/_form.html).

Views of plans and tracking use these; they use no view of another app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django import forms
from django.db import models

from .diff import FieldChange, diff_fields

Form = TypeVar("Form", bound=forms.BaseForm)


@dataclass
class Conflict:
    """The two versions of an item that two editors saved, ready for the conflict include."""

    what: str  # "section", "reference": what the page calls the item
    theirs: list[tuple[str, Any]]  # (label, value) of each field as saved now
    yours: list[tuple[str, Any]]  # (label, value) of each field as this editor sent it
    changes: list[FieldChange] = field(default_factory=list)  # what yours changes in theirs
    last_change: Any = None  # the history record of their save: who, when, why
    deleted: bool = False  # the item was deleted meanwhile


def edit_conflict(
    *,
    current: models.Model | None,
    yours: Mapping[str, Any],
    fields: Sequence[str],
    label: Callable[[str], str],
    what: str,
) -> Conflict:
    """The conflict between `current` (the row as saved now; None if gone) and `yours` (what was sent)."""
    theirs = {name: getattr(current, name) for name in fields} if current is not None else {}
    return Conflict(
        what=what,
        theirs=[(label(name), theirs.get(name)) for name in fields],
        yours=[(label(name), yours.get(name)) for name in fields],
        changes=diff_fields(theirs, yours, {name: label(name) for name in fields}, fields=fields),
        last_change=current.history.select_related("history_user").first() if current is not None else None,
        deleted=current is None or getattr(current, "deleted_at", None) is not None,
    )


def rebuilt_form(
    make_form: Callable[[Any], Form], data: Mapping[str, Any], *, current: Mapping[str, Any], error: Any = None
) -> Form:
    """The form as the person filled it in (`data`), rebuilt to stand for the current state.

    `current` replaces the hidden fields that say what the page was based on (a revision, a
    state token), so that sending the rebuilt form again is judged against what is there now.
    The form is validated (it shows the same field errors) and `error` is shown above it.
    """
    bound = data.copy()
    for name, value in current.items():
        bound[name] = "" if value is None else str(value)
    form = make_form(bound)
    form.is_valid()
    if error:
        form.add_error(None, error)
    return form

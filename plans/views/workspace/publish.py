"""Publishing from the browser (publishers only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ...access import workspace_view
from ...editing import rebuilt_form
from ...forms import PublishForm
from ...markdown import cited_labels
from ...models import Plan, Reference
from ...services import PublishError, next_version_number, plan_publish
from ...snapshot import iter_sections, plan_snapshot, snapshot_hash


@dataclass
class MissingCitation:
    """A label the draft cites that would go public without citation text."""

    label: str
    reference_id: int | None  # None: the reference list has no entry for it at all
    sections: list[dict[str, Any]] = field(default_factory=list)  # the citing sections, as in the snapshot


def missing_citations(snapshot: dict[str, Any], reference_ids: dict[str, int]) -> list[MissingCitation]:
    """Every label cited in the snapshot's sections that has no reference text (or no reference entry),
    in order of first citation, with the sections citing it. Citations are read by `cited_labels`,
    exactly as the public page reads them."""
    texts = {ref["label"]: ref["text"] for ref in snapshot["references"]}
    known = frozenset(texts)
    found: dict[str, MissingCitation] = {}
    for section in iter_sections(snapshot["sections"]):
        for label in cited_labels(section.get("body", ""), known):
            if texts.get(label, "").strip():
                continue
            missing = found.setdefault(label, MissingCitation(label=label, reference_id=reference_ids.get(label)))
            missing.sections.append(section)
    return list(found.values())


@workspace_view(publish=True)
def publish(request: HttpRequest, plan: Plan) -> HttpResponse:
    latest = plan.versions.latest_first().defer("snapshot").first()
    snapshot = plan_snapshot(plan)
    draft_hash = snapshot_hash(snapshot)
    reference_ids = dict(Reference.objects.filter(plan=plan).values_list("label", "id"))
    missing = missing_citations(snapshot, reference_ids)
    # The numbers the next version would get, by the rule publishing itself follows.
    numbers = {kind: "{}.{}".format(*next_version_number(latest, major=kind == "major")) for kind in ("minor", "major")}

    def make_form(data):
        return PublishForm(data, initial={"draft_hash": draft_hash}, latest=latest, numbers=numbers)

    form = make_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = plan_publish(
                plan=plan,
                user=request.user,
                notes=form.cleaned_data["notes"],
                major=form.cleaned_data["kind"] == "major",
                expected_hash=form.cleaned_data["draft_hash"] or None,
            )
        except PublishError as error:
            if form.cleaned_data["draft_hash"] and form.cleaned_data["draft_hash"] != draft_hash:
                # Keep the notes; the page now stands for the draft as it is.
                form = rebuilt_form(make_form, request.POST, current={"draft_hash": draft_hash}, error=str(error))
            else:
                form.add_error(None, str(error))
        else:
            messages.success(request, f"Published version {version.number}. This is what readers now see.")
            return redirect(version.get_absolute_url())
    return render(
        request,
        "plans/workspace/publish.html",
        {"plan": plan, "form": form, "latest": latest, "missing_citations": missing},
    )

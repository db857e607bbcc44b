"""Publishing from the browser (publishers only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ...access import workspace_view
from ...editing import rebuilt_form
from ...forms import PublishForm
from ...models import Plan
from ...services import PublishError, next_version_number, plan_publish
from ...snapshot import plan_snapshot, snapshot_hash


@workspace_view(publish=True)
def publish(request: HttpRequest, plan: Plan) -> HttpResponse:
    latest = plan.versions.latest_first().defer("snapshot").first()
    draft_hash = snapshot_hash(plan_snapshot(plan))
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
    return render(request, "plans/workspace/publish.html", {"plan": plan, "form": form, "latest": latest})

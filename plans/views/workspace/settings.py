"""The plan's settings page in the workspace, for its publishers (no lost updates)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import capfirst

from ...access import workspace_view
from ...editing import edit_conflict, rebuilt_form
from ...forms import PlanSettingsForm, add_service_errors
from ...models import Plan
from ...services import PLAN_SETTINGS_FIELDS, EditConflict, plan_settings_update


def _label(name: str) -> str:
    return capfirst(str(Plan._meta.get_field(name).verbose_name))


@workspace_view(publish=True)
def plan_settings(request: HttpRequest, plan: Plan) -> HttpResponse:
    initial = {"base_revision": plan.revision}
    form = PlanSettingsForm(request.POST or None, instance=plan, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        base_revision = form.cleaned_data["base_revision"]
        # The form's instance now holds what was typed; the service works from the row.
        draft = Plan.objects.get(pk=plan.pk)
        try:
            plan_settings_update(
                plan=draft,
                base_revision=base_revision if base_revision is not None else 0,
                data=form.content(),
                user=request.user,
                message=form.cleaned_data["message"],
            )
        except EditConflict as error:
            current = error.current
            conflict = edit_conflict(
                current=current, yours=form.content(), fields=PLAN_SETTINGS_FIELDS, label=_label, what="plan"
            )
            form = rebuilt_form(
                lambda data: PlanSettingsForm(data, instance=Plan.objects.get(pk=plan.pk), initial=initial),
                request.POST,
                current={"base_revision": current.revision},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved the plan's settings.")
            return redirect("plans:plan_settings", slug=plan.slug)
    return render(request, "plans/workspace/plan_settings.html", {"plan": plan, "form": form, "conflict": conflict})

"""Share links: the publishers' list (/plans/<slug>/edit/share/) and the reviewer's page (/review/<token>/)."""

from __future__ import annotations

from http import HTTPStatus

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST

from plans.access import workspace_view
from plans.models import Plan

from ..models import LABEL_MAX_LENGTH, ShareLink
from ..rendering import candidate_sections
from ..services import ConsultationError
from ..sharing import LinkRefused, share_link_create, share_link_revoke, share_link_use, share_url


class ShareForm(forms.Form):
    label = forms.CharField(max_length=LABEL_MAX_LENGTH, label="Who is it for", initial="External reviewer: ")
    expires_at = forms.DateTimeField(
        required=False,
        label="Stops working at (optional)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


@workspace_view(publish=True)
def share(request, plan: Plan):
    form = ShareForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = share_link_create(plan=plan, user=request.user, **form.cleaned_data)
        except ConsultationError as error:
            form.add_error(None, str(error))
        else:
            form = ShareForm()
    links = list(ShareLink.objects.filter(plan=plan).select_related("created_by").defer("snapshot"))
    context = {
        "plan": plan,
        "form": form,
        "links": links,
        "created": created,
        "created_url": request.build_absolute_uri(share_url(created)) if created else "",
    }
    status = HTTPStatus.BAD_REQUEST if request.method == "POST" and created is None else HTTPStatus.OK
    response = render(request, "consultations/share.html", context, status=status)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_POST
@workspace_view(publish=True)
def share_revoke(request, plan: Plan, link_id: int):
    link = get_object_or_404(ShareLink, plan=plan, pk=link_id)
    try:
        share_link_revoke(link=link, user=request.user)
    except ConsultationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The link for “{link.label}” no longer works.")
    return redirect("consultations:share", slug=plan.slug)


@require_http_methods(["GET", "HEAD"])
def review(request, token: str):
    try:
        link = share_link_use(token)
    except LinkRefused as refused:
        status = HTTPStatus.GONE if refused.gone else HTTPStatus.NOT_FOUND
        return render(request, "consultations/review_refused.html", {"message": str(refused)}, status=status)
    context = {"link": link, **candidate_sections(link.plan, link.snapshot)}
    response = render(request, "consultations/review.html", context)
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response

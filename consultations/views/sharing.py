"""Share links: the publishers' list (/plans/<slug>/edit/share/) and the reviewer's page (/review/<token>/)."""

from __future__ import annotations

from http import HTTPStatus

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST

from plans.access import workspace_view
from plans.models import Plan

from ..models import LABEL_MAX_LENGTH, ShareLink
from ..rendering import candidate_sections, references_html
from ..selectors import open_consultation
from ..services import ConsultationError
from ..sharing import LinkRefused, share_link_create, share_link_revoke, share_link_use, share_url
from .public import post_from, section_forms


class ShareForm(forms.Form):
    label = forms.CharField(max_length=LABEL_MAX_LENGTH, label="Who is it for", initial="External reviewer: ")
    expires_at = forms.DateTimeField(
        required=False,
        label="Stops working at (optional)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    allow_comments = forms.BooleanField(
        required=False,
        label="Let reviewers comment through the link",
        help_text="Only while a consultation is open: the link then shows the consultation's draft, and what "
        "its holder sends joins the consultation marked with the label above (never with a name). "
        "Without this, the link is read-only.",
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
    links = list(
        ShareLink.objects.filter(plan=plan)
        .select_related("created_by", "consultation")
        .annotate(comment_count=Count("comments"))
        .defer("snapshot", "consultation__snapshot")
    )
    context = {
        "plan": plan,
        "form": form,
        "links": links,
        "created": created,
        "created_url": request.build_absolute_uri(share_url(created)) if created else "",
        "consultation_open": open_consultation(plan) is not None,
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


@require_http_methods(["GET", "HEAD", "POST"])
def review(request, token: str):
    """The shared draft, read-only; with its consultation's items and forms when the link takes comments."""
    try:
        link = share_link_use(token)
    except LinkRefused as refused:
        status = HTTPStatus.GONE if refused.gone else HTTPStatus.NOT_FOUND
        return render(request, "consultations/review_refused.html", {"message": str(refused)}, status=status)
    failed, status = {}, HTTPStatus.OK
    if request.method == "POST":
        if not link.takes_comments:
            messages.error(request, "This link is read-only: it does not take comments (any more).")
            return redirect(request.path)
        comment, failed = post_from(request, link.consultation, link=link)
        if comment is not None:
            messages.success(request, f"Thank you: your {comment.get_kind_display().lower()} is sent to the committee.")
            return redirect(f"{request.path}#item-{comment.pk}")
        status = HTTPStatus.BAD_REQUEST
    context = {"link": link, "plan": link.plan, "failed": failed}
    if link.allow_comments and link.consultation is not None:
        consultation = link.consultation
        context.update(
            title=consultation.snapshot["plan"]["title"],
            consultation=consultation,
            sections=section_forms(consultation, failed=failed, anonymity=False),
            references_html=references_html(consultation),
            can_take_part=link.takes_comments,
        )
    else:
        context.update(candidate_sections(link.plan, link.snapshot))
    response = render(request, "consultations/review.html", context, status=status)
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    # The token is never sent to other sites; same-origin keeps the Origin header that CSRF checks need.
    response["Referrer-Policy"] = "same-origin"
    return response

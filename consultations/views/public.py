"""The collaborators' side: /plans/<slug>/consultation/ (read, comment, amend, reply, support)."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST

from plans.access import get_readable_plan
from plans.selectors import version_by_number
from plans.version_numbers import parse_version_number

from ..forms import ANONYMITY_HELP, AmendmentForm, CommentForm
from ..models import Audience, Comment, Consultation, Kind
from ..rendering import amendment_diff, references_html, section_html, what_would_change
from ..selectors import current_consultation, items_by_section, what_we_heard
from ..services import ConsultationError, comment_post, comment_support, may_take_part


class _SignIn(Exception):
    pass


def _reader_consultation(request: HttpRequest, slug: str) -> tuple:
    """(plan, consultation or None) for a reader of the plan; 404 or sign-in otherwise.

    A plan with neither a published version nor a consultation does not exist for readers.
    A consultation for signed-in collaborators sends visitors to the sign-in page.
    """
    plan = get_readable_plan(request, slug)
    consultation = current_consultation(plan)
    if consultation is None:
        if not plan.versions.exists():
            raise Http404("This plan has no published version yet.")
        return plan, None
    if consultation.audience == Audience.SIGNED_IN and not request.user.is_authenticated:
        raise _SignIn
    return plan, consultation


def section_forms(consultation: Consultation, *, failed: dict | None = None, anonymity: bool = True) -> list:
    """The candidate's sections with their items and, per section, a comment and an amendment form
    (ids unique on the page). The form that failed (`failed`, from `post_from`) is put back in its place."""
    failed = failed or {}
    sections = items_by_section(consultation)
    for entry in sections:
        section_id = entry.section["id"]
        entry.html = section_html(consultation, entry.section)
        entry.comment_form = CommentForm(
            auto_id=f"comment-{section_id}-%s", initial={"section_id": section_id}, anonymity=anonymity
        )
        entry.amendment_form = AmendmentForm(
            auto_id=f"amendment-{section_id}-%s",
            initial={"section_id": section_id, "proposed_text": entry.section.get("body") or ""},
            anonymity=anonymity,
        )
        if failed.get("section_id") == section_id and not failed.get("parent_id"):
            setattr(entry, f"{failed['kind']}_form", failed["form"])
            setattr(entry, f"{failed['kind']}_failed", True)
        for item in entry.items:
            if item.kind == Kind.AMENDMENT:
                item.diff_html = amendment_diff(consultation, item.section_id, item.proposed_text)
    return sections


def post_from(request: HttpRequest, consultation: Consultation, *, link=None) -> tuple[Comment | None, dict]:
    """Validate and send the comment, reply or amendment in request.POST, by the signed-in user or
    through a review `link`: (the comment, {}) or (None, what `section_forms` needs to show the failure)."""
    kind = Kind.AMENDMENT if request.POST.get("kind") == Kind.AMENDMENT else Kind.COMMENT
    raw_section = request.POST.get("section_id", "")
    section_id = int(raw_section) if raw_section.isdigit() and len(raw_section) < 19 else None
    parent_id = request.POST.get("parent_id", "")
    auto_id = f"reply-{parent_id[:19]}-%s" if parent_id else f"{kind}-{section_id}-%s"
    form = (AmendmentForm if kind == Kind.AMENDMENT else CommentForm)(
        request.POST, auto_id=auto_id, anonymity=link is None
    )
    failed = {"form": form, "kind": kind, "section_id": section_id, "parent_id": parent_id}
    if not form.is_valid():
        return None, failed
    data = form.cleaned_data
    parent = None
    if data.get("parent_id"):
        parent = Comment.objects.filter(consultation=consultation, pk=data["parent_id"]).first()
    try:
        comment = comment_post(
            consultation=consultation,
            user=request.user if link is None else None,
            link=link,
            section_id=data["section_id"],
            body=data["body"],
            kind=kind,
            proposed_text=data.get("proposed_text", ""),
            parent=parent,
            anonymous=data.get("anonymous", False),
        )
    except ConsultationError as error:
        form.add_error(None, str(error))
        return None, failed
    return comment, {}


def _page(request: HttpRequest, plan, consultation: Consultation | None, *, failed: dict | None = None, status=200):
    context = {"plan": plan, "consultation": consultation, "failed": failed or {}}
    if consultation is not None:
        context.update(
            sections=section_forms(consultation, failed=failed),
            references_html=references_html(consultation),
            can_take_part=consultation.is_open and may_take_part(request.user, consultation),
            change=what_would_change(consultation),
            anonymity_help=ANONYMITY_HELP,
        )
    response = render(request, "consultations/consultation.html", context, status=status)
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_http_methods(["GET", "HEAD"])
def consultation_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        plan, consultation = _reader_consultation(request, slug)
    except _SignIn:
        return redirect_to_login(request.get_full_path())
    return _page(request, plan, consultation)


@require_http_methods(["GET", "HEAD", "POST"])
def comment_create(request: HttpRequest, slug: str) -> HttpResponse:
    """POST a comment, reply or amendment; a GET goes back to the page."""
    try:
        plan, consultation = _reader_consultation(request, slug)
    except _SignIn:
        return redirect_to_login(request.get_full_path())
    if request.method != "POST" or consultation is None:
        return redirect("consultations:consultation", slug=plan.slug)
    if not request.user.is_authenticated:
        return redirect_to_login(consultation.get_absolute_url())
    comment, failed = post_from(request, consultation)
    if comment is not None:
        messages.success(request, "Thank you: your " + comment.get_kind_display().lower() + " is posted.")
        return redirect(comment.get_absolute_url())
    return _page(request, plan, consultation, failed=failed, status=HTTPStatus.BAD_REQUEST)


@require_POST
def support(request: HttpRequest, slug: str, comment_id: int) -> HttpResponse:
    try:
        _plan, consultation = _reader_consultation(request, slug)
    except _SignIn:
        return redirect_to_login(request.get_full_path())
    if consultation is None:
        raise Http404("No consultation here.")
    comment = get_object_or_404(Comment, consultation=consultation, pk=comment_id)
    if not request.user.is_authenticated:
        return redirect_to_login(consultation.get_absolute_url())
    try:
        comment_support(comment=comment, user=request.user)
    except ConsultationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your support is counted.")
    return redirect(comment.get_absolute_url())


@require_http_methods(["GET", "HEAD"])
def heard(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    """“What we heard”: the consultation before this version, counted and answered per section.

    A version that no consultation preceded sends its readers back to the version.
    """
    plan = get_readable_plan(request, slug)
    parsed = parse_version_number(number)
    version = version_by_number(plan, parsed.major, parsed.minor) if parsed else None
    if version is None:
        raise Http404("No such version.")
    consultation = Consultation.objects.filter(version=version).select_related("plan").first()
    if consultation is None:
        return redirect("plans:version_detail", slug=plan.slug, number=version.number)
    context = {"plan": plan, "version": version, "consultation": consultation, "sections": what_we_heard(consultation)}
    response = render(request, "consultations/heard.html", context)
    patch_cache_control(response, private=True, no_cache=True)
    return response

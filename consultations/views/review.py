"""Review of the draft before publishing: /plans/<slug>/edit/review/ (ask, approve, ask for changes,
withdraw) and the panel that shows its state on the outline and the publish page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST

from plans.access import workspace_view
from plans.models import Plan
from plans.permissions import can_edit

from ..models import REASON_MAX_LENGTH, ReviewRequest, ReviewState
from ..reviews import may_decide, may_withdraw, review_ask, review_decide, review_status, review_withdraw
from ..services import ConsultationError

HISTORY_SHOWN = 10


class AskForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=REASON_MAX_LENGTH,
        label="What should the reviewer look at? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve the draft for publishing"), ("changes", "Ask for changes")],
        widget=forms.RadioSelect,
        label="Your answer",
    )
    comment = forms.CharField(
        required=False,
        max_length=REASON_MAX_LENGTH,
        label="Comment (needed when you ask for changes)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _page(request: HttpRequest, plan: Plan, *, ask_form=None, decide_form=None, status=200) -> HttpResponse:
    state = review_status(plan)
    current = state.request
    waiting = current is not None and current.state == ReviewState.WAITING
    context = {
        "plan": plan,
        "state": state,
        "review": current,
        "history": ReviewRequest.objects.filter(plan=plan).select_related("requested_by", "decided_by", "version")[
            :HISTORY_SHOWN
        ],
        "ask_form": ask_form if ask_form is not None else (None if waiting else AskForm()),
        "decide_form": decide_form
        if decide_form is not None
        else (DecideForm() if waiting and may_decide(request.user, current) else None),
        "may_withdraw": waiting and may_withdraw(request.user, current),
    }
    response = render(request, "consultations/review_request.html", context, status=status)
    patch_cache_control(response, private=True, no_cache=True)
    return response


@workspace_view()
def review_page(request: HttpRequest, plan: Plan) -> HttpResponse:
    return _page(request, plan)


@require_POST
@workspace_view()
def review_ask_view(request: HttpRequest, plan: Plan) -> HttpResponse:
    form = AskForm(request.POST)
    if form.is_valid():
        try:
            review_ask(plan=plan, user=request.user, note=form.cleaned_data["note"])
        except ConsultationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Review asked for. The publishers are told by email.")
            return redirect("consultations:review_request", slug=plan.slug)
    return _page(request, plan, ask_form=form, status=400)


def _review_of(plan: Plan, review_id: int) -> ReviewRequest:
    return get_object_or_404(ReviewRequest.objects.select_related("plan"), plan=plan, pk=review_id)


@require_POST
@workspace_view(publish=True)
def review_decide_view(request: HttpRequest, plan: Plan, review_id: int) -> HttpResponse:
    review = _review_of(plan, review_id)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            review_decide(
                request=review,
                user=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except ConsultationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your answer is recorded; the person who asked is told.")
            return redirect("consultations:review_request", slug=plan.slug)
    return _page(request, plan, decide_form=form, status=400)


@require_POST
@workspace_view()
def review_withdraw_view(request: HttpRequest, plan: Plan, review_id: int) -> HttpResponse:
    review = _review_of(plan, review_id)
    try:
        review_withdraw(request=review, user=request.user)
    except ConsultationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The review request is withdrawn.")
    return redirect("consultations:review_request", slug=plan.slug)


def review_panel(*, request: HttpRequest, plan: Plan, page: str) -> str:
    """The review's state, for the outline and the publish page (a `plans.hooks` workspace panel)."""
    if not can_edit(request.user, plan):
        return ""
    state = review_status(plan)
    if state.request is None and page != "publish":
        return ""
    return render_to_string(
        "consultations/includes/_review_panel.html",
        {"plan": plan, "state": state, "review": state.request, "page": page, "user": request.user},
    )

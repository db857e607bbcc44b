"""Following a plan by email, confirming, unsubscribing, and the two settings pages.

The subscription pages follow the public pages' rules: a plan the requester may not read,
or one with nothing published, is a 404 (with a sign-in link for visitors). The answer to
an anonymous request never depends on whether the address already follows the plan.
"""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from plans.access import get_readable_plan, workspace_view
from plans.models import Plan

from . import conf, ratelimit
from .forms import CommitteePreferenceForm, SubscribeForm
from .models import Subscription, normalise_email
from .selectors import committee_plans_of, committee_preference_of, published_title, subscription_of, subscriptions_of
from .services import (
    CommitteePreferenceError,
    SubscriptionError,
    committee_preference_set,
    committee_preference_stop,
    subscription_cancel,
    subscription_confirm,
    subscription_follow,
    subscription_request,
)
from .tokens import TokenExpired, TokenInvalid, read_confirmation_token, read_unsubscribe_token


def _published_plan(request: HttpRequest, slug: str) -> tuple[Plan, str]:
    plan = get_readable_plan(request, slug)
    title = published_title(plan)
    if title is None:
        raise Http404("This plan has no published version yet.")
    return plan, title


def _too_many(request: HttpRequest, plan: Plan, title: str, period: int) -> HttpResponse:
    response = render(
        request,
        "notifications/too_many.html",
        {"plan": plan, "title": title, "minutes": max(period // 60, 1)},
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(period)
    return response


def _link_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/link_invalid.html", status=HTTPStatus.BAD_REQUEST)


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow a plan: an address to confirm for visitors, one click for signed-in readers."""
    plan, title = _published_plan(request, slug)
    if request.method == "POST":
        limit, period = conf.subscribe_limit_per_ip()
        if not ratelimit.hit(scope="ip", key=ratelimit.client_ip(request), limit=limit, period=period):
            return _too_many(request, plan, title, period)
    if request.user.is_authenticated:
        return _subscribe_signed_in(request, plan, title)
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = normalise_email(form.cleaned_data["email"])
        limit, period = conf.subscribe_limit_per_address()
        if not ratelimit.hit(scope="address", key=email, limit=limit, period=period):
            return _too_many(request, plan, title, period)
        try:
            subscription_request(plan=plan, email=email)
        except SubscriptionError as error:
            form.add_error("email", str(error))
        else:
            # The same page whatever the address's state: it must not tell who follows the plan.
            context = {"plan": plan, "title": title, "email": email, "expiry_days": conf.confirmation_max_age().days}
            return render(request, "notifications/subscribe_sent.html", context)
    status = HTTPStatus.BAD_REQUEST if form.is_bound else HTTPStatus.OK
    return render(request, "notifications/subscribe.html", {"plan": plan, "title": title, "form": form}, status=status)


def _subscribe_signed_in(request: HttpRequest, plan: Plan, title: str) -> HttpResponse:
    subscription = subscription_of(plan=plan, user=request.user)
    if request.method == "POST":
        if request.POST.get("action") == "stop":
            if subscription is not None:
                subscription_cancel(subscription=subscription)
            messages.success(request, f"You no longer follow {title}.")
        else:
            try:
                subscription = subscription_follow(plan=plan, user=request.user)
            except SubscriptionError as error:
                messages.error(request, str(error))
            else:
                if subscription.is_confirmed:
                    messages.success(request, f"You follow {title}: we email you when a new version is published.")
                else:
                    messages.info(
                        request,
                        "Your account's email address is not verified yet, so we sent a link to it: "
                        "open it to confirm.",
                    )
        return redirect("notifications:subscribe", slug=plan.slug)
    return render(request, "notifications/subscribe.html", {"plan": plan, "title": title, "subscription": subscription})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The emailed confirmation link. GET shows a button; only its POST confirms, so a mail
    scanner that opens links confirms nothing."""
    plan, title = _published_plan(request, slug)
    try:
        subscription = read_confirmation_token(token)
    except TokenExpired:
        context = {"plan": plan, "title": title, "expiry_days": conf.confirmation_max_age().days}
        return render(request, "notifications/link_expired.html", context, status=HTTPStatus.GONE)
    except TokenInvalid:
        return _link_invalid(request)
    if subscription.plan_id != plan.pk:
        return _link_invalid(request)
    if request.method == "POST":
        subscription_confirm(subscription=subscription)
        return render(request, "notifications/confirmed.html", {"plan": plan, "title": title})
    context = {"plan": plan, "title": title, "already": subscription.is_confirmed}
    return render(request, "notifications/confirm.html", context)


# RFC 8058: mail programs POST to the List-Unsubscribe address with neither session nor CSRF
# token. The signed token in the URL is the proof, and all the POST can do is stop emails.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The unsubscribe link of every email. GET asks to confirm; POST (one click) stops."""
    try:
        target = read_unsubscribe_token(token)
    except TokenInvalid:
        return _link_invalid(request)
    plan = target.plan
    preference = target.preference
    active = preference.wants(target.event) if preference is not None else target.subscription is not None
    context = {
        "target": target,
        "title": (published_title(plan) or plan.title) if plan is not None else "",
        "active": active,
        "token": token,
    }
    if request.method == "POST":
        if target.subscription is not None:
            subscription_cancel(subscription=target.subscription)
        elif target.preference is not None:
            committee_preference_stop(preference=target.preference, event=target.event)
        return render(request, "notifications/unsubscribed.html", context)
    return render(request, "notifications/unsubscribe.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """The signed-in reader's subscriptions (to stop any) and their committee notices."""
    if request.method == "POST":
        try:
            pk = int(request.POST.get("subscription", ""))
        except ValueError:
            raise Http404("No such subscription.") from None
        subscription = get_object_or_404(Subscription.objects.of_user(request.user).select_related("plan"), pk=pk)
        title = published_title(subscription.plan) or subscription.plan.title
        subscription_cancel(subscription=subscription)
        messages.success(request, f"You no longer follow {title}.")
        return redirect("notifications:manage")
    context = {"subscriptions": subscriptions_of(request.user), "committee_plans": committee_plans_of(request.user)}
    return render(request, "notifications/manage.html", context)


@workspace_view()
@require_http_methods(["GET", "POST"])
def committee_settings(request: HttpRequest, plan: Plan) -> HttpResponse:
    """A committee member chooses the notices they get about this plan."""
    preference = committee_preference_of(plan=plan, user=request.user)
    form = CommitteePreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        try:
            committee_preference_set(
                plan=plan,
                user=request.user,
                consultations=form.cleaned_data["consultations"],
                comments=form.cleaned_data["comments"],
                reviews=form.cleaned_data["reviews"],
            )
        except CommitteePreferenceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your choices are saved.")
            return redirect("notifications:committee_settings", slug=plan.slug)
    return render(request, "notifications/committee_settings.html", {"plan": plan, "form": form})

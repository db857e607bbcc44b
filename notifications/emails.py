"""The email for a queued delivery: text and HTML from templates, with the list headers of RFC 8058.

Every message carries a one-click unsubscribe link in its body and in the
`List-Unsubscribe` / `List-Unsubscribe-Post` headers, so mail programs can offer their own
"unsubscribe" button. Links are absolute, from settings.PORTAL_URL (use https in production:
mail programs only honour one-click unsubscribe over https).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from plans.models import PlanRole, PlanVersion, Visibility
from plans.selectors import version_changes

from . import conf, tokens
from .models import CommitteeEvent, CommitteePreference, Delivery, DeliveryKind
from .selectors import published_title

CHANGES_LISTED = 12


class NotDeliverable(Exception):
    """The message should no longer go out; the message says why (kept as the delivery's note)."""


def absolute_url(path: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + path


def list_headers(*, unsubscribe_url: str, plan) -> dict[str, str]:
    """The headers every message of the portal carries (RFC 2369, 2919, 3834 and 8058)."""
    host = urlsplit(settings.PORTAL_URL).hostname or "localhost"
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"<{plan.slug}.{host}>",
        "Auto-Submitted": "auto-generated",
    }


def _name(user) -> str:
    return getattr(user, "display_name", "") if user is not None else ""


def _count(count: int, thing: str, things: str) -> str:
    return f"{count} {thing if count == 1 else things}"


@dataclass
class VersionFacts:
    """What every message about one version says, worked out once per version and run."""

    plan_title: str
    number: str
    published_at: object
    notes: str
    url: str
    plan_url: str
    previous_number: str | None = None
    compare_url: str | None = None
    summary: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    more_changes: int = 0


def version_facts(version: PlanVersion) -> VersionFacts:
    """The release notes, links and summary of changes (from plans.selectors.version_changes)."""
    facts = VersionFacts(
        plan_title=version.snapshot["plan"]["title"],
        number=version.number,
        published_at=version.published_at,
        notes=version.notes,
        url=absolute_url(version.get_absolute_url()),
        plan_url=absolute_url(reverse("plans:plan_detail", kwargs={"slug": version.plan.slug})),
    )
    earlier, diff = version_changes(version)
    if earlier is None or diff is None:
        return facts
    facts.previous_number = earlier.number
    facts.compare_url = absolute_url(
        reverse(
            "plans:compare",
            kwargs={"slug": version.plan.slug, "from_number": earlier.number, "to_number": version.number},
        )
    )
    for position, (name, count) in enumerate(diff.summary):
        first = position == 0  # "2 sections added, 1 changed"
        facts.summary.append(_count(count, f"section {name}", f"sections {name}") if first else f"{count} {name}")
    if diff.references:
        facts.summary.append(_count(len(diff.references), "reference changed", "references changed"))
    if diff.plan:
        facts.summary.append("the plan's title or description changed")
    for change in diff.sections[:CHANGES_LISTED]:
        facts.changes.append(f"{change.number} {change.title}: {', '.join(change.labels)}")
    facts.more_changes = max(len(diff.sections) - CHANGES_LISTED, 0)
    return facts


def _render(name: str, context: dict, *, to: str, headers: dict[str, str]) -> EmailMultiAlternatives:
    subject = " ".join(render_to_string(f"notifications/email/{name}_subject.txt", context).split())
    text = render_to_string(f"notifications/email/{name}_message.txt", context)
    html = render_to_string(f"notifications/email/{name}_message.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def _unsubscribe_url(token: str) -> str:
    return absolute_url(reverse("notifications:unsubscribe", kwargs={"token": token}))


def _confirmation(delivery: Delivery) -> EmailMultiAlternatives:
    subscription = delivery.subscription
    if subscription.is_confirmed:
        raise NotDeliverable("The subscription was confirmed before this email went out.")
    plan = subscription.plan
    confirm_path = reverse(
        "notifications:confirm", kwargs={"slug": plan.slug, "token": tokens.confirmation_token(subscription)}
    )
    unsubscribe_url = _unsubscribe_url(tokens.subscription_unsubscribe_token(subscription))
    context = {
        "plan_title": published_title(plan) or plan.title,
        "confirm_url": absolute_url(confirm_path),
        "expiry_days": conf.confirmation_max_age().days,
        "unsubscribe_url": unsubscribe_url,
    }
    return _render(
        "confirmation",
        context,
        to=subscription.email,
        headers=list_headers(unsubscribe_url=unsubscribe_url, plan=plan),
    )


def _to_follower(delivery: Delivery, name: str, context: dict, *, signed_in_only: bool = False):
    subscription = delivery.subscription
    plan = subscription.plan
    if not subscription.is_confirmed:
        raise NotDeliverable("The subscription is no longer confirmed.")
    user = subscription.user
    if user is not None and not user.is_active:
        raise NotDeliverable("The subscriber's account is deactivated.")
    if user is None and plan.visibility != Visibility.PUBLIC:
        raise NotDeliverable("The plan became members-only; only signed-in followers get its emails.")
    if user is None and signed_in_only:
        raise NotDeliverable("This notice is for signed-in followers only.")
    unsubscribe_url = _unsubscribe_url(tokens.subscription_unsubscribe_token(subscription))
    context = {
        **context,
        "name": _name(user),
        "unsubscribe_url": unsubscribe_url,
        "manage_url": absolute_url(reverse("notifications:manage")) if user is not None else None,
    }
    return _render(
        name, context, to=subscription.recipient, headers=list_headers(unsubscribe_url=unsubscribe_url, plan=plan)
    )


def _new_version(delivery: Delivery, facts: VersionFacts) -> EmailMultiAlternatives:
    return _to_follower(delivery, "new_version", {"facts": facts})


def _follower_notice(delivery: Delivery) -> EmailMultiAlternatives:
    notice = delivery.context
    context = {
        "plan_title": published_title(delivery.plan) or delivery.plan.title,
        "subject": notice.get("subject", ""),
        "text": notice.get("text", ""),
        "url": absolute_url(notice.get("path", "/")),
    }
    return _to_follower(delivery, "follower_notice", context, signed_in_only=bool(notice.get("signed_in_only")))


def _committee(delivery: Delivery) -> EmailMultiAlternatives:
    user, plan = delivery.user, delivery.plan
    if not user.is_active or not user.email:
        raise NotDeliverable("The committee member's account is deactivated or has no address.")
    if not PlanRole.objects.filter(plan=plan, user=user).exists():
        raise NotDeliverable("The person is no longer on the plan's committee.")
    preference = CommitteePreference.objects.filter(plan=plan, user=user).first()
    if preference is None or not preference.wants(delivery.event):
        raise NotDeliverable("The committee member no longer wants these notices.")
    unsubscribe_url = _unsubscribe_url(tokens.committee_unsubscribe_token(preference, delivery.event))
    context = {
        "plan_title": plan.title,
        "name": _name(user),
        "subject": delivery.context.get("subject", ""),
        "text": delivery.context.get("text", ""),
        "url": absolute_url(delivery.context.get("path", "/")),
        "event_label": CommitteeEvent(delivery.event).label,
        "settings_url": absolute_url(reverse("notifications:committee_settings", kwargs={"slug": plan.slug})),
        "unsubscribe_url": unsubscribe_url,
    }
    return _render(
        "committee", context, to=user.email, headers=list_headers(unsubscribe_url=unsubscribe_url, plan=plan)
    )


class MessageBuilder:
    """Builds the email of each delivery of one sending run, working out each version's facts once."""

    def __init__(self) -> None:
        self._versions: dict[int, VersionFacts] = {}

    def facts(self, version_id: int) -> VersionFacts:
        if version_id not in self._versions:
            version = PlanVersion.objects.select_related("plan").get(pk=version_id)
            self._versions[version_id] = version_facts(version)
        return self._versions[version_id]

    def build(self, delivery: Delivery) -> EmailMultiAlternatives:
        """The message to send, or NotDeliverable when it should not go out any more."""
        if delivery.kind == DeliveryKind.CONFIRMATION:
            return _confirmation(delivery)
        if delivery.kind == DeliveryKind.NEW_VERSION:
            return _new_version(delivery, self.facts(delivery.version_id))
        if delivery.kind == DeliveryKind.COMMITTEE:
            return _committee(delivery)
        if delivery.kind == DeliveryKind.FOLLOWER_NOTICE:
            return _follower_notice(delivery)
        raise NotDeliverable(f"Unknown kind of message {delivery.kind!r}.")

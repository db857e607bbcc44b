"""The demo's consultation: the one the committee held on its first draft before publishing 1.0.

`load_demo` calls `demo_consultation_loader` (registered in ConsultationsConfig.ready) after the
plans demo. It writes a consultation that is already over, so the rows are made directly, with
the dates they would have had: the services only take part in a consultation that is open now.
Version 1.0 then links to its "what we heard". Does nothing if the plan has had a consultation.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from plans.models import Plan

from .banner import forget_open_consultation
from .models import AnswerStatus, Audience, Comment, Consultation, Kind, Support
from .services import author_hash

# (section title, kind, text, suggested wording, anonymous, answer, reason), in our own words.
ITEMS = [
    (
        "Introduction",
        Kind.COMMENT,
        "Could the introduction say how often the committee looks at the plan again?",
        "",
        False,
        AnswerStatus.PARTLY,
        "The plan is reviewed every year; the month is left to the committee, so the text does not fix it.",
    ),
    (
        "Inclusion",
        Kind.COMMENT,
        "Please mention members who work from small institutes far from the main sites: they miss "
        "most of the informal meetings.",
        "",
        True,
        AnswerStatus.ACCEPTED,
        "Informal networks are now named in the definition, and the travel fund action follows from it.",
    ),
    (
        "Pair every new member with an onboarding buddy",
        Kind.AMENDMENT,
        "Six months is short for people who join in the middle of a run.",
        "Every new member is offered a buddy from another institute for their first year. Buddies "
        "receive a one-page briefing and meet the onboarding subcommittee twice a year to share what "
        "they have learned.",
        True,
        AnswerStatus.NOT_TAKEN_UP,
        "We keep six months and will look again at the first results; buddies may of course carry on.",
    ),
]


def demo_consultation_loader(*, plan: Plan, users: dict) -> str:
    """Add the demo's finished consultation before version 1.0, unless the plan has had one."""
    version = plan.versions.filter(major=1, minor=0).first()
    if version is None or Consultation.objects.filter(plan=plan).exists():
        return ""
    chair, editor, reader = (users[f"{who}@example.org"] for who in ("publisher", "editor", "reader"))
    ended = version.published_at - dt.timedelta(days=7)
    with transaction.atomic():
        consultation = Consultation.objects.create(
            plan=plan,
            label="1.0 draft for consultation",
            snapshot=version.snapshot,
            opened_by=chair,
            opens_at=ended - dt.timedelta(days=28),
            closes_at=ended,
            closed_at=ended,
            audience=Audience.ANYONE,
            version=version,
        )
        ids = {section["title"]: section["id"] for section in consultation.sections()}
        for day, (title, kind, body, proposed, anonymous, status, reason) in enumerate(ITEMS, start=3):
            item = Comment.objects.create(
                consultation=consultation,
                section_id=ids[title],
                kind=kind,
                body=body,
                proposed_text=proposed,
                author=None if anonymous else reader,
                anonymous=anonymous,
                author_hash=author_hash(consultation, reader),
                created_at=consultation.opens_at + dt.timedelta(days=day),
                answer_status=status,
                answer_reason=reason,
                answered_by=editor,
                answered_at=ended + dt.timedelta(days=2),
            )
            if anonymous:
                Support.objects.create(
                    comment=item, user=users["admin@example.org"], created_at=item.created_at + dt.timedelta(days=1)
                )
        forget_open_consultation(plan.pk)
    return "Added the demo's consultation on the 1.0 draft, with the committee's answers."

"""In a real browser, the whole consultation cycle on the demo plan, with axe-core on every page:

the chair opens a consultation and shares the draft with an outside reviewer; a collaborator
comments on one section and suggests new wording for another, anonymously; the reviewer
comments through the link; the editor answers the comment and accepts the amendment, then asks
for a review; the chair approves it and publishes; a reader opens "what we heard".
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.demo import demo_load
from consultations.models import AnswerStatus, Comment, Consultation, Kind, ReviewRequest, ReviewState
from plans.models import Node

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"
NEW_WORDING = "Equity means fair treatment, access and opportunity for every member of the collaboration."


def _details(page, summary: str):
    """Open the <details> whose summary reads `summary`; return it."""
    details = page.locator("details", has=page.locator("summary", has_text=summary)).first
    details.locator("summary").click()
    return details


def test_a_consultation_from_opening_to_what_we_heard(browser, live_server, sign_in, check_accessibility):
    demo = demo_load(password=PASSWORD)
    plan, slug = demo.plan, demo.plan.slug
    equity = Node.objects.live().get(plan=plan, title="Equity")
    contexts = []

    def person(email: str | None):
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if email:
            sign_in(page, email, PASSWORD)
        return page

    try:
        # The chair opens the consultation from the workspace.
        chair = person("publisher@example.org")
        chair.goto(f"/plans/{slug}/edit/")
        chair.get_by_role("navigation", name="Workspace").get_by_role("link", name="Consultation", exact=True).click()
        expect(chair.get_by_role("heading", level=1)).to_have_text("Consultation on the draft")
        check_accessibility(chair)
        chair.get_by_role("link", name="Open a consultation on the current draft").click()
        check_accessibility(chair)
        chair.get_by_label("Name of the candidate").fill("2.0 draft for consultation")
        closes = timezone.localtime() + dt.timedelta(days=14)
        chair.get_by_label("Closes at").fill(closes.strftime("%Y-%m-%dT%H:%M"))
        chair.get_by_label("Who may take part").select_option("signed_in")
        chair.get_by_role("button", name="Open the consultation").click()
        expect(chair.get_by_text("The consultation is open")).to_be_visible()
        check_accessibility(chair)
        consultation = Consultation.objects.get(plan=plan)

        # ... and shares the draft with an outside reviewer who may comment.
        chair.get_by_role("navigation", name="Workspace").get_by_role("link", name="Share with reviewers").click()
        check_accessibility(chair)
        chair.get_by_label("Who is it for").fill("External reviewer: funding agency")
        chair.get_by_label("Let reviewers comment through the link").check()
        chair.get_by_role("button", name="Make a link").click()
        link_url = chair.get_by_label(re.compile("The link for")).input_value()
        check_accessibility(chair)

        # A collaborator reads the banner, comments on Introduction and suggests wording for Equity, anonymously.
        reader = person("reader@example.org")
        reader.goto(f"/plans/{slug}/")
        reader.get_by_role("link", name="Read the draft and tell them what you think").click()
        expect(reader.get_by_role("heading", level=1)).to_have_text("2.0 draft for consultation")
        check_accessibility(reader)
        form = _details(reader, "Comment on 1")
        form.get_by_label("Your comment").fill("Please say who wrote this plan and when.")
        form.get_by_label("Do not show my name to anyone, not even the committee").check()
        form.get_by_role("button", name="Send comment").click()
        expect(reader.get_by_text("Thank you: your comment is posted.")).to_be_visible()
        check_accessibility(reader)
        form = _details(reader, f"Suggest new wording for {_number(consultation, equity.pk)}")
        form.get_by_label("The wording you suggest for this section").fill(NEW_WORDING)
        form.get_by_label("Why").fill("Shorter and plainer.")
        form.get_by_label("Do not show my name to anyone, not even the committee").check()
        form.get_by_role("button", name="Send suggestion").click()
        expect(reader.get_by_text("Thank you: your suggested amendment is posted.")).to_be_visible()
        expect(reader.locator(".amendment-diff ins").first).to_be_visible()
        check_accessibility(reader)
        comment = Comment.objects.get(kind=Kind.COMMENT)
        amendment = Comment.objects.get(kind=Kind.AMENDMENT)
        assert (comment.author, amendment.author, comment.anonymous) == (None, None, True)

        # The outside reviewer comments through the link, without an account.
        reviewer = person(None)
        reviewer.goto(link_url)
        check_accessibility(reviewer)
        form = _details(reviewer, "Comment on 2")
        form.get_by_label("Your comment").fill("The definitions match our guidance.")
        form.get_by_role("button", name="Send comment").click()
        expect(reviewer.get_by_text("is sent to the committee")).to_be_visible()
        check_accessibility(reviewer)
        assert Comment.objects.get(link_label="External reviewer: funding agency").author is None

        # The editor answers the comment and accepts the amendment.
        editor = person("editor@example.org")
        editor.goto(f"/plans/{slug}/edit/consultation/")
        expect(editor.get_by_text("by Anonymous").first).to_be_visible()
        expect(editor.get_by_text("by External reviewer: funding agency")).to_be_visible()
        assert "Robin Reader" not in editor.content()
        check_accessibility(editor)
        editor.get_by_role("link", name=f"Answer, hide #{comment.pk}").click()
        check_accessibility(editor)
        editor.get_by_role("combobox", name=re.compile("^Answer")).select_option(AnswerStatus.ACCEPTED)
        editor.get_by_label("Reason (readers see it)").fill("We add the authors and dates to the introduction.")
        editor.get_by_role("button", name="Save the answer").click()
        expect(editor.get_by_text(f"Item #{comment.pk} is answered.")).to_be_visible()
        editor.get_by_role("link", name=f"Answer, hide or accept #{amendment.pk}").click()
        check_accessibility(editor)
        editor.get_by_role("button", name="Put this wording in the draft").click()
        expect(editor.get_by_text(f"The wording of amendment #{amendment.pk} is now in the draft.")).to_be_visible()
        assert Node.objects.get(pk=equity.pk).body == NEW_WORDING
        check_accessibility(editor)

        # The chair closes the consultation; the editor asks for a review; the chair approves.
        chair.goto(f"/plans/{slug}/edit/consultation/")
        chair.get_by_role("button", name="Close the consultation now").click()
        expect(chair.get_by_text("The consultation is closed.")).to_be_visible()
        editor.get_by_role("navigation", name="Workspace").get_by_role("link", name="Review", exact=True).click()
        check_accessibility(editor)
        editor.get_by_label("What should the reviewer look at? (optional)").fill("The new wording of Equity.")
        editor.get_by_role("button", name="Ask the publishers to review the draft").click()
        expect(editor.get_by_text("Review asked for.")).to_be_visible()
        check_accessibility(editor)
        chair.goto(f"/plans/{slug}/edit/review/")
        check_accessibility(chair)
        chair.get_by_label("Approve the draft for publishing").check()
        chair.get_by_role("button", name="Send your answer").click()
        expect(chair.get_by_text("Your answer is recorded")).to_be_visible()
        assert ReviewRequest.objects.get().state == ReviewState.APPROVED

        # The chair publishes: the publish page shows the approval.
        chair.get_by_role("navigation", name="Workspace").get_by_role("link", name="Publish", exact=True).click()
        expect(chair.get_by_text(re.compile("Approved by Priya Publisher|Approved by"))).to_be_visible()
        check_accessibility(chair)
        chair.get_by_label("Release notes").fill("Adopted after the consultation: clearer definition of equity.")
        chair.get_by_role("button", name=re.compile("^Publish")).click()
        expect(chair.get_by_text(re.compile("Published version"))).to_be_visible()

        # A reader opens "what we heard" from the new version.
        visitor = person(None)
        version = plan.versions.latest_first().first()
        visitor.goto(f"/plans/{slug}/v/{version.number}/")
        visitor.get_by_role("link", name="What we heard").click()
        expect(visitor.get_by_role("heading", level=1)).to_contain_text("What we heard")
        expect(visitor.get_by_text("We add the authors and dates to the introduction.")).to_be_visible()
        assert "Robin Reader" not in visitor.content()
        check_accessibility(visitor)
    finally:
        for context in contexts:
            context.close()


def _number(consultation: Consultation, section_id: int) -> str:
    return consultation.section(section_id)["number"]

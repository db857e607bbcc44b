"""The demo follow-through data: on the demo plan, without touching its draft."""

from http import HTTPStatus

from django.urls import reverse

from accounts.demo import demo_load
from plans.models import Node
from tracking.demo import demo_tracking_load
from tracking.models import Measurement, ProgressUpdate


def test_demo_tracking_data(client, db):
    result = demo_load(password="a-long-demo-password")
    plan = result.plan
    editor = result.plan.roles.filter(role="editor").first().user
    revisions = dict(Node.objects.filter(plan=plan).values_list("pk", "revision"))
    assert demo_tracking_load(plan=plan, user=editor) is True
    assert ProgressUpdate.objects.filter(node__plan=plan).exists()
    assert Measurement.objects.filter(node__plan=plan).count() > 5
    # Updates repeat each action's own status: the draft has no new change.
    assert dict(Node.objects.filter(plan=plan).values_list("pk", "revision")) == revisions
    assert demo_tracking_load(plan=plan, user=editor) is False  # a second run adds nothing
    for route in ("actions", "indicators"):
        response = client.get(reverse(f"tracking:{route}", kwargs={"slug": plan.slug}))
        assert response.status_code == HTTPStatus.OK
    page = client.get(reverse("tracking:indicators", kwargs={"slug": plan.slug})).text
    assert "fewer than 5" in page
    assert "not shown" in page

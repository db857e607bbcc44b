import pytest
from django.core.management import CommandError, call_command

from tests.conftest import add_node


def test_publish_plan_command_publishes_minor_and_major(plan, capsys):
    call_command("publish_plan", plan.slug, "--notes", "First.")
    assert "version 1.0" in capsys.readouterr().out
    add_node(plan, "More")
    call_command("publish_plan", plan.slug, "--notes", "Second.", "--major")
    assert "version 2.0" in capsys.readouterr().out
    assert [v.number for v in plan.versions.latest_first()] == ["2.0", "1.0"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--notes", "x"], "No plan with the slug 'nope'"),
        (["test-plan", "--notes", " "], "release notes"),
    ],
)
def test_publish_plan_command_refuses_bad_input(plan, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("publish_plan", *args)
    assert plan.versions.count() == 0


def test_publish_plan_command_refuses_an_unchanged_draft(published_plan):
    with pytest.raises(CommandError, match="Nothing has changed"):
        call_command("publish_plan", published_plan.slug, "--notes", "Again.")

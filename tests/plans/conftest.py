"""Fixtures of the plans tests: the small plan's committee, signed in."""

from __future__ import annotations

import pytest

from plans.models import Role


@pytest.fixture
def editor(make_user, plan):
    return make_user("editor@example.org", name="Dana Editor", plan=plan, role=Role.EDITOR)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(client, make_user, plan):
    client.force_login(make_user("chair@example.org", plan=plan, role=Role.PUBLISHER))
    return client

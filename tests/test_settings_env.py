"""Settings read from the environment: a value that is not understood stops start-up."""

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from dei_portal.settings.env import env_bool


@pytest.mark.parametrize(("value", "expected"), [("true", True), (" Yes ", True), ("1", True), ("off", False)])
def test_env_bool_reads_the_usual_words(monkeypatch, value, expected):
    monkeypatch.setenv("PORTAL_TEST_FLAG", value)
    assert env_bool("PORTAL_TEST_FLAG", not expected) is expected


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_unset_or_empty_is_the_default(monkeypatch, default):
    monkeypatch.delenv("PORTAL_TEST_FLAG", raising=False)
    assert env_bool("PORTAL_TEST_FLAG", default) is default
    monkeypatch.setenv("PORTAL_TEST_FLAG", "")
    assert env_bool("PORTAL_TEST_FLAG", default) is default


@pytest.mark.parametrize("value", ["flase", "enabled", "2", "y e s"])
def test_env_bool_refuses_a_value_it_does_not_understand(monkeypatch, value):
    monkeypatch.setenv("PORTAL_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="PORTAL_TEST_FLAG"):
        env_bool("PORTAL_TEST_FLAG", True)


@pytest.mark.django_db
def test_publishing_and_its_refusal_are_logged(caplog):
    from plans.models import Plan
    from plans.services import PublishError, node_create, plan_publish

    plan = Plan.objects.create(slug="logged", title="Logged")
    node_create(plan=plan, parent=None, kind="narrative", data={"title": "Scope"}, user=None)
    with caplog.at_level(logging.INFO, logger="plans.services.publish"):
        plan_publish(plan=plan, notes="First")
        with pytest.raises(PublishError):
            plan_publish(plan=plan, notes="Again")
    lines = [record.getMessage() for record in caplog.records]
    assert any("Published 'logged' version 1.0" in line for line in lines), lines
    assert any("Publishing 'logged' refused: Nothing has changed" in line for line in lines), lines


@pytest.mark.django_db
def test_a_refused_import_is_logged(caplog):
    from plans.importers import PlanImportError, plan_import

    with caplog.at_level(logging.INFO, logger="plans.importers.service"), pytest.raises(PlanImportError):
        plan_import(source="no headings at all", slug="refused")
    assert any("Import into 'refused' refused" in record.getMessage() for record in caplog.records)


def _prod_setting(name: str, **env: str) -> str:
    """The repr of one production setting, read in a fresh interpreter with the given environment."""
    import os
    import subprocess
    import sys

    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dei_portal.settings.prod",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "dei.example.org",
        "DATABASE_URL": "postgres://u@localhost/db",
        **env,
    }
    code = f"from django.conf import settings; print(repr(getattr(settings, {name!r}, None)))"
    result = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_production_believes_x_forwarded_proto_only_behind_a_declared_proxy():
    assert _prod_setting("SECURE_PROXY_SSL_HEADER", DJANGO_TRUSTED_PROXY_COUNT="0") == "None"
    assert (
        _prod_setting("SECURE_PROXY_SSL_HEADER", DJANGO_TRUSTED_PROXY_COUNT="1")
        == "('HTTP_X_FORWARDED_PROTO', 'https')"
    )


def test_production_limits_the_request_body():
    assert int(_prod_setting("DATA_UPLOAD_MAX_MEMORY_SIZE")) <= 10 * 1024 * 1024
    assert _prod_setting("DATA_UPLOAD_MAX_MEMORY_SIZE", DJANGO_MAX_REQUEST_BYTES="1000") == "1000"

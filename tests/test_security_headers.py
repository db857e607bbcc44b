"""Site-wide safety nets: Permissions-Policy, the CSP report endpoint, one-line refusals in the log."""

import json
import logging
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.urls import reverse

from dei_portal.security import OneLineClientErrors


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_every_page_switches_off_the_features_it_never_uses(client, published_plan):
    for url in ["/", published_plan.get_absolute_url(), "/accounts/login/"]:
        response = client.get(url)
        policy = response.headers["Permissions-Policy"]
        assert "camera=()" in policy, url
        assert "geolocation=()" in policy
        assert "clipboard-write=(self)" in policy


@pytest.mark.django_db
def test_the_content_security_policy_asks_browsers_to_report_violations(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "report-uri /csp-report" in policy
    assert "script-src 'self'" in policy


def _report(client, body, **extra):
    return client.post(reverse("csp_report"), data=body, content_type="application/csp-report", **extra)


def test_a_violation_report_is_logged_in_one_line(client, caplog):
    report = {"csp-report": {"document-uri": "https://x/plans/a/", "violated-directive": "script-src 'self'"}}
    with caplog.at_level(logging.WARNING, logger="dei_portal.csp"):
        response = _report(client, json.dumps(report))
    assert response.status_code == HTTPStatus.NO_CONTENT
    [record] = caplog.records
    assert "violated-directive=\"script-src 'self'\"" in record.getMessage()
    assert "\n" not in record.getMessage()


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '{"csp-report": 7}', "", "\u0000" * 10, "{" * 5000])
def test_a_garbled_report_is_answered_and_logged_without_error(client, caplog, body):
    with caplog.at_level(logging.WARNING, logger="dei_portal.csp"):
        assert _report(client, body).status_code == HTTPStatus.NO_CONTENT


def test_reports_are_rate_limited_per_client(client, caplog, settings):
    settings.CSP_REPORTS_PER_MINUTE_PER_CLIENT = 3
    with caplog.at_level(logging.WARNING, logger="dei_portal.csp"):
        for _ in range(10):
            assert _report(client, "{}").status_code == HTTPStatus.NO_CONTENT
    assert len(caplog.records) == 3


def test_the_report_endpoint_takes_only_posts(client):
    assert client.get(reverse("csp_report")).status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.django_db
def test_a_refused_request_is_logged_as_one_line_without_traceback(client, caplog, settings):
    # Too many form fields: Django refuses with 400 and logs the SuspiciousOperation with its traceback.
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    with caplog.at_level(logging.WARNING, logger="django.security"):
        response = client.post("/accounts/login/", data={f"f{i}": "x" for i in range(50)})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    [record] = [r for r in caplog.records if r.name.startswith("django.security")]
    # Django attaches the exception; the portal's console handler (LOGGING) has dropped it.
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_the_filter_drops_the_traceback_of_a_client_error_only():
    try:
        raise PermissionError("refused")
    except PermissionError as error:
        refused = logging.LogRecord(
            "django.request", logging.WARNING, "", 0, "Forbidden", (), (type(error), error, None)
        )
    refused.status_code = 403
    assert OneLineClientErrors().filter(refused)
    assert refused.exc_info is None


def test_a_large_request_body_is_refused_with_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/accounts/login/", data={"login": "x" * 5000})
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_server_errors_keep_their_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord("django.request", logging.ERROR, "", 0, "Internal Server Error", (), sys.exc_info())
    record.status_code = 500
    OneLineClientErrors().filter(record)
    assert record.exc_info is not None

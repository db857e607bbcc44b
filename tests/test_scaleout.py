"""Scale-out: two app servers sharing one PostgreSQL and one Redis behave as one portal.

Two gunicorn processes on two ports run the portal under its production settings with
REDIS_URL set, against the test database. A version published through one is what the other
serves on its very next request; a session signed in on one is valid on the other. Runs on
PostgreSQL only (SQLite is not shared between servers) and needs Debian's redis-server.
"""

from __future__ import annotations

import http.client
import re
from http import HTTPStatus
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from plans.models import Visibility
from plans.services import plan_publish
from tests.conftest import add_node
from tests.servers import REDIS_SERVER, gunicorn, manage, production_env, redis_server

pytestmark = [
    pytest.mark.scaleout,
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="Scale-out is tested on PostgreSQL only (set DATABASE_URL=postgres://...).",
    ),
    pytest.mark.skipif(
        not Path(REDIS_SERVER).exists(), reason="Needs Debian's redis-server (apt-get install redis-server)."
    ),
    pytest.mark.django_db(transaction=True),
]


class Browser:
    """Just enough of a browser: keeps the cookies it is given, for one server or several."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel.value:
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            return response.status, text
        finally:
            conn.close()

    def get(self, port: int, path: str) -> tuple[int, str]:
        return self.request(port, "GET", path)

    def sign_in(self, port: int, email: str, password: str) -> None:
        status, page = self.get(port, "/accounts/login/")
        assert status == HTTPStatus.OK
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        status, _ = self.request(
            port, "POST", "/accounts/login/", {"csrfmiddlewaretoken": token, "login": email, "password": password}
        )
        assert status == HTTPStatus.FOUND, "the sign-in was refused"


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """The collected static files the production settings serve (collected once for the module)."""
    folder = tmp_path_factory.mktemp("scaleout")
    manage(
        production_env(database_url="postgres://unused@127.0.0.1/unused", folder=folder), "collectstatic", "--no-input"
    )
    return folder


def test_two_app_servers_share_new_versions_and_sessions(static_root, make_plan, make_user, settings):
    plan = make_plan("shared-plan", title="Shared plan")
    plan_publish(plan=plan, notes="First version.")
    members = make_plan("members-plan", visibility=Visibility.MEMBERS, title="Members plan")
    plan_publish(plan=members, notes="First version.")
    reader_account = make_user("reader@example.org")
    # The servers check passwords with the production hashers, not the tests' fast one.
    reader_account.password = PBKDF2PasswordHasher().encode("a-long-test-password", "scaleoutsalt", iterations=1000)
    reader_account.save(update_fields=["password"])

    with redis_server() as redis_url:
        env = production_env(database_url=database_url(), folder=static_root, redis_url=redis_url)
        with (
            gunicorn(["dei_portal.wsgi"], env, workers=1) as (one, _),
            gunicorn(["dei_portal.wsgi"], env, workers=1) as (two, _),
        ):
            visitor = Browser()
            for port in (one, two, one, two):  # built once, then served from the shared cache
                status, page = visitor.get(port, "/plans/shared-plan/")
                assert status == HTTPStatus.OK
                assert "Version 1.0" in page

            # Published from a third process (a deployment script): both servers see it at once.
            add_node(plan, "A section added later")
            manage(env, "publish_plan", "shared-plan", "--notes", "Second version.")
            for port in (two, one):
                status, page = visitor.get(port, "/plans/shared-plan/")
                assert "Version 1.1" in page, f"the server on port {port} still serves the old version"
                assert "A section added later" in page

            # Signed in on one, signed in on the other.
            reader = Browser()
            reader.sign_in(one, "reader@example.org", "a-long-test-password")
            for port in (two, one):
                status, page = reader.get(port, "/plans/members-plan/")
                assert status == HTTPStatus.OK
                assert "Members plan" in page
                assert "Sign out" in page
            assert visitor.get(two, "/plans/members-plan/")[0] == HTTPStatus.NOT_FOUND

            # A visibility change (in the admin: any process with the production cache settings)
            # hides the plan on both at once.
            settings.CACHES = {
                "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
            }
            plan.visibility = Visibility.MEMBERS
            plan.save()
            for port in (one, two):
                assert visitor.get(port, "/plans/shared-plan/")[0] == HTTPStatus.NOT_FOUND

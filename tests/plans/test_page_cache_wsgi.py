"""The page cache's WSGI door (plans.caching.wsgi): visitors' hits answered before Django, same bytes, same headers."""

from __future__ import annotations

import gzip
import io
import sys
from http import HTTPStatus

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from plans.caching import plan_cache_bump
from plans.caching.wsgi import PageCacheApplication
from plans.models import Visibility
from plans.services import plan_publish
from tests.conftest import add_node


class Door:
    """PageCacheApplication around Django's WSGI handler, counting what reaches Django."""

    def __init__(self) -> None:
        self.django = WSGIHandler()
        self.reached: list[str] = []
        self.application = PageCacheApplication(self._django)

    def _django(self, environ, start_response):
        self.reached.append(environ["PATH_INFO"])
        return self.django(environ, start_response)

    def get(self, path: str, *, method: str = "GET", query: str = "", **headers: str):
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": query,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
        }
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = dict(response_headers)

        # As Django's test client does: a request must not close the test's database connection
        # (it holds the test's transaction).
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            chunks = self.application(environ, start_response)
            try:
                answer["body"] = b"".join(chunks)
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return answer


class FixedHeaderMiddleware:
    """An outer middleware of the kind PAGE_CACHE_OUTER_MIDDLEWARE lists: one fixed header on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("X-Outer-Test", "camera=()")
        return response


@pytest.fixture
def door() -> Door:
    return Door()


@pytest.fixture
def page(published_plan) -> str:
    url = f"/plans/{published_plan.slug}/"
    Client().get(url)  # the visitors' page is stored
    return url


def test_a_visitors_hit_never_reaches_django_and_makes_no_query(door, page, django_assert_num_queries):
    with django_assert_num_queries(0):
        answer = door.get(page)
    assert answer["status"] == HTTPStatus.OK
    assert door.reached == []
    assert b"Version 1.0" in answer["body"]


@pytest.mark.parametrize("forwarded", [None, "https"])
@pytest.mark.parametrize("encoding", ["", "gzip"])
def test_it_sends_the_bytes_and_headers_the_django_path_sends(door, page, settings, forwarded, encoding):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    headers = {"accept_encoding": encoding} | ({"x_forwarded_proto": forwarded} if forwarded else {})
    fast = door.get(page, **headers)
    assert door.reached == []
    # The same request through Django, where PageCacheMiddleware answers it.
    full = Client().get(page, headers={name.replace("_", "-"): value for name, value in headers.items()})
    assert fast["body"] == full.content
    assert {k.lower(): v for k, v in fast["headers"].items()} == {k.lower(): v for k, v in full.headers.items()}
    assert ("Strict-Transport-Security" in fast["headers"]) == (forwarded == "https")
    assert fast["headers"]["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in fast["headers"]


def test_gzip_304_and_head_at_the_door(door, page):
    plain = door.get(page)
    packed = door.get(page, accept_encoding="gzip")
    assert packed["headers"]["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed["body"]) == plain["body"]
    assert door.get(page, if_none_match=plain["headers"]["ETag"])["status"] == HTTPStatus.NOT_MODIFIED
    head = door.get(page, method="HEAD")
    assert head["body"] == b""
    assert int(head["headers"]["Content-Length"]) == len(plain["body"])
    assert door.reached == []


@pytest.mark.parametrize(
    "headers",
    [{"cookie": "sessionid=abc"}, {"cookie": "messages=abc"}, {"host": "evil.example.com"}],
)
def test_who_might_be_signed_in_and_unknown_hosts_go_to_django(door, page, headers):
    answer = door.get(page, **headers)
    assert door.reached == [page]
    if "host" in headers:
        assert answer["status"] == HTTPStatus.BAD_REQUEST


def test_an_analytics_cookie_does_not_stop_the_door(door, page):
    door.get(page, cookie="theme=dark; _pk_id=123")
    assert door.reached == []


def test_a_request_to_redirect_to_https_goes_to_django(page, settings):
    settings.SECURE_SSL_REDIRECT = True
    door = Door()  # Django's middleware reads the setting when it is built
    assert door.get(page)["status"] == HTTPStatus.MOVED_PERMANENTLY
    assert door.reached == [page]


def test_a_changed_plan_goes_to_django_which_builds_the_new_page(door, page, published_plan):
    add_node(published_plan, "Another section")
    plan_publish(plan=published_plan, notes="More.")
    answer = door.get(page)
    assert door.reached == [page]
    assert b"Version 1.1" in answer["body"]
    assert b"Version 1.1" in door.get(page)["body"]
    assert door.reached == [page]  # built once, then answered at the door


def test_a_plan_made_members_only_is_never_served_at_the_door(door, page, published_plan):
    published_plan.visibility = Visibility.MEMBERS
    published_plan.save()
    assert door.get(page)["status"] == HTTPStatus.NOT_FOUND
    plan_cache_bump(plan=published_plan)
    assert door.get(page)["status"] == HTTPStatus.NOT_FOUND
    assert door.reached == [page, page]


def test_the_door_stays_shut_when_other_middleware_comes_first(page, settings):
    settings.MIDDLEWARE = ["django.middleware.common.CommonMiddleware", *settings.MIDDLEWARE]
    door = Door()
    door.get(page)
    assert door.reached == [page]


@pytest.mark.parametrize("path", ["/plans/test-plan/v/1.0/", "/plans/test-plan/versions/", "/"])
def test_other_pages_and_misses_go_to_django(door, published_plan, path):
    assert door.get(path)["status"] == HTTPStatus.OK
    assert door.reached == [path]


def test_listed_outer_middleware_keeps_the_door_open_and_its_headers_on(published_plan, settings):
    outer = f"{__name__}.FixedHeaderMiddleware"
    settings.MIDDLEWARE = [outer, *settings.MIDDLEWARE]
    settings.PAGE_CACHE_OUTER_MIDDLEWARE = [*settings.PAGE_CACHE_OUTER_MIDDLEWARE, outer]
    url = f"/plans/{published_plan.slug}/"
    through_django = Client().get(url)
    assert through_django["X-Outer-Test"] == "camera=()"
    door = Door()
    fast = door.get(url)
    assert door.reached == []
    assert fast["headers"]["X-Outer-Test"] == "camera=()"
    assert fast["body"] == Client().get(url).content

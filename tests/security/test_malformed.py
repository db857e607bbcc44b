"""Malformed requests on every route, for a visitor and for the plan's publisher: odd query
strings, broken bodies, impossible ids. The rule: a 4xx or a normal page, never a server error."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.security.conftest import World
from tests.security.test_access_matrix import _routes, _url

QUERIES = [
    "?as_of=not-a-date",
    "?as_of=9999-99-99",
    "?as_of=0001-01-01",
    "?as_of=%00",
    "?v=..%2F..%2Fetc",
    "?v=1.0.0",
    "?v=99999999999999999999.0",
    "?q=%00%00",
    "?q=" + "x" * 5000,
    "?q=%ff%fe",
    "?q=%3Cscript%3E",
    "?from=1.0&to=",
    "?from=%00&to=%00",
    "?parent=99999999999999999999&kind=narrative",
    "?parent=-1&kind=zzz",
    "?kind=" + "a" * 300,
    "?page=-1",
    "?page=99999999999",
    "?sort=%27;DROP%20TABLE",
    "?status=%E2%80%AE",
    "?year=abc",
    "?next=javascript:alert(1)",
    "?a=1&a=2&a=3",
]
BODIES = [
    ("application/x-www-form-urlencoded", b"title=%00&body=%ff&base_revision=abc&submission=" + b"x" * 100),
    ("application/x-www-form-urlencoded", b"base_revision=99999999999999999999999&title=x"),
    ("application/x-www-form-urlencoded", b"%%%%&&&==="),
    ("multipart/form-data; boundary=xyz", b'--xyz\r\nContent-Disposition: form-data; name="file"\r\n\r\n'),
    ("multipart/form-data", b"no boundary at all"),
    ("application/json", b"{" * 3000),
    ("text/plain", "\u0000\ud7ff".encode("utf-8", "surrogatepass")),
]
IMPOSSIBLE_IDS = {"node_id": "99999999999999999999", "reference_id": "0", "history_id": "4294967296", "pk": "0"}


@pytest.mark.parametrize("role", ["visitor", "publisher"])
def test_no_malformed_request_is_a_server_error(world: World, role, record_property):
    client = Client()
    if role != "visitor":
        client.force_login(world.users[role])
    problems, tried = [], 0
    ids = world.ids["public"]
    for name, pattern, route in _routes():
        url = _url(name, pattern, route, ids, world)
        if url is None:
            continue
        base = url.split("?")[0]
        for query in QUERIES:
            tried += 1
            response = client.get(base + query)
            if response.status_code >= 500:
                problems.append(f"GET {base}{query[:60]}: {response.status_code}")
        for content_type, body in BODIES:
            tried += 1
            response = client.post(base, data=body, content_type=content_type)
            if response.status_code >= 500:
                problems.append(f"POST {base} ({content_type}): {response.status_code}")
        impossible = _url(name, pattern, route, {**ids, **IMPOSSIBLE_IDS}, world)
        if impossible != url:
            tried += 2
            for response in (client.get(impossible), client.post(impossible, data={})):
                if response.status_code >= 500:
                    problems.append(f"{impossible}: {response.status_code}")
    record_property("malformed", tried)
    assert tried > 1000
    assert not problems, "\n".join(problems[:50])


def test_a_form_without_its_csrf_token_gets_the_portals_own_plain_page(db):
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"login": "a@example.org"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "This form could not be accepted" in text
    assert "CSRF verification failed" not in text

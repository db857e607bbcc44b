"""On the embedded SQLite default, concurrent writes wait their turn: no "database is locked".

A real server (runserver, threaded) on a SQLite file, as `make run` uses it, and eight
editors adding a section at the same moment: every add is saved, none fails. The test
database of the rest of the suite (in memory, one connection) could not show it.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http import HTTPStatus
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EDITORS = 8
PASSWORD = "a-long-live-test-password"
EMAIL = "live.editor@example.org"
SLUG = "live-plan"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def environment(tmp_path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="dei_portal.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_REQUIRE_MFA="false",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120
    )


@pytest.fixture
def server(environment, tmp_path):
    """A migrated SQLite file with a plan and an editor, served on a free local port; always stopped."""
    manage(environment, "migrate", "--no-input")
    manage(environment, "import_plan", str(ROOT / "tests/plans/fixtures/small-plan.md"), "--slug", SLUG)
    manage(environment, "grant_role", EMAIL, SLUG, "editor", "--password", PASSWORD)
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start: {(tmp_path / 'server.log').read_text()[-2000:]}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", tmp_path / "db.sqlite3"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


class Browser:
    """One person's session: cookies, and the CSRF token of the last form."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, data: dict[str, str]) -> int:
        request = urllib.request.Request(  # noqa: S310 — always http://127.0.0.1, the test server
            self.base + path, data=urllib.parse.urlencode(data).encode(), headers={"Referer": self.base + path}
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def test_eight_editors_adding_at_once_on_sqlite_all_succeed(server):
    base, database = server
    add = f"/plans/{SLUG}/edit/add/?kind=narrative"
    browsers = [Browser(base) for _ in range(EDITORS)]
    barrier = threading.Barrier(EDITORS, timeout=60)  # one failing never leaves the others waiting
    results: list[object] = [None] * EDITORS

    def work(index: int, browser: Browser) -> None:
        try:
            login = browser.get("/accounts/login/")
            barrier.wait()  # signing in writes too (the session, the last login): all at once
            token = hidden(login, "csrfmiddlewaretoken")
            signed_in = browser.post(
                "/accounts/login/", {"login": EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": token}
            )
            form = browser.get(add)
            data = {
                "csrfmiddlewaretoken": hidden(form, "csrfmiddlewaretoken"),
                "submission": hidden(form, "submission"),
                "title": f"Added at once {index}",
                "body": "Eight editors, one SQLite file.",
                "message": "",
            }
            barrier.wait()
            results[index] = (signed_in, browser.post(add, data))
        except Exception as error:  # noqa: BLE001 — the assertion below shows what each got
            results[index] = error
            barrier.abort()

    threads = [threading.Thread(target=work, args=(i, b)) for i, b in enumerate(browsers)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 180
    for thread in threads:
        thread.join(timeout=max(0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "a request hung"

    # Each sign-in and each add ends on the page it redirects to (the outline): no 500 anywhere.
    assert results == [(HTTPStatus.OK, HTTPStatus.OK)] * EDITORS, results
    with sqlite3.connect(database) as connection:
        titles = {
            row[0] for row in connection.execute("SELECT title FROM plans_node WHERE title LIKE 'Added at once %'")
        }
    assert titles == {f"Added at once {i}" for i in range(EDITORS)}

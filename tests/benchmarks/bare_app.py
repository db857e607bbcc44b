"""The yardstick of bench_throughput.py: a bare WSGI app returning fixed bytes, nothing else.

BARE_APP_PAGES names a JSON file {"/path": ["body file", "content type"]}; every request for
one of those paths gets that file's bytes, read once at start-up. Run it under gunicorn
exactly as the portal is run, so that the two differ only in what the app does per request.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

_PAGES: dict[str, tuple[bytes, list[tuple[str, str]]]] = {}
for path, (name, content_type) in json.loads(Path(os.environ["BARE_APP_PAGES"]).read_text()).items():
    body = Path(name).read_bytes()
    _PAGES[path] = (body, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
_MISSING = (b"Not found", [("Content-Type", "text/plain"), ("Content-Length", "9")])


def application(environ, start_response):
    body, headers = _PAGES.get(environ.get("PATH_INFO", ""), _MISSING)
    start_response("200 OK" if body is not _MISSING[0] else "404 Not Found", headers)
    return [body]

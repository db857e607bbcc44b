"""Whole responses in the cache: stored once, served many times, with 304s and gzip.

An entry is kept under a key made of its audience and the request's path and query string.
It holds the token of the plan state it was built for, the headers to send, its ETag and
Last-Modified, and the keys of its bodies: the page as it is, and gzip-compressed (compressed
once, when stored). Bodies are stored by their hash, so a body never changes under its key;
each process also keeps the bodies it served last in memory, so a hit does not copy a 200 KB
page out of Redis every time.

A signed-in audience's entry is the page with its per-person regions cut out (who is signed
in and the sign-out form, the messages): see `plans.caching.pages`.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe

from .connection import is_shared, page_store

# Headers an entry never stores: they are set for each response (or by the servers around it).
UNSTORED_HEADERS = frozenset(
    {"content-length", "content-encoding", "etag", "last-modified", "vary", "set-cookie", "date", "server"}
)
# Headers a 304 repeats (RFC 9110 15.4.5), as Django's own conditional responses do.
NOT_MODIFIED_HEADERS = frozenset({"cache-control", "content-location", "expires"})
# Smaller bodies are not worth compressing.
GZIP_MIN_LENGTH = 200
COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/javascript")

FORMAT = 1  # bump when Entry's shape changes


@dataclass(frozen=True)
class Entry:
    token: str  # the plan state it was built for (see plans.caching.state)
    kind: str  # which of the state's tokens: DOCUMENT or DATA
    headers: tuple[tuple[str, str], ...]  # Content-Type, Cache-Control, CSP...: sent as they are
    etag: str  # quoted; "W/" is added for the compressed body
    last_modified: float | None
    body: str  # key of the body
    length: int
    gzip: str | None = None  # key of the gzip-compressed body, if worth having
    gzip_length: int = 0
    # Signed-in audiences: the lengths of the parts before and between the per-person regions.
    cuts: tuple[int, ...] = ()
    format: int = field(default=FORMAT)

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)


def entry_key(audience: str, request: HttpRequest) -> str:
    """The cache key of the entry for this audience and the request's path and query string."""
    return path_key(audience, request.path_info, request.META.get("QUERY_STRING", ""))


def path_key(audience: str, path_info: str, query_string: str) -> str:
    """The cache key of the entry for this audience, path and query string (hashed: any length is fine)."""
    raw = f"{path_info}?{query_string}".encode("utf-8", "surrogateescape")
    return f"pc:entry:{audience}:{hashlib.blake2b(raw, digest_size=16).hexdigest()}"


def entry_get(key: str) -> Entry | None:
    return entry_from_cache(page_store().get(key))


def entry_from_cache(value) -> Entry | None:
    """`value` if it is an entry of the current format (anything else counts as a miss)."""
    return value if isinstance(value, Entry) and value.format == FORMAT else None


class _Bodies:
    """The bodies this process served last, by key, up to a number of bytes (least recently used out)."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        limit = settings.PAGE_CACHE_LOCAL_BYTES
        if len(body) > limit:
            return
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return
            self._items[key] = body
            self._size += len(body)
            while self._size > limit:
                _, old = self._items.popitem(last=False)
                self._size -= len(old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


_bodies = _Bodies()


def body_get(key: str) -> bytes | None:
    body = _bodies.get(key)
    if body is None and is_shared():
        body = page_store().get(f"pc:body:{key}")
        if isinstance(body, bytes):
            _bodies.put(key, body)
        else:
            body = None
    return body


def _body_put(key: str, body: bytes) -> None:
    _bodies.put(key, body)
    if is_shared():
        page_store().set(f"pc:body:{key}", body, timeout=settings.PAGE_CACHE_TIMEOUT)


def clear_local() -> None:
    """Forget the bodies held in this process's memory (tests; the shared cache keeps its own)."""
    _bodies.clear()


def body_hash(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


@dataclass
class Pending:
    """An entry built from a response, with its bodies, not stored yet."""

    key: str
    entry: Entry
    body: bytes
    gzip_body: bytes | None

    def with_headers(self, headers: tuple[tuple[str, str], ...]) -> Pending:
        return replace(self, entry=replace(self.entry, headers=headers))

    def save(self) -> None:
        _body_put(self.entry.body, self.body)
        if self.gzip_body is not None and self.entry.gzip:
            _body_put(self.entry.gzip, self.gzip_body)
        page_store().set(self.key, self.entry, timeout=settings.PAGE_CACHE_TIMEOUT)


def build_entry(
    *,
    key: str,
    kind: str,
    token: str,
    body: bytes,
    headers: tuple[tuple[str, str], ...],
    last_modified: float | None,
    cuts: tuple[int, ...] = (),
) -> Pending:
    """An entry for `body` (compressed here, once), to store with `.save()`."""
    digest = body_hash(body)
    content_type = next((value for name, value in headers if name.lower() == "content-type"), "")
    gzip_body = None
    if not cuts and len(body) >= GZIP_MIN_LENGTH and content_type.startswith(COMPRESSIBLE):
        # mtime=0: the same body always compresses to the same bytes.
        gzip_body = gzip.compress(body, compresslevel=6, mtime=0)
        if len(gzip_body) >= len(body):
            gzip_body = None
    entry = Entry(
        token=token,
        kind=kind,
        headers=headers,
        etag=f'"{digest}"',
        last_modified=last_modified,
        body=digest,
        length=len(body),
        gzip=f"{digest}.gz" if gzip_body is not None else None,
        gzip_length=len(gzip_body) if gzip_body is not None else 0,
        cuts=cuts,
    )
    return Pending(key=key, entry=entry, body=body, gzip_body=gzip_body)


def stored_headers(response: HttpResponse) -> tuple[tuple[str, str], ...]:
    return tuple((name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS)


_http_date = lru_cache(maxsize=1024)(http_date)


def accepts_gzip(header: str) -> bool:
    """Does an Accept-Encoding header take a gzip-compressed body (gzip, without q=0)?"""
    if "gzip" not in header:
        return False
    for part in header.split(","):
        coding, _, params = part.partition(";")
        if coding.strip().lower() == "gzip":
            quality = params.strip().lower().removeprefix("q=")
            try:
                return not params.strip() or float(quality) > 0
            except ValueError:
                return False
    return False


def not_modified(meta: Mapping[str, str], etag: str, last_modified: float | None) -> bool:
    """Does the client's copy match (If-None-Match, or else If-Modified-Since)?

    `meta`: request.META or a WSGI environ.
    """
    if_none_match = meta.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        # Weak comparison (RFC 9110 13.1.2): the compressed body's W/ tag matches too.
        return etag in {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    if_modified_since = meta.get("HTTP_IF_MODIFIED_SINCE")
    if if_modified_since and last_modified is not None:
        since = parse_http_date_safe(if_modified_since)
        return since is not None and int(last_modified) <= since
    return False


def serve(
    meta: Mapping[str, str],
    entry: Entry,
    *,
    pending: Pending | None = None,
    body: bytes | None = None,
    etag: str | None = None,
    conditional: bool = True,
) -> tuple[int, list[tuple[str, str]], bytes] | None:
    """(status, headers, body) answering the request for `entry`: 304, gzip or plain. None if a
    body it needs is gone. `meta`: request.META or a WSGI environ.

    The bodies come from the store, or from `pending` (an entry not stored yet). `body` (a
    signed-in page with its regions filled in) replaces them and is sent uncompressed; `etag`
    replaces the entry's; `conditional=False` sends neither ETag nor 304.
    """
    etag = etag or entry.etag
    if conditional and not_modified(meta, etag, entry.last_modified):
        status = 304
        headers = [(name, value) for name, value in entry.headers if name.lower() in NOT_MODIFIED_HEADERS]
        headers.append(("ETag", etag))
        body = b""
    else:
        status = 200
        headers = list(entry.headers)
        if body is None:
            if entry.gzip and accepts_gzip(meta.get("HTTP_ACCEPT_ENCODING", "")):
                body = pending.gzip_body if pending else body_get(entry.gzip)
                headers.append(("Content-Encoding", "gzip"))
                etag = f"W/{etag}"
            else:
                body = pending.body if pending else body_get(entry.body)
            if body is None:
                return None
        headers.append(("Content-Length", str(len(body))))
        if conditional:
            headers.append(("ETag", etag))
        if meta.get("REQUEST_METHOD") == "HEAD":
            body = b""
    if entry.last_modified is not None:
        headers.append(("Last-Modified", _http_date(entry.last_modified)))
    if entry.gzip:
        headers.append(("Vary", "Accept-Encoding"))
    return status, headers, body


def respond(request: HttpRequest, entry: Entry, **kwargs) -> HttpResponse | None:
    """`serve` as a Django response."""
    found = serve(request.META, entry, **kwargs)
    if found is None:
        return None
    status, headers, body = found
    if status == 304:
        response = HttpResponseNotModified()
        for name, value in headers:
            response.headers[name] = value
        return response
    return HttpResponse(body, headers=dict(headers))

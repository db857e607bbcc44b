"""The page cache: public pages served whole from the cache, with no query and no template on a hit.

Imports point one way: views use `cached_page`; services and other apps tell the cache about
their writes with `plan_cache_bump`; this package uses models, selectors and permissions.

- `state`: what the cache knows of each plan (visibility, latest version, data marks) and its
  generation counter; `plan_cache_bump` is the one function every write calls.
- `store`: whole responses (headers, ETag, Last-Modified, gzip body compressed once) and 304s.
- `pages`: `cached_page`, the view decorator: one entry per audience (anonymous, or signed in
  with a role), per-person regions of signed-in pages filled in on each hit.
- `middleware`: PageCacheMiddleware, a visitor's hit answered before sessions and the database,
  and where visitors' pages are stored.
- `wsgi`: PageCacheApplication (dei_portal/wsgi.py), a visitor's hit answered before Django.
- `connection`: where the keys live: Redis when shared, else the process's own memory.
- `warm`: publishing builds the new version's pages at once.
- `receivers`: publishing and plan saves bump the plan's generation.

Keys: `pc:state:<slug>` and `pc:gen:<slug>` (the plan), `pc:entry:<audience>:<hash of the
path and query>` (a page), `pc:body:<hash>` (its bodies; in Redis only, as every process keeps
the bodies it serves in its own memory too).
"""

from .pages import ANONYMOUS, audience_of, cached_page, page_cache_exempt, set_cache_control
from .state import DATA, DOCUMENT, PlanState, plan_cache_bump, plan_state, register_data_mark
from .store import clear_local

__all__ = [
    "ANONYMOUS",
    "DATA",
    "DOCUMENT",
    "PlanState",
    "audience_of",
    "cached_page",
    "clear_local",
    "page_cache_exempt",
    "plan_cache_bump",
    "plan_state",
    "register_data_mark",
    "set_cache_control",
]

"""Local development: debug on, console email, SQLite under var/ unless DATABASE_URL is set."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)

# A view's 404 (a members-only plan, a missing version) shows the portal's own page even under
# DEBUG, with its hint to sign in, rather than Django's debug page.
MIDDLEWARE = [*MIDDLEWARE, "dei_portal.middleware.PortalNotFoundMiddleware"]

# The embedded SQLite database lives under var/; make sure the folder exists.
VAR_DIR.mkdir(parents=True, exist_ok=True)

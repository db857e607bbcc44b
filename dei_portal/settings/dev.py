"""Local development: debug on, console email, SQLite under var/ unless DATABASE_URL is set."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)

# The embedded SQLite database lives under var/; make sure the folder exists.
VAR_DIR.mkdir(parents=True, exist_ok=True)

"""Test run: fast hashing, in-memory email and cache; the database comes from DATABASE_URL."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "plans.caching.connection.LocalMemoryCache"}}
# Long enough that a slow test never sees a cached plan state expire between two requests;
# the tests of the expiry set it themselves.
PAGE_CACHE_STATE_TIMEOUT = 60
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Two-factor authentication is not required in tests by default, so tests can act as editors
# with client.force_login. tests/accounts turns it on with the `settings` fixture
# (settings.REQUIRE_MFA = True) to test the requirement itself.
REQUIRE_MFA = False

# Background tasks run at once, in the test's process, when enqueued (notifications enqueue after
# commit, so only tests that run on-commit callbacks send mail). Tests of the worker itself switch
# to the database backend with the `settings` fixture.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

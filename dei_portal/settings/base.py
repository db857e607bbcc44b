"""Settings shared by every environment. Deploy-specific values come from the environment."""

from pathlib import Path

import dj_database_url

from .env import env_bool, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("DJANGO_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-development-key-do-not-use-in-production")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_htmx",
    "simple_history",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "audit",
    "plans",
    "accounts",
    "tracking",
    "notifications",
    "search",
    "consultations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Answers a visitor's request for a cached public page before everything below it; keep it
    # right after SecurityMiddleware (see PAGE_CACHE_OUTER_MIDDLEWARE).
    "plans.caching.middleware.PageCacheMiddleware",
    "dei_portal.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "dei_portal.urls"
WSGI_APPLICATION = "dei_portal.wsgi.application"
ASGI_APPLICATION = "dei_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

# Without DATABASE_URL the portal runs on SQLite under var/, so `make run` needs no server.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(env_str("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database (make run): concurrent writes wait their turn instead of failing with
    # "database is locked". WAL lets readers go on while one writer writes; every transaction
    # takes the write lock when it begins (IMMEDIATE), so two writers never deadlock half-way;
    # a writer waits up to `timeout` seconds for the lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Request size limits (a proxy in front should refuse larger bodies first: see the README).
# Form fields and uploads held in memory: 5 MB, enough for a plan file pasted or uploaded.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env_str("DJANGO_MAX_REQUEST_BYTES", str(5 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# The cache holds rendered pages (plans.caching). Without REDIS_URL it is each process's own
# memory; with it, one Redis that every process and every app server shares.
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        # Django's local-memory cache, which keeps the page cache's own keys unpickled.
        else {"BACKEND": "plans.caching.connection.LocalMemoryCache", "OPTIONS": {"MAX_ENTRIES": 5000}}
    )
}
# The page cache (plans.caching). How old a plan's cached state (its latest version, visibility,
# data marks) may get before a process reads it again from the database: with a per-process
# cache, the longest another process can show an old "latest version" after a publication
# (the process that published sees it at once); with Redis every process sees a change on its
# next request, and this only bounds what a write made outside the services could leave behind.
PAGE_CACHE_STATE_TIMEOUT = int(env_str("DJANGO_PAGE_CACHE_STATE_TIMEOUT", "300" if REDIS_URL else "3"))
# How long a stored page is kept (a page is only served while its plan's state is unchanged).
PAGE_CACHE_TIMEOUT = int(env_str("DJANGO_PAGE_CACHE_TIMEOUT", str(60 * 60 * 24)))
# The bodies each process keeps in its own memory, in bytes; and without Redis, how many of the
# page cache's other keys (pages, plan states) each process keeps.
PAGE_CACHE_LOCAL_BYTES = int(env_str("DJANGO_PAGE_CACHE_LOCAL_BYTES", str(32 * 1024 * 1024)))
PAGE_CACHE_LOCAL_ITEMS = int(env_str("DJANGO_PAGE_CACHE_LOCAL_ITEMS", "20000"))
# Middleware that may come before PageCacheMiddleware while visitors' hits are answered at the
# WSGI door (dei_portal/wsgi.py): it must add the same headers to every response to a public
# page, and nothing else. Any other before it turns the door off (pages are still cached).
PAGE_CACHE_OUTER_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTH_USER_MODEL = "accounts.User"  # sign-in by email, a display name; no username
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth: sign in by email (the user model has no username); sign-up is closed unless
# DJANGO_OPEN_SIGNUP is set, and asks for the person's name ("name" is not one of allauth's own
# sign-up fields: accounts.forms.SignupForm adds it, this list places it first).
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["name*", "email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
# Changing one's email replaces the address once the new one is confirmed with a code sent to it.
# By code, not by link: allauth refuses link-verified email changes on accounts with two-factor
# authentication, which every editor, publisher and admin has.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
OPEN_SIGNUP = env_bool("DJANGO_OPEN_SIGNUP", False)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Two-factor authentication is required of admins, editors and publishers (accounts.middleware).
# DJANGO_REQUIRE_MFA=false turns the requirement off, for local demos only; the test settings
# turn it off too, and the tests of the requirement turn it back on with the `settings` fixture.
REQUIRE_MFA = env_bool("DJANGO_REQUIRE_MFA", True)
# Rate limits: allauth's defaults (password resets, sign-ups, email changes...), except failed
# sign-ins, which are counted three ways (each count refuses further tries while it is full):
# - per address (client IP), over all accounts: 10 a minute. It slows password spraying from one
#   address; whoever trips it holds that whole address up for a minute after their last failure.
# - per address and account (ours, accounts.adapter): 5 in 5 minutes. Failures from one address
#   at one account hold up only that address's tries at that account, not the account everywhere.
# - per account, from every address together: 15 in 5 minutes, the ceiling on guessing one
#   account's password from many addresses.
# The trade-off: an attacker at an address a colleague shares can no longer lock the colleague's
# account for everyone (one address stays below the per-account ceiling); at worst they hold up
# the colleague's tries from that same address, for a minute (per address) or five (their
# account). The price: a guesser with three or more addresses gets 15 tries per account every
# 5 minutes instead of allauth's default 5. Two-factor authentication, required of everyone who
# can change anything, is what stops such a guesser.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,15/5m/key",
    "login_failed_from_address": "5/5m/key",
}
# They count per client IP: behind a reverse proxy set DJANGO_TRUSTED_PROXY_COUNT to the number of
# proxies in front of the portal (ALLAUTH_TRUSTED_PROXY_COUNT, read from X-Forwarded-For), or every
# visitor shares the proxy's address and one person's failures lock everyone out.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env_str("DJANGO_TRUSTED_PROXY_COUNT", "0"))
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[DEI Plan Portal] "
# Invitations (accounts app): how long a link works, and the address links in emails point to
# when no request tells (management commands).
INVITATION_EXPIRY_DAYS = int(env_str("DJANGO_INVITATION_EXPIRY_DAYS", "7"))
PORTAL_URL = env_str("DJANGO_PORTAL_URL", "http://localhost:8000")

# Background tasks (django-tasks, the backport of Django 6's task framework) in the database: the
# notification emails wait there until `manage.py db_worker` sends them (make run starts one).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "DEI Plan Portal <noreply@localhost>")

# Content-Security-Policy: every asset is served by the portal itself; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
        "report-uri": "/csp-report",
    },
}
# Violation reports are logged (dei_portal.csp), at most this many a minute from one client.
CSP_REPORTS_PER_MINUTE_PER_CLIENT = 10

# The largest plan file import_plan (and the browser import) reads; larger ones are refused.
PLAN_IMPORT_MAX_BYTES = int(env_str("DJANGO_PLAN_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))

# How long a shared cache may keep a published version page (they never change).
PUBLISHED_VERSION_MAX_AGE = int(env_str("DJANGO_PUBLISHED_VERSION_MAX_AGE", str(60 * 60 * 24)))

# One line per event on the console (make run's terminal; journald or the process manager in
# production). The portal's own services log publishing, imports, refused writes and edit
# conflicts under their module names (plans.services.publish, ...).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "filters": {"one_line_client_errors": {"()": "dei_portal.security.OneLineClientErrors"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "line", "filters": ["one_line_client_errors"]}
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # A refused request (403, 404) is one line, not a traceback.
        "django.security": {"level": "WARNING"},
    },
}

"""Small helpers to read settings from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    """Return the variable's value; raise if it is required and missing or empty."""
    value = os.environ.get(name, "")
    if value:
        return value
    if required:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return default if default is not None else ""


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def env_bool(name: str, default: bool) -> bool:
    """True for 1/true/yes/on, False for 0/false/no/off, the default when unset or empty.

    Any other value stops start-up: a typo such as DJANGO_REQUIRE_MFA=flase must not
    silently mean the default.
    """
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"The environment variable {name} is {os.environ[name]!r}; use one of true/false, yes/no, on/off, 1/0."
    )


def env_list(name: str, default: str = "") -> list[str]:
    """Return a comma-separated variable as a list of non-empty strings."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]

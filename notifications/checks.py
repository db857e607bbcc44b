"""A deploy check: emailed links, one-click unsubscribe included, need an https PORTAL_URL.

An Info, not a Warning, while production settings do not require DJANGO_PORTAL_URL (the CI's
deploy check runs with --fail-level WARNING and no portal address).
"""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def portal_url_is_https(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if str(settings.PORTAL_URL).startswith("https://"):
        return []
    return [
        checks.Info(
            "PORTAL_URL does not start with https://, so the links in notification emails are not secure "
            "and mail programs will not offer one-click unsubscribe.",
            hint="Set DJANGO_PORTAL_URL to the portal's public https address.",
            id="notifications.I001",
        )
    ]

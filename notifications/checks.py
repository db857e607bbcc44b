"""A deploy check: emailed links, one-click unsubscribe included, need an https PORTAL_URL."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def portal_url_is_https(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if str(settings.PORTAL_URL).startswith("https://"):
        return []
    return [
        checks.Warning(
            "PORTAL_URL does not start with https://, so the links in notification emails are not secure "
            "and mail programs will not offer one-click unsubscribe.",
            hint="Set DJANGO_PORTAL_URL to the portal's public https address.",
            id="notifications.W001",
        )
    ]

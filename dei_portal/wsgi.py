"""WSGI entry point; production servers set DJANGO_SETTINGS_MODULE=dei_portal.settings.prod."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dei_portal.settings.dev")

django_application = get_wsgi_application()

# A visitor's request for a cached public page is answered before Django's request handling
# (plans.caching.wsgi); everything else goes to Django.
from plans.caching.wsgi import PageCacheApplication  # noqa: E402 -- needs the app registry set up above

application = PageCacheApplication(django_application)

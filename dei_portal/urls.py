from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from dei_portal.security import csp_report
from plans.views.health import healthz


class FaviconRedirect(RedirectView):
    """Browsers ask for /favicon.ico whatever a page links to: send them to the portal's icon.

    Resolved per request, not at import: under the manifest storage the icon's hashed name
    exists only once collectstatic has run.
    """

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("favicon.svg")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("healthz", healthz, name="healthz"),
    path("csp-report", csp_report, name="csp_report"),
    path("favicon.ico", FaviconRedirect.as_view(), name="favicon"),
    path("", include("tracking.urls")),
    path("", include("notifications.urls")),
    path("", include("search.urls")),
    path("", include("consultations.urls")),
    path("", include("plans.urls")),
]

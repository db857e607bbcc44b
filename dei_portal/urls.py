from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from plans.views.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links to; send them to the portal's icon.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=False), name="favicon"),
    path("", include("tracking.urls")),
    path("", include("plans.urls")),
]

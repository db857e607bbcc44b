from django.contrib import admin
from django.urls import include, path

from dei_portal.security import csp_report
from plans.views.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("healthz", healthz, name="healthz"),
    path("csp-report", csp_report, name="csp_report"),
    path("", include("tracking.urls")),
    path("", include("notifications.urls")),
    path("", include("search.urls")),
    path("", include("plans.urls")),
]

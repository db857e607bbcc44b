from django.contrib import admin
from django.urls import include, path

from plans.views.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("healthz", healthz, name="healthz"),
    path("", include("tracking.urls")),
    path("", include("search.urls")),
    path("", include("plans.urls")),
]

from django.urls import path, register_converter

from .views import public


class VersionNumberConverter:
    regex = r"[0-9]{1,4}\.[0-9]{1,4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(VersionNumberConverter, "version")

app_name = "plans"
urlpatterns = [
    path("", public.plan_list, name="plan_list"),
    path("plans/<slug:slug>/", public.plan_detail, name="plan_detail"),
    path("plans/<slug:slug>/versions/", public.version_list, name="version_list"),
    path("plans/<slug:slug>/v/<version:number>/", public.version_detail, name="version_detail"),
    path("plans/<slug:slug>/v/<version:number>.json", public.version_json, name="version_json"),
    path("plans/<slug:slug>/v/<version:number>.md", public.version_md, name="version_markdown"),
]

"""Dashboards, reports and the editor pages for progress and measurements.

Included before plans.urls; every path here is one plans.urls does not use.
"""

from django.urls import path

from .views import documents, editor, public

app_name = "tracking"
urlpatterns = [
    path("plans/<slug:slug>/actions/", public.actions, name="actions"),
    path("plans/<slug:slug>/actions.csv", public.actions_csv, name="actions_csv"),
    path("plans/<slug:slug>/indicators/", public.indicators, name="indicators"),
    path("plans/<slug:slug>/indicators.csv", public.indicators_csv, name="indicators_csv"),
    path("plans/<slug:slug>/actions.json", public.actions_json, name="actions_json"),
    path("plans/<slug:slug>/indicators.json", public.indicators_json, name="indicators_json"),
    path("plans/<slug:slug>/reports/", public.report_list, name="report_list"),
    path("plans/<slug:slug>/reports/<int:year>/", public.report, name="report"),
    path("plans/<slug:slug>/reports/<int:year>.pdf", documents.report_pdf, name="report_pdf"),
    path("plans/<slug:slug>/edit/progress/", editor.progress_list, name="progress_list"),
    path("plans/<slug:slug>/edit/progress/<int:node_id>/", editor.progress_post_view, name="progress_post"),
    path(
        "plans/<slug:slug>/edit/progress/<int:node_id>/<int:pk>/delete/",
        editor.progress_delete_view,
        name="progress_delete",
    ),
    path("plans/<slug:slug>/edit/measurements/", editor.measurement_list, name="measurement_list"),
    path(
        "plans/<slug:slug>/edit/measurements/<int:node_id>/<int:pk>/delete/",
        editor.measurement_delete_view,
        name="measurement_delete",
    ),
    path(
        "plans/<slug:slug>/edit/measurements/<int:node_id>/",
        editor.measurement_record_view,
        name="measurement_record",
    ),
    path("plans/<slug:slug>/edit/measurements/import/", editor.measurement_import, name="measurement_import"),
    path(
        "plans/<slug:slug>/edit/measurements/template.csv",
        editor.measurement_template,
        name="measurement_template",
    ),
]

from django.urls import path, register_converter

from . import feeds
from .version_numbers import VersionNumberConverter
from .views import changes, documents, permalinks, public, workspace

register_converter(VersionNumberConverter, "version")

app_name = "plans"
urlpatterns = [
    path("", public.plan_list, name="plan_list"),
    path("plans/<slug:slug>/", public.plan_detail, name="plan_detail"),
    path("plans/<slug:slug>/versions/", public.version_list, name="version_list"),
    path("plans/<slug:slug>/v/<version:number>/", public.version_detail, name="version_detail"),
    path("plans/<slug:slug>/v/<version:number>.json", public.version_json, name="version_json"),
    path("plans/<slug:slug>/v/<version:number>.md", public.version_md, name="version_markdown"),
    path("plans/<slug:slug>/v/<version:number>.pdf", documents.version_pdf, name="version_pdf"),
    # Atom feeds of published versions (public plans only)
    path("feed/", feeds.SiteFeed(), name="feed"),
    path("plans/<slug:slug>/feed/", feeds.PlanFeed(), name="plan_feed"),
    path("plans/<slug:slug>/s/<int:node_id>/", permalinks.section_permalink, name="section_permalink"),
    # Changes and comparison
    path("plans/<slug:slug>/compare/", changes.compare_pick, name="compare_pick"),
    path(
        "plans/<slug:slug>/compare/<version:from_number>/<version:to_number>/",
        changes.compare,
        name="compare",
    ),
    path("plans/<slug:slug>/edit/changes/", changes.unpublished_changes, name="unpublished_changes"),
    # Creating a plan from a file (admins); beside the admins' /manage/people/ pages
    path("manage/import/", workspace.import_new_plan, name="plan_import"),
    # Workspace
    path("plans/<slug:slug>/edit/", workspace.outline, name="workspace"),
    path("plans/<slug:slug>/edit/outline/<int:node_id>/", workspace.outline_subtree, name="outline_subtree"),
    path("plans/<slug:slug>/edit/add/", workspace.node_add, name="node_add"),
    path("plans/<slug:slug>/edit/import/", workspace.import_into_draft, name="workspace_import"),
    path("plans/<slug:slug>/edit/preview/", workspace.preview, name="workspace_preview"),
    path("plans/<slug:slug>/edit/deleted/", workspace.deleted_nodes, name="deleted_nodes"),
    path("plans/<slug:slug>/edit/recent/", workspace.recent_changes, name="recent_changes"),
    path("plans/<slug:slug>/edit/publish/", workspace.publish, name="workspace_publish"),
    path("plans/<slug:slug>/edit/settings/", workspace.plan_settings, name="plan_settings"),
    path("plans/<slug:slug>/edit/references/", workspace.reference_list, name="workspace_references"),
    path("plans/<slug:slug>/edit/references/add/", workspace.reference_add, name="reference_add"),
    path("plans/<slug:slug>/edit/references/<int:reference_id>/", workspace.reference_edit, name="reference_edit"),
    path(
        "plans/<slug:slug>/edit/references/<int:reference_id>/delete/",
        workspace.reference_delete_view,
        name="reference_delete",
    ),
    path("plans/<slug:slug>/edit/n/<int:node_id>/", workspace.node_edit, name="node_edit"),
    path("plans/<slug:slug>/edit/n/<int:node_id>/move/", workspace.node_move_view, name="node_move"),
    path("plans/<slug:slug>/edit/n/<int:node_id>/kind/", workspace.node_change_kind_view, name="node_change_kind"),
    path("plans/<slug:slug>/edit/n/<int:node_id>/delete/", workspace.node_delete_view, name="node_delete"),
    path("plans/<slug:slug>/edit/n/<int:node_id>/restore/", workspace.node_restore_view, name="node_restore"),
    path("plans/<slug:slug>/edit/n/<int:node_id>/history/", workspace.node_history, name="node_history"),
    path("plans/<slug:slug>/edit/n/<int:node_id>/compare/", workspace.node_compare, name="node_compare"),
    path(
        "plans/<slug:slug>/edit/n/<int:node_id>/revert/<int:history_id>/",
        workspace.node_revert_view,
        name="node_revert",
    ),
]

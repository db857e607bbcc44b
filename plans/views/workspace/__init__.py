"""The committee workspace under /plans/<slug>/edit/: every view goes through `workspace_view`."""

from ...access import get_node, workspace_view
from .history import node_compare, node_history, node_revert_view, recent_changes
from .imports import import_into_draft, import_new_plan
from .kinds import node_change_kind_view
from .nodes import (
    deleted_nodes,
    node_add,
    node_delete_view,
    node_edit,
    node_move_view,
    node_restore_view,
    outline,
    outline_subtree,
    preview,
)
from .publish import publish
from .references import reference_add, reference_delete_view, reference_edit, reference_list
from .settings import plan_settings

__all__ = [
    "deleted_nodes",
    "get_node",
    "import_into_draft",
    "import_new_plan",
    "node_add",
    "node_change_kind_view",
    "node_compare",
    "node_delete_view",
    "node_edit",
    "node_history",
    "node_move_view",
    "node_restore_view",
    "node_revert_view",
    "outline",
    "outline_subtree",
    "plan_settings",
    "preview",
    "publish",
    "recent_changes",
    "reference_add",
    "reference_delete_view",
    "reference_edit",
    "reference_list",
    "workspace_view",
]

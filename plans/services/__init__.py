"""The writes of the plans app. Views, admin, management commands and other apps go through these."""

from .edits import KindChange, action_status_set, kind_changes, node_change_kind, node_revert, node_update
from .guarded import EditConflict, guarded_update, plan_lock, set_history
from .nodes import (
    NodeError,
    StaleForm,
    allowed_kinds,
    node_create,
    node_delete,
    node_descendants,
    node_move,
    node_place_state,
    node_restore,
    node_subtree_state,
)
from .publish import PublishError, next_version_number, plan_publish
from .references import reference_create, reference_delete, reference_update
from .settings import PLAN_SETTINGS_FIELDS, plan_settings_update

__all__ = [
    "PLAN_SETTINGS_FIELDS",
    "EditConflict",
    "KindChange",
    "NodeError",
    "PublishError",
    "StaleForm",
    "action_status_set",
    "allowed_kinds",
    "guarded_update",
    "kind_changes",
    "next_version_number",
    "node_change_kind",
    "node_create",
    "node_delete",
    "node_descendants",
    "node_move",
    "node_place_state",
    "node_restore",
    "node_revert",
    "node_subtree_state",
    "node_update",
    "plan_lock",
    "plan_publish",
    "plan_settings_update",
    "reference_create",
    "reference_delete",
    "reference_update",
    "set_history",
]

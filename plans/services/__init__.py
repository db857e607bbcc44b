"""The writes of the plans app. Views, admin and management commands go through these."""

from .nodes import (
    EditConflict,
    NodeError,
    StaleForm,
    allowed_kinds,
    node_create,
    node_delete,
    node_descendants,
    node_move,
    node_place_state,
    node_restore,
    node_revert,
    node_subtree_state,
    node_update,
)
from .publish import PublishError, next_version_number, plan_publish
from .references import reference_create, reference_delete, reference_update

__all__ = [
    "EditConflict",
    "NodeError",
    "PublishError",
    "StaleForm",
    "allowed_kinds",
    "next_version_number",
    "node_create",
    "node_delete",
    "node_descendants",
    "node_move",
    "node_place_state",
    "node_restore",
    "node_revert",
    "node_subtree_state",
    "node_update",
    "plan_publish",
    "reference_create",
    "reference_delete",
    "reference_update",
]

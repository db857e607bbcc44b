"""The writes of the plans app. Views, admin and management commands go through these."""

from .publish import PublishError, plan_publish

__all__ = ["PublishError", "plan_publish"]

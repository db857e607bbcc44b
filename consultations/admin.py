"""Read-only admin pages: every write goes through the services, and an anonymous author is never shown."""

from __future__ import annotations

from django.contrib import admin

from .models import Comment, Consultation, ReviewRequest, ShareLink


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ("label", "plan", "opens_at", "closes_at", "closed_at", "audience")
    list_filter = ("audience",)
    exclude = ("snapshot",)


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "excerpt",
        "consultation",
        "kind",
        "shown_author",
        "created_at",
        "answer_status",
        "hidden_at",
    )
    list_filter = ("kind", "answer_status", "anonymous")
    # Not `author` (it would show a name for a named comment only, but the field list is one for all)
    # and never the hash: the admin shows the author through `shown_author` alone.
    fields = (
        "consultation",
        "section_id",
        "kind",
        "parent",
        "shown_author",
        "created_at",
        "body",
        "proposed_text",
        "hidden_reason",
        "hidden_at",
        "answer_status",
        "answer_reason",
        "answered_at",
    )
    readonly_fields = fields
    search_fields = ("body",)

    @admin.display(description="Author")
    def shown_author(self, comment: Comment) -> str:
        return comment.author_label

    @admin.display(description="Text")
    def excerpt(self, comment: Comment) -> str:
        return comment.body if len(comment.body) <= 80 else comment.body[:79] + "…"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "consultation")


@admin.register(ShareLink)
class ShareLinkAdmin(ReadOnlyAdmin):
    """The links, without their tokens: a link is handed out once, from the share page."""

    list_display = ("label", "plan", "created_at", "expires_at", "revoked_at", "allow_comments", "uses")
    list_filter = ("allow_comments",)
    exclude = ("snapshot", "nonce")


@admin.register(ReviewRequest)
class ReviewRequestAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "plan", "requested_by", "requested_at", "state", "decided_by", "version")
    list_filter = ("state",)
    exclude = ("draft_hash", "decided_hash")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("plan", "requested_by", "decided_by", "version")

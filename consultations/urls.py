from django.urls import path

from .views import committee, public, review, sharing

app_name = "consultations"

urlpatterns = [
    path("plans/<slug:slug>/consultation/", public.consultation_page, name="consultation"),
    path("plans/<slug:slug>/consultation/comment/", public.comment_create, name="comment_post"),
    path("plans/<slug:slug>/consultation/items/<int:comment_id>/support/", public.support, name="support"),
    path("plans/<slug:slug>/v/<str:number>/what-we-heard/", public.heard, name="heard"),
    path("plans/<slug:slug>/edit/consultation/", committee.committee, name="committee"),
    path("plans/<slug:slug>/edit/consultation/open/", committee.consultation_open_view, name="open"),
    path("plans/<slug:slug>/edit/consultation/extend/", committee.consultation_extend_view, name="extend"),
    path("plans/<slug:slug>/edit/consultation/close/", committee.consultation_close_view, name="close"),
    path("plans/<slug:slug>/edit/consultation/export.csv", committee.export_csv, name="export_csv"),
    path("plans/<slug:slug>/edit/consultation/export.json", committee.export_json, name="export_json"),
    path("plans/<slug:slug>/edit/consultation/items/<int:comment_id>/", committee.item, name="item"),
    path(
        "plans/<slug:slug>/edit/consultation/items/<int:comment_id>/answer/", committee.item_answer, name="item_answer"
    ),
    path("plans/<slug:slug>/edit/consultation/items/<int:comment_id>/hide/", committee.item_hide, name="item_hide"),
    path(
        "plans/<slug:slug>/edit/consultation/items/<int:comment_id>/accept/", committee.item_accept, name="item_accept"
    ),
    path("plans/<slug:slug>/edit/review/", review.review_page, name="review_request"),
    path("plans/<slug:slug>/edit/review/ask/", review.review_ask_view, name="review_ask"),
    path("plans/<slug:slug>/edit/review/<int:review_id>/decide/", review.review_decide_view, name="review_decide"),
    path(
        "plans/<slug:slug>/edit/review/<int:review_id>/withdraw/", review.review_withdraw_view, name="review_withdraw"
    ),
    path("plans/<slug:slug>/edit/share/", sharing.share, name="share"),
    path("plans/<slug:slug>/edit/share/<int:link_id>/revoke/", sharing.share_revoke, name="share_revoke"),
    path("review/<str:token>/", sharing.review, name="review"),
]

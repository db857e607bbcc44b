from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("manage/people/", views.people, name="people"),
    path("manage/people/invite/", views.invite, name="invite"),
    path("manage/people/invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("manage/people/plans/<slug:slug>/", views.plan_people, name="plan_people"),
    path("manage/people/plans/<slug:slug>/<int:user_id>/role/", views.role_set_view, name="role_set"),
    path("manage/accounts/", views.account_list, name="account_list"),
    path("manage/accounts/<int:user_id>/deactivate/", views.account_deactivate_view, name="account_deactivate"),
    path("manage/accounts/<int:user_id>/reactivate/", views.account_reactivate_view, name="account_reactivate"),
    path("manage/audit/", views.audit_log, name="audit_log"),
    path("invitations/<str:key>/", views.invitation_accept_view, name="invitation_accept"),
    # Beside allauth's own account pages (/accounts/email/, /accounts/password/change/, ...).
    path("accounts/name/", views.name_edit, name="name"),
]

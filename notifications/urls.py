from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("plans/<slug:slug>/subscribe/", views.subscribe, name="subscribe"),
    path("plans/<slug:slug>/subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("plans/<slug:slug>/edit/notifications/", views.committee_settings, name="committee_settings"),
    path("notifications/", views.manage, name="manage"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

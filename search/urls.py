from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("search/", views.search_all, name="search_all"),
    path("plans/<slug:slug>/search/", views.plan_search, name="plan_search"),
]

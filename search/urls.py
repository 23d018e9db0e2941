"""URLs of this app, included by khlang/urls.py before Wagtail's page catch-all."""

from django.urls import path

from . import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("api/search/", views.search_api, name="search_api"),
    path("api/search/autocomplete/", views.autocomplete_api, name="search_autocomplete"),
]

"""URLs of this app, included by khlang/urls.py before Wagtail's page catch-all."""

urlpatterns: list = []

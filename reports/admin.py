"""Area admins create surveys in Django's admin (/django-admin/); results are a report page."""

from django.contrib import admin

from .models import Survey


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "service",
        "site",
        "content_type",
        "object_id",
        "is_open",
        "created_at",
    ]
    list_filter = ["is_open", "service"]
    search_fields = ["title"]

from django.contrib import admin

from .models import Mirror


@admin.register(Mirror)
class MirrorAdmin(admin.ModelAdmin):
    list_display = ["mirror_id", "school", "last_contact", "acked_version", "revoked_at"]
    search_fields = ["mirror_id", "school__name", "school__code"]
    filter_horizontal = ["subject_groups", "grade_levels"]

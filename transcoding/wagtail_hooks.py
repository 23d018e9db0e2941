"""Transcode jobs in the Wagtail admin, with a progress bar per job."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from .models import TranscodeJob


class ProgressColumn(Column):
    cell_template_name = "transcoding/progress_cell.html"


class TranscodeJobViewSet(ModelViewSet):
    model = TranscodeJob
    icon = "media"
    menu_label = _("Transcode jobs")
    add_to_settings_menu = True
    list_display = [
        "media_item", "status", ProgressColumn("progress", label=_("progress %")),
        "worker", "attempts", "run_seconds", "created_at",
    ]  # fmt: skip
    list_filter = ["status"]
    form_fields = ["status"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "media_item", "status", "progress", "worker", "attempts", "run_seconds",
        "started_at", "finished_at", "error", "log_tail",
    ]  # fmt: skip


@hooks.register("register_admin_viewset")
def register_transcode_jobs():
    return TranscodeJobViewSet("transcode_jobs")

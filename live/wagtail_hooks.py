"""Live sessions in Wagtail's admin: a snippet list scoped to the user's school,
the session's ingest address and key, and any problem with its publisher."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.admin_scope import AdminScope
from core.models import School
from core.policy import AREA_ROLES, role_of

from . import actions, ingest
from .conf import live_settings
from .models import LiveSession
from .policies import live_session_policy


class LiveSessionForm(WagtailAdminModelForm):
    """A school's teacher schedules sessions of their own school only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is not None and "school" in self.fields and role_of(user) not in AREA_ROLES:
            field = self.fields["school"]
            field.queryset = School.objects.filter(pk=user.school_id)
            field.required = True
            if not self.is_bound and getattr(self.instance, "school_id", None) is None:
                self.initial["school"] = user.school_id
        if user is not None and not self.is_bound and not self.instance.pk:
            self.initial.setdefault("teacher", user.pk)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must come after the start."))
        return data


class IngestPanel(Panel):
    """Where OBS sends the class, the stream key, and what went wrong, Thai first."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "live/admin/ingest_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            session = self.instance
            host = live_settings.PUBLIC_HOST or self.request.get_host().split(":")[0]
            port = session.ingest_port or live_settings.PORT_FIRST
            context.update(
                session=session,
                attendance=actions.attendance_summary(session.pk) if session.pk else None,
                server_url=f"rtmp://{host}:{port}/live" if session.pk else "",
                srt_url=ingest.srt_publish_url(host, session)
                if session.pk and ingest.srt_enabled()
                else "",
            )
            return context


class LiveSessionViewSet(SnippetViewSet):
    model = LiveSession
    icon = "media"
    menu_label = _("Live classes")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["title", "starts_at", "school", "audience", "state"]
    list_filter = ["state", "audience", "subject_group", "grade_level"]
    search_fields = ["title"]
    panels = [
        IngestPanel(heading=_("Going live")),
        FieldPanel("title"),
        FieldPanel("description"),
        MultiFieldPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading=_("Schedule")),
        MultiFieldPanel(
            [
                FieldPanel("course"),
                FieldPanel("subject_group"),
                FieldPanel("grade_level"),
                FieldPanel("school"),
                FieldPanel("teacher"),
                FieldPanel("audience"),
            ],
            heading=_("Class and audience"),
        ),
    ]

    def get_edit_handler(self):
        return ObjectList(self.panels, base_form_class=LiveSessionForm).bind_to_model(self.model)

    def get_queryset(self, request):
        return live_session_policy.for_user(request.user, "view")


register_snippet(LiveSessionViewSet)


@hooks.register("register_admin_scopes")
def admin_scopes():
    return [
        AdminScope(f"{prefix}_live_livesession", live_session_policy)
        for prefix in ("wagtailsnippets", "wagtailsnippetchoosers")
    ]

"""The admin forms of the exam bank: scoped choices, and a question editor without JSON."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from core.models import School
from core.policy import AREA_ROLES, role_of

from ..formats.moodlexml import parse_cloze_text
from ..policies import category_policy
from .checks import checked
from .rows import EDITED_KEYS
from .widgets import QuestionDataField

ALL_EDITED_KEYS = set().union(*EDITED_KEYS.values())


class ScopedAdminForm(WagtailAdminModelForm):
    """Foreign keys offer only what the user may put things into."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None:
            return
        if "category" in self.fields:
            self.fields["category"].queryset = category_policy.for_user(user, "change")
        if "parent" in self.fields:
            self.fields["parent"].queryset = category_policy.for_user(user, "change")
        if "school" in self.fields and role_of(user) not in AREA_ROLES:
            # A school's teacher files things under their own school only.
            field = self.fields["school"]
            field.queryset = School.objects.filter(pk=user.school_id)
            field.required = True
            field.help_text = _("Your school: only its teachers and students see it.")
            if not self.is_bound and getattr(self.instance, "school_id", None) is None:
                self.initial["school"] = user.school_id


class QuestionAdminForm(ScopedAdminForm):
    """One form for every type: the answers as rows, a cloze in Moodle's own syntax.

    A cloze question is written as Moodle writes it, gaps inside the text
    ({1:SHORTANSWER:=กรุงเทพ}); it is stored as text with {#1} markers plus the
    gaps, and shown again in Moodle's syntax when edited.
    """

    data = QuestionDataField(
        label=gettext_lazy("Answers"),
        required=False,
        help_text=gettext_lazy(
            "Choices and answers of the type chosen above, each with its grade and feedback."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        qtype = self.data.get("qtype") if self.is_bound else instance.qtype
        self.fields["data"].widget.qtype = qtype or "multichoice"
        if not self.is_bound and instance.qtype == "cloze":
            self.initial["text"] = (instance.data or {}).get("source", instance.text)
        self.fields["text"].help_text = _(
            "For a cloze question write each gap as Moodle does, e.g. "
            "{1:SHORTANSWER:=Bangkok} or {1:MULTICHOICE:=right~wrong~wrong}."
        )

    def clean(self):
        cleaned = super().clean()
        qtype = cleaned.get("qtype")
        if not qtype:
            return cleaned
        kept = {k: v for k, v in (self.instance.data or {}).items() if k not in ALL_EDITED_KEYS}
        if qtype == "cloze":
            source = cleaned.get("text") or ""
            try:
                text, gaps = parse_cloze_text(source)
            except ValueError as exc:
                self.add_error("text", str(exc))
                return cleaned
            if not gaps:
                example = "{1:SHORTANSWER:=answer}"
                self.add_error(
                    "text",
                    _("A cloze question needs at least one gap, e.g. %(example)s.")
                    % {"example": example},
                )
            cleaned["text"] = text
            cleaned["data"] = {**kept, "source": source, "gaps": gaps}
            return cleaned
        data, problems = checked(qtype, dict(cleaned.get("data") or {}))
        for problem in problems:
            self.add_error("data", problem)
        cleaned["data"] = {**kept, **data}
        return cleaned

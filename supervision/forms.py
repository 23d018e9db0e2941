"""Forms of the supervision pages; every error names its field (Django shows it there)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import GradeLevel, School, User
from core.roles import ROLE_GROUP_NAMES, TEACHER

from .models import LEVELS, EvidenceKind, Mode, Rubric

NEW_FOLLOWUPS = 3


class DateInput(forms.DateInput):
    """The browser's date picker, which reads and writes ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class NewRecordForm(forms.Form):
    school = forms.ModelChoiceField(School.objects.none(), label=_("School"))
    teacher = forms.ModelChoiceField(User.objects.none(), label=_("Teacher"))
    rubric = forms.ModelChoiceField(Rubric.objects.filter(is_active=True), label=_("Rubric"))
    mode = forms.ChoiceField(choices=Mode.choices, label=_("How"), widget=forms.RadioSelect)
    visited_on = forms.DateField(label=_("Date of the visit"), widget=DateInput)
    subject = forms.CharField(label=_("Subject and topic observed"), max_length=300, required=False)
    grade_level = forms.ModelChoiceField(
        GradeLevel.objects.all(), label=_("Grade level"), required=False
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["teacher"].queryset = (
            User.objects.filter(groups__name=ROLE_GROUP_NAMES[TEACHER], school__in=schools)
            .select_related("school")
            .order_by("school__code", "first_name", "username")
        )
        self.fields["teacher"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} · {u.school}"
        )

    def clean(self):
        data = super().clean()
        school, teacher = data.get("school"), data.get("teacher")
        if school and teacher and teacher.school_id != school.pk:
            self.add_error("teacher", _("This teacher does not teach at the school chosen."))
        return data


class AssessmentForm(forms.Form):
    """One radio row (levels 1–5) and a comment per criterion, the comments, new follow-ups."""

    strengths = forms.CharField(
        label=_("Strengths"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    suggestions = forms.CharField(
        label=_("Suggestions"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, criteria, scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        choices = [(level, str(level)) for level in LEVELS]
        for criterion in self.criteria:
            score = scores.get(criterion.pk)
            self.fields[f"level_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.title,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                initial=score.level if score else None,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"), required=False, initial=score.comment if score else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )  # fmt: skip
        for n in range(1, NEW_FOLLOWUPS + 1):
            self.fields[f"action_{n}"] = forms.CharField(
                label=_("Agreed action"), required=False, max_length=1000
            )
            self.fields[f"due_{n}"] = forms.DateField(
                label=_("Due"), required=False, widget=DateInput
            )

    def rows(self):
        return [
            (c, self[f"level_{c.pk}"], self[f"comment_{c.pk}"], c.descriptors())
            for c in self.criteria
        ]

    def followup_rows(self):
        return [(self[f"action_{n}"], self[f"due_{n}"]) for n in range(1, NEW_FOLLOWUPS + 1)]

    def clean(self):
        data = super().clean()
        for n in range(1, NEW_FOLLOWUPS + 1):
            if data.get(f"due_{n}") and not data.get(f"action_{n}"):
                self.add_error(f"action_{n}", _("Write the action that is due on this date."))
        return data

    def levels(self) -> dict[int, tuple[int, str]]:
        return {
            c.pk: (self.cleaned_data[f"level_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"])
            for c in self.criteria
        }

    def new_followups(self):
        return [
            (self.cleaned_data[f"action_{n}"], self.cleaned_data.get(f"due_{n}"))
            for n in range(1, NEW_FOLLOWUPS + 1)
            if self.cleaned_data.get(f"action_{n}")
        ]


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(choices=EvidenceKind.choices, label=_("Kind"))
    object_id = forms.CharField(label=_("Item"), required=False, max_length=64)
    file = forms.FileField(label=_("File (PDF, PNG or JPEG)"), required=False)
    title = forms.CharField(label=_("Title"), required=False, max_length=300)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == EvidenceKind.UPLOAD and not data.get("file"):
            self.add_error("file", _("Choose a file to upload."))
        if kind in (EvidenceKind.MEDIA, EvidenceKind.LESSON, EvidenceKind.ITEM_ANALYSIS) and not (
            data.get("object_id")
        ):
            self.add_error("object_id", _("Choose the item to link."))
        return data


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReflectionForm(forms.Form):
    self_reflection = forms.CharField(
        label=_("Your self-reflection"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )


class FollowUpDoneForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    media = forms.IntegerField(label=_("Media item as evidence"), required=False)
    file = forms.FileField(label=_("File as evidence (PDF, PNG or JPEG)"), required=False)

"""Picking questions for a quiz: the bank's chooser filtered as a teacher thinks of it.

Subject, grade, indicator, difficulty, type, category and tag, plus words of the
question; each select refreshes the list as soon as it changes (Wagtail's
chooser reads ``data-chooser-modal-search-filter``).
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm

from core.models import GradeLevel, Indicator, SubjectGroup

from ..models import Difficulty, QType

REFRESH = {"data-chooser-modal-search-filter": True}


def _select(label, queryset=None, choices=None):
    if queryset is not None:
        return forms.ModelChoiceField(
            label=label, queryset=queryset, required=False, empty_label=_("All"),
            widget=forms.Select(attrs=REFRESH),
        )  # fmt: skip
    return forms.ChoiceField(
        label=label, choices=[("", _("All")), *choices], required=False,
        widget=forms.Select(attrs=REFRESH),
    )  # fmt: skip


class QuestionFilterForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Words in the question"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Search"), **REFRESH}),
    )
    subject_group = _select(_("Subject group"), SubjectGroup.objects.all())
    grade_level = _select(_("Grade"), GradeLevel.objects.all())
    indicator = _select(_("Indicator"), Indicator.objects.all())
    difficulty = _select(_("Difficulty"), choices=Difficulty.choices)
    qtype = _select(_("Type"), choices=QType.choices)
    tag = forms.CharField(label=_("Tag"), required=False, widget=forms.TextInput(attrs=REFRESH))

    def filter(self, objects):
        data = self.cleaned_data
        if data.get("q"):
            self.is_searching, self.search_query = True, data["q"]
            objects = objects.filter(Q(name__icontains=data["q"]) | Q(text__icontains=data["q"]))
        for field in ("subject_group", "grade_level", "difficulty", "qtype"):
            if data.get(field):
                objects = objects.filter(**{field: data[field]})
        if data.get("indicator"):
            objects = objects.filter(indicators=data["indicator"])
        if data.get("tag"):
            objects = objects.filter(tags__name__iexact=data["tag"].strip())
        return objects.distinct()

from __future__ import annotations

from django import forms

from core.i18n import bilingual_lazy

from .kpis import KPIS
from .models import SurveyLevel


class TargetsForm(forms.Form):
    """One number per KPI for one fiscal year."""

    def __init__(self, *args, targets: dict[str, float], **kwargs):
        super().__init__(*args, **kwargs)
        for kpi in KPIS:
            self.fields[kpi.code] = forms.FloatField(
                label=kpi.label,
                min_value=0,
                max_value=100 if kpi.percent else None,
                initial=targets[kpi.code],
            )


class SurveyResponseForm(forms.Form):
    level = forms.TypedChoiceField(
        label=bilingual_lazy("Satisfaction"),
        choices=SurveyLevel.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=bilingual_lazy("Comments"), required=False, max_length=2000, widget=forms.Textarea
    )

"""The rows of a question's answers as a form widget: shown by type, read back by type.

The widget draws every type's rows (the page shows the ones of the chosen type,
question-editor.js switches them when the type changes) and reads back only
the chosen type's, so changing the type never mixes two types' answers.
"""

from __future__ import annotations

from django import forms

from .rows import FRACTION_CHOICES, data_from_post, rows_from_data

TYPES_WITH_ROWS = ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "ordering")


class QuestionDataWidget(forms.Widget):
    template_name = "exambank/admin/question_data.html"
    qtype = ""  # set by the form: the stored type, or the posted one after an error

    class Media:
        css = {"all": ["exambank/question-editor.css"]}
        js = ["exambank/question-editor.js"]

    def format_value(self, value):
        return value if isinstance(value, dict) else {}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["rows"] = rows_from_data(self.qtype, self.format_value(value))
        context["qtype"] = self.qtype
        context["fractions"] = FRACTION_CHOICES
        context["types_with_rows"] = TYPES_WITH_ROWS
        return context

    def value_from_datadict(self, data, files, name):
        if not hasattr(data, "getlist"):
            return {}
        return data_from_post(data.get("qtype", ""), data, name)

    def value_omitted_from_data(self, data, files, name):
        return False


class QuestionDataField(forms.Field):
    widget = QuestionDataWidget

    def to_python(self, value):
        return value if isinstance(value, dict) else {}

    def has_changed(self, initial, data):
        return (initial or {}) != (data or {})

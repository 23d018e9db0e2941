"""Question HTML is cleaned when it is stored, whatever wrote it.

The editor, GIFT/Aiken/Moodle XML/spreadsheet imports and the mirror pull all
end in a save of a Question or a QuestionVersion, so two pre_save receivers
here are the one place every path passes; the parsers stay free of it.
Text in a plain format is left as typed: it is escaped when shown
(exambank.rendering.question_html).
"""

from __future__ import annotations

from core.html import clean_html

HTML_FORMATS = {"html", "moodle"}


def clean_question_html(sender, instance, **kwargs) -> None:
    data = instance.data if isinstance(instance.data, dict) else {}
    if data.get("text_format", "html") in HTML_FORMATS and instance.text:
        instance.text = clean_html(instance.text)

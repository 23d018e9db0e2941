"""The question editor of the admin: a form per question type, never JSON.

``rows`` turns a question's stored data into the rows the form shows and reads
the posted rows back into data; ``checks`` refuses what Moodle's own question
forms refuse; ``forms`` and ``widgets`` put both in Wagtail's snippet editor.
"""

"""The course approval workflow and its task are named in Thai only.

Their stored names are what teachers read in the admin (the action menu, the
page's history, the task list), where an English half was left untranslated.
"""

from django.db import migrations

RENAMES = {
    "wagtailcore.Workflow": ("อนุมัติหลักสูตร (Course approval)", "อนุมัติหลักสูตร"),
    "wagtailcore.Task": ("เจ้าของหลักสูตรอนุมัติ (Owner approves)", "เจ้าของหลักสูตรอนุมัติ"),
}


def rename(apps, schema_editor, backwards=False):
    db = schema_editor.connection.alias
    for label, (old, new) in RENAMES.items():
        if backwards:
            old, new = new, old
        model = apps.get_model(label)
        if not model.objects.using(db).filter(name=new).exists():
            model.objects.using(db).filter(name=old).update(name=new)


def unrename(apps, schema_editor):
    rename(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0002_english_source_labels"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename, unrename)]

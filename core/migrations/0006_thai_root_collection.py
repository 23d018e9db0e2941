"""The root collection Wagtail creates as "Root" is named in Thai.

Its name is what teachers read in the media, image and document lists and in
the choosers' collection filter, where "Root" was left in English. A root
someone already renamed keeps its name.
"""

from django.db import migrations

ENGLISH, THAI = "Root", "ส่วนกลาง"


def rename(apps, schema_editor, old=ENGLISH, new=THAI):
    Collection = apps.get_model("wagtailcore", "Collection")
    Collection.objects.using(schema_editor.connection.alias).filter(depth=1, name=old).update(
        name=new
    )


def unrename(apps, schema_editor):
    rename(apps, schema_editor, old=THAI, new=ENGLISH)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_english_source_labels"),
        ("wagtailcore", "0025_collection_initial_data"),
    ]

    operations = [migrations.RunPython(rename, unrename)]

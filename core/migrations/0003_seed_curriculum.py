from django.db import migrations


def seed(apps, schema_editor):
    from core.curriculum import seed_curriculum

    seed_curriculum(apps.get_model("core", "SubjectGroup"), apps.get_model("core", "GradeLevel"))


class Migration(migrations.Migration):
    dependencies = [("core", "0002_pages")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

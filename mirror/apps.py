from django.apps import AppConfig


class MirrorConfig(AppConfig):
    name = "mirror"
    verbose_name = "เครื่องแม่ข่ายสำรองของโรงเรียน (School mirror)"
    default_auto_field = "django.db.models.BigAutoField"

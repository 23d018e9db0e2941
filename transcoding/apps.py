from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranscodingConfig(AppConfig):
    name = "transcoding"
    verbose_name = _("Transcoding")
    default_auto_field = "django.db.models.BigAutoField"

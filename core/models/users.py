from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .curriculum import GradeLevel
from .organisation import School


class User(AbstractUser):
    """A person with an account. Roles are groups (see core.roles).

    Students carry a grade and room so a teacher can enrol "ป.5/2" at once;
    staff carry only their school (area staff have none).
    """

    school = models.ForeignKey(
        School,
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    grade_level = models.ForeignKey(
        GradeLevel, verbose_name=_("grade level"), null=True, blank=True, on_delete=models.SET_NULL
    )
    classroom = models.CharField(_("room"), max_length=16, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def has_role(self, role: str) -> bool:
        from core.roles import user_has_role

        return user_has_role(self, role)

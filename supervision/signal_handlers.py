"""Receivers only forget cached answers; nothing heavy happens here."""

from __future__ import annotations


def forget_nav(sender, instance, **kwargs) -> None:
    """A teacher's header shows "Supervision" once a record about them exists."""
    from .navigation import forget

    forget(instance.teacher_id)


def register() -> None:
    from django.db.models.signals import post_save

    from .models import Observation

    post_save.connect(forget_nav, sender=Observation, dispatch_uid="supervision.forget_nav")

"""Logins become usage events; catalogue changes make object names be asked again."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.db import transaction

from core.models import Service
from core.signals import catalog_changed
from core.usage import object_ref, record_event


def record_login(sender, request, user, **kwargs) -> None:
    """One small insert after commit: the per-person page counts logins from these."""
    transaction.on_commit(lambda: record_event(service=Service.SITE, action="login", user=user))


def forget_object(sender, instance, action: str = "", **kwargs) -> None:
    from .models import ReportObject

    object_type, object_id = object_ref(instance)
    ReportObject.objects.filter(object_type=object_type, object_id=object_id).update(resolved=False)


def register() -> None:
    """Connect reports' receivers; called once from ReportsConfig.ready."""
    user_logged_in.connect(record_login, dispatch_uid="reports.record_login")
    catalog_changed.connect(forget_object, dispatch_uid="reports.forget_object")

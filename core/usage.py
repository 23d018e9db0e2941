"""Record what people do, for statistics and KPIs (see core.models.UsageEvent).

    record_event(service=Service.MEDIA, action="watch", obj=item, user=request.user,
                 seconds=15.0, key=f"{session_id}:{segment}")

``key`` makes the event id deterministic: the same key always gives the same id,
so a retried request or a mirror's second upload of the event changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import UsageEvent

# A fixed namespace: ids made from the same key agree on every server and mirror.
EVENT_NAMESPACE = uuid.UUID("6a0f3c52-8f9e-4d55-9d4e-6b1f4a7c2e10")


def event_id_for(key: str) -> uuid.UUID:
    return uuid.uuid5(EVENT_NAMESPACE, key)


def object_ref(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}", str(obj.pk)


def record_event(
    *,
    service: str,
    action: str,
    obj=None,
    user=None,
    school_id: int | None = None,
    seconds: float = 0.0,
    value: float | None = None,
    time: dt.datetime | None = None,
    key: str | None = None,
    site: str = "central",
) -> UsageEvent | None:
    """Store one event; returns None when an event with the same key already exists."""
    object_type, object_id = object_ref(obj)
    authenticated = bool(user is not None and getattr(user, "is_authenticated", False))
    if school_id is None and authenticated:
        school_id = user.school_id
    event = UsageEvent(
        event_id=event_id_for(key) if key else uuid.uuid4(),
        time=time or timezone.now(),
        service=service,
        action=action,
        object_type=object_type,
        object_id=object_id,
        user_id=user.pk if authenticated else None,
        school_id=school_id,
        site=site,
        seconds=seconds,
        value=value,
    )
    try:
        with transaction.atomic():
            event.save(force_insert=True)
    except IntegrityError:
        if key and UsageEvent.objects.filter(event_id=event.event_id).exists():
            return None
        raise
    return event

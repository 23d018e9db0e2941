"""Named state changes on central's mirror records."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.models import GradeLevel, School, SubjectGroup

from .errors import MirrorError
from .models import Mirror
from .signing import load_public_key
from .sync import parse_window


@transaction.atomic
def register_mirror(
    mirror_id: str,
    school_code: str,
    public_key: str,
    subjects: list[str] | None = None,
    grades: list[str] | None = None,
    max_rendition_height: int = 0,
    bandwidth_kbps: int = 0,
    window: str = "",
) -> Mirror:
    """Create or update a mirror. A new key un-revokes it; a changed selection
    makes its next sync start again from version 0 (files it holds are kept)."""
    school = School.objects.filter(code=school_code).first()
    if school is None:
        raise MirrorError.pair(gettext_noop("no school with code %(code)s"), code=school_code)
    try:
        load_public_key(public_key)
    except ValueError as error:
        raise MirrorError.pair(gettext_noop("bad public key (expected base64 Ed25519)")) from error
    parse_window(window)
    subject_rows = _by_code(
        SubjectGroup, subjects or [], gettext_noop("unknown subject groups: %(codes)s")
    )
    grade_rows = _by_code(GradeLevel, grades or [], gettext_noop("unknown grade levels: %(codes)s"))
    mirror = Mirror.objects.filter(mirror_id=mirror_id).first()
    before = _selection(mirror) if mirror else None
    if mirror is None:
        mirror = Mirror(mirror_id=mirror_id)
    if mirror.public_key != public_key:
        mirror.revoked_at = None
    mirror.school = school
    mirror.public_key = public_key
    mirror.max_rendition_height = max_rendition_height
    mirror.bandwidth_kbps = bandwidth_kbps
    mirror.window = window
    mirror.save()
    mirror.subject_groups.set(subject_rows)
    mirror.grade_levels.set(grade_rows)
    if before is not None and before != _selection(mirror):
        Mirror.objects.filter(pk=mirror.pk).update(resync_required=True)
    return mirror


def revoke_mirror(mirror: Mirror) -> Mirror:
    """Refuse every further request signed by this mirror's key."""
    Mirror.objects.filter(pk=mirror.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    mirror.refresh_from_db()
    return mirror


def _selection(mirror: Mirror) -> tuple:
    return (
        mirror.school_id,
        sorted(mirror.subject_groups.values_list("code", flat=True)),
        sorted(mirror.grade_levels.values_list("code", flat=True)),
        mirror.max_rendition_height,
    )


def _by_code(model, codes: list[str], message: str) -> list:
    rows = list(model.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {row.code for row in rows})
    if unknown:
        raise MirrorError.pair(message, codes=", ".join(unknown))
    return rows

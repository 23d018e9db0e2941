"""Evidence for a record: things on the platform itself, or a file uploaded.

A platform link is checked against the owning app's policy for the user who
attaches it (a supervisor cannot attach what they may not see) and stored with
its title and address, so the record still reads well if the object is renamed
later. Usage figures are frozen at the moment they are attached. An upload is
accepted by its content (PDF, PNG, JPEG), never by its name.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.i18n import bilingual
from exambank.models import ItemAnalysis
from exambank.policies import quiz_policy
from lms.models import LessonPage
from media_center.models import Status
from media_center.policies import media_item_policy

from .conf import supervision_settings
from .media_use import usage_figures
from .models import Evidence, EvidenceKind, Observation
from .terms import term_of

SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def media_choices(user, observation: Observation):
    """Ready media items of the record's teacher or school that the user may see."""
    return (
        media_item_policy.for_user(user)
        .filter(status=Status.READY)
        .filter(Q(uploaded_by_user=observation.teacher_id) | Q(owner_school=observation.school_id))
        .order_by("-pk")[:100]
    )


def lesson_choices(user, observation: Observation):
    return LessonPage.objects.live().filter(owner=observation.teacher_id).order_by("-pk")[:100]


def analysis_choices(user, observation: Observation):
    quizzes = quiz_policy.for_user(user, "stats").filter(school=observation.school_id)
    return (
        ItemAnalysis.objects.filter(quiz__in=quizzes)
        .select_related("quiz")
        .order_by("-computed_at")[:100]
    )


def attach_platform(observation: Observation, user, kind: str, object_id: str) -> Evidence:
    """Link a media item, lesson page, item analysis or the usage figures; ValidationError
    (Thai and English) when the object is not there for this user."""
    title, url, figures = "", "", {}
    if kind == EvidenceKind.MEDIA:
        item = (
            media_item_policy.for_user(user).filter(pk=_int(object_id), status=Status.READY).first()
        )
        if item is None:
            raise _missing(_("media item"), object_id)
        title, url = item.title, reverse("media_center:detail", args=[item.pk])
    elif kind == EvidenceKind.LESSON:
        lesson = LessonPage.objects.live().filter(pk=_int(object_id)).first()
        if lesson is None:
            raise _missing(_("lesson page"), object_id)
        title, url = lesson.title, lesson.url or ""
    elif kind == EvidenceKind.ITEM_ANALYSIS:
        quizzes = quiz_policy.for_user(user, "stats")
        analysis = ItemAnalysis.objects.filter(quiz__in=quizzes, quiz_id=_int(object_id)).first()
        if analysis is None:
            raise _missing(_("item analysis of quiz"), object_id)
        title = analysis.quiz.title
        url = reverse("exambank:analysis", args=[analysis.quiz_id])
        figures = {
            "attempts": analysis.attempts_used,
            "computed_at": analysis.computed_at.isoformat(),
        }
    elif kind == EvidenceKind.USAGE:
        fiscal_year, term = term_of(observation.visited_on)
        figures = usage_figures(observation.school, fiscal_year, term)
        object_id = str(observation.school_id)
        title = str(
            _("Usage of media and lessons, fiscal year %(year)s term %(term)s")
            % {"year": fiscal_year, "term": term}
        )
        url = reverse("supervision:media_school", args=[observation.school_id])
    else:
        raise ValidationError(bilingual("unknown kind of evidence: %(kind)r", kind=kind))
    return Evidence.objects.create(
        observation=observation,
        kind=kind,
        object_id=str(object_id),
        title=title[:300],
        url=url,
        figures=figures,
        added_by=user,
    )


def sniff(head: bytes) -> str | None:
    return next((kind for magic, kind in SIGNATURES.items() if head.startswith(magic)), None)


def attach_upload(observation: Observation, user, upload, title: str = "") -> Evidence:
    """Keep an uploaded PDF or picture; refused (Thai, English, naming the file) otherwise."""
    limit = supervision_settings.SUPERVISION_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            bilingual(
                "%(name)s is larger than %(limit)s MB", name=upload.name, limit=limit // 1048576
            )
        )
    head = upload.read(16)
    upload.seek(0)
    if sniff(head) is None:
        raise ValidationError(
            bilingual("%(name)s is not a PDF, PNG or JPEG file", name=upload.name)
        )
    evidence = Evidence(
        observation=observation,
        kind=EvidenceKind.UPLOAD,
        title=(title or upload.name)[:300],
        added_by=user,
    )
    evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    return evidence


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _missing(what, object_id) -> ValidationError:
    return ValidationError(
        bilingual("no %(what)s number %(id)s that you may see", what=what, id=object_id)
    )

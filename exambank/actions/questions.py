"""Saving questions: every save freezes a new version, so old attempts keep theirs."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max

from core.i18n import bilingual

from ..models import Question, QuestionVersion, VersionStatus
from ..snapshot import NO_READY_VERSION
from .refusals import AttemptRefused

VERSIONED_FIELDS = ["status", "qtype", "name", "text", "general_feedback", "data", "default_mark"]


def snapshot_version(question: Question, user=None) -> QuestionVersion:
    """Freeze the question's current state as a new version (unless nothing changed)."""
    latest = question.versions.order_by("-number").first()
    state = {f: getattr(question, f) for f in VERSIONED_FIELDS}
    if latest is not None and all(
        str(getattr(latest, f)) == str(state[f]) if f != "data" else latest.data == state[f]
        for f in VERSIONED_FIELDS
    ):
        return latest
    for _ in range(3):
        number = (question.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                return QuestionVersion.objects.create(
                    question=question, number=number, created_by=user, **state
                )
        except IntegrityError:
            continue  # someone saved the same question at the same moment
    raise RuntimeError("could not number a new question version")


def save_question(question: Question, user=None) -> QuestionVersion:
    with transaction.atomic():
        question.save()
        return snapshot_version(question, user)


def set_version_status(version: QuestionVersion, status: str, user=None) -> QuestionVersion:
    """Hide or release a question: a new version, so old attempts keep theirs."""
    question = version.question
    question.status = status
    return save_question(question, user)


def latest_ready_versions(question_ids) -> dict[int, QuestionVersion]:
    """The newest ready version of each question, in one query (a class starts at once)."""
    latest: dict[int, QuestionVersion] = {}
    versions = QuestionVersion.objects.filter(
        question_id__in=list(question_ids), status=VersionStatus.READY
    ).order_by("question_id", "-number")
    for version in versions:
        latest.setdefault(version.question_id, version)
    return latest


def version_for_slot(slot, latest: dict[int, QuestionVersion] | None = None) -> QuestionVersion:
    if slot.version_id:
        return slot.version
    if latest is None:
        latest = latest_ready_versions([slot.question_id])
    version = latest.get(slot.question_id)
    if version is None:
        raise AttemptRefused(bilingual(NO_READY_VERSION, name=slot.question))
    return version

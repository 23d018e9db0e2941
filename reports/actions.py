"""State changes of the reports, as named actions."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from core.i18n import bilingual

from .models import Survey, SurveyResponse


class AlreadyAnswered(Exception):
    """The database refused a second response by the same person."""


def submit_survey_response(survey: Survey, user, level: int, comment: str = "") -> SurveyResponse:
    if not survey.is_open:
        raise ValueError(bilingual("this survey is closed"))
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                survey=survey, user=user, level=level, comment=comment.strip()
            )
    except IntegrityError as exc:
        raise AlreadyAnswered(bilingual("you have already answered this survey")) from exc

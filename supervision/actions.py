"""Named actions: every change to a plan, record or follow-up goes through here.

Each one that the other side should hear about sends a notification (through
notifications.actions, in the site's language): a shared record or a
supervisor's reply to the teacher; a teacher's reply, reflection or closed
follow-up to the supervisor.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from notifications.actions import in_site_language, notify
from notifications.models import Kind

from .models import FollowUp, Observation, Plan, PlanEntry, Reply, Rubric, Score, Status
from .terms import term_bounds


def _touch(observation: Observation) -> None:
    observation.updated_at = timezone.now()
    observation.save(update_fields=["updated_at"])


def _name(user) -> str:
    return user.get_full_name() or user.username


def _tell(user_ids, observation: Observation, title: str, key: str) -> None:
    url = reverse("supervision:record", args=[observation.pk])
    notify([pk for pk in user_ids if pk], Kind.SUPERVISION, title, url=url, dedupe_key=key)


def create_observation(
    *,
    supervisor,
    school,
    teacher,
    rubric: Rubric,
    plan: Plan | None = None,
    mode: str = "onsite",
    visited_on: dt.date | None = None,
    subject: str = "",
    grade_level=None,
    site: str | None = None,
) -> Observation:
    from mirror.conf import is_mirror, mirror_settings

    site = site or (mirror_settings.MIRROR_ID or "mirror" if is_mirror() else "central")
    now = timezone.now()
    return Observation.objects.create(
        supervisor=supervisor,
        school=school,
        teacher=teacher,
        rubric=rubric,
        plan=plan,
        mode=mode,
        visited_on=visited_on or timezone.localdate(),
        subject=subject,
        grade_level=grade_level,
        site=site,
        created_at=now,
        updated_at=now,
    )


@transaction.atomic
def save_assessment(
    observation: Observation,
    *,
    levels: dict[int, tuple[int, str]],
    strengths: str,
    suggestions: str,
    followups: list[tuple[str, dt.date | None]] = (),
) -> Observation:
    """Scores by criterion id (level, comment), the comments, and new follow-ups."""
    for criterion_id, (level, comment) in levels.items():
        Score.objects.update_or_create(
            observation=observation,
            criterion_id=criterion_id,
            defaults={"level": level, "comment": comment},
        )
    observation.strengths = strengths
    observation.suggestions = suggestions
    observation.save(update_fields=["strengths", "suggestions"])
    for action, due_on in followups:
        FollowUp.objects.create(observation=observation, action=action, due_on=due_on)
    _touch(observation)
    return observation


def share_observation(observation: Observation) -> Observation:
    """The teacher (and the director) may now read the record and answer it."""
    if observation.status == Status.DRAFT:
        observation.status = Status.SHARED
        observation.shared_at = timezone.now()
        observation.save(update_fields=["status", "shared_at"])
        _touch(observation)
    with in_site_language():
        title = _("A supervision record about your teaching by %(name)s is ready to read") % {
            "name": _name(observation.supervisor)
        }
    _tell([observation.teacher_id], observation, title, f"supervision:shared:{observation.uuid}")
    return observation


def add_reply(observation: Observation, author, body: str) -> Reply:
    reply = Reply.objects.create(observation=observation, author=author, body=body.strip())
    _touch(observation)
    _announce_reply(observation, reply)
    return reply


def _announce_reply(observation: Observation, reply: Reply) -> None:
    author = reply.author
    if author.pk == observation.teacher_id:
        others = [observation.supervisor_id]
    else:
        others = [observation.teacher_id]
        if author.pk != observation.supervisor_id:
            others.append(observation.supervisor_id)
    with in_site_language():
        title = _("%(name)s replied on the supervision record of %(date)s") % {
            "name": _name(author),
            "date": observation.visited_on.isoformat(),
        }
    _tell(
        [pk for pk in others if pk != author.pk],
        observation,
        title,
        f"supervision:reply:{reply.uuid}",
    )
    return reply


def save_reflection(observation: Observation, text: str) -> Observation:
    observation.self_reflection = text.strip()
    observation.save(update_fields=["self_reflection"])
    _touch(observation)
    with in_site_language():
        title = _("%(name)s wrote a self-reflection on the supervision record") % {
            "name": _name(observation.teacher)
        }
    stamp = int(observation.updated_at.timestamp())
    _tell(
        [observation.supervisor_id],
        observation,
        title,
        f"supervision:reflection:{observation.uuid}:{stamp}",
    )
    return observation


def close_followup(followup: FollowUp, user, note: str, evidence=None) -> FollowUp:
    """Mark a follow-up done, with what was done and, if given, the evidence of it."""
    if followup.done_at is None:
        followup.done_at = timezone.now()
        followup.done_by = user
    followup.done_note = note.strip()
    followup.done_evidence = evidence or followup.done_evidence
    followup.save(update_fields=["done_at", "done_by", "done_note", "done_evidence"])
    observation = followup.observation
    _touch(observation)
    with in_site_language():
        title = _("%(name)s closed a follow-up: %(action)s") % {
            "name": _name(user),
            "action": followup.action[:80],
        }
    _tell([observation.supervisor_id], observation, title, f"supervision:done:{followup.uuid}")
    return followup


NO_RUBRIC = gettext_noop("No rubric is in use: the area admin adds one first.")


class NoRubric(Exception):
    pass


def plan_visit(supervisor, school, fiscal_year: int, term: int, teacher=None) -> PlanEntry:
    """Add a school (or one teacher there) to the supervisor's plan of that term.

    The plan is made when the supervisor has none for the term yet, on the
    rubric in use most recently created. Adding what is already planned changes nothing.
    """
    plan = Plan.objects.filter(supervisor=supervisor, fiscal_year=fiscal_year, term=term).first()
    if plan is None:
        rubric = Rubric.objects.filter(is_active=True).order_by("-created_at").first()
        if rubric is None:
            raise NoRubric(NO_RUBRIC)
        plan = Plan.objects.create(
            supervisor=supervisor, fiscal_year=fiscal_year, term=term, rubric=rubric
        )
    entry = plan.entries.filter(school=school, teacher=teacher).first()
    if entry is None:
        start, end = term_bounds(fiscal_year, term)
        today = timezone.localdate()
        entry = PlanEntry.objects.create(
            plan=plan, school=school, teacher=teacher, planned_on=max(start, min(today, end))
        )
    return entry


def announce_arrival(observation: Observation, new_replies: list[Reply]) -> None:
    """A record merged from a mirror is told about as if it had been written here."""
    if getattr(observation, "arrived_shared", False):
        share_observation(observation)
    for reply in new_replies:
        _announce_reply(observation, reply)

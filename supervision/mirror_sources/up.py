"""Up from mirrors: supervision records, one per uuid, merged once (see the package rule)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime

from core.i18n import bilingual
from core.models import GradeLevel, School, User
from mirror.results import SnapshotResultKind

from ..models import (
    Criterion,
    Evidence,
    FollowUp,
    Observation,
    Plan,
    Reply,
    Rubric,
    Score,
    Status,
)

FIELDS = ["mode", "subject", "strengths", "suggestions", "self_reflection"]
STATUS_ORDER = [Status.DRAFT, Status.SHARED, Status.CLOSED]


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def observation_row(o: Observation) -> dict[str, Any]:
    return {
        "uuid": str(o.uuid),
        "site": o.site,
        "school": o.school.code,
        "teacher": o.teacher.username,
        "supervisor": o.supervisor.username,
        "rubric": str(o.rubric.uuid),
        "plan": str(o.plan.uuid) if o.plan_id else None,
        "grade_level": o.grade_level.code if o.grade_level_id else None,
        "visited_on": o.visited_on.isoformat(),
        "status": o.status,
        "created_at": _iso(o.created_at),
        "updated_at": _iso(o.updated_at),
        "shared_at": _iso(o.shared_at),
        **{f: getattr(o, f) for f in FIELDS},
        "scores": [
            {"criterion": str(s.criterion.uuid), "level": s.level, "comment": s.comment}
            for s in o.scores.all()
        ],
        "followups": [
            {
                "uuid": str(f.uuid),
                "action": f.action,
                "due_on": _iso(f.due_on),
                "created_at": _iso(f.created_at),
                "done_at": _iso(f.done_at),
                "done_by": f.done_by.username if f.done_by_id else None,
                "done_note": f.done_note,
                "done_evidence": str(f.done_evidence.uuid) if f.done_evidence_id else None,
            }
            for f in o.followups.all()
        ],
        "replies": [
            {
                "uuid": str(r.uuid),
                "author": r.author.username,
                "body": r.body,
                "created_at": _iso(r.created_at),
            }
            for r in o.replies.all()
        ],  # fmt: skip
        "evidence": [
            {
                "uuid": str(e.uuid),
                "kind": e.kind,
                "object_id": e.object_id,
                "title": e.title,
                "url": e.url,
                "figures": e.figures,
                "added_at": _iso(e.added_at),
                "added_by": e.added_by.username if e.added_by_id else None,
            }
            for e in o.evidence.all()
        ],  # fmt: skip
    }


class ObservationKind(SnapshotResultKind):
    name = "supervision_record"
    rule = "one record per uuid, merged once; newer fields win, status only forward"

    def row_key(self, row: dict[str, Any]) -> str:
        return row["uuid"]

    def records(self) -> Iterable[dict[str, Any]]:
        rows = Observation.objects.select_related(
            "school", "teacher", "supervisor", "rubric", "plan", "grade_level"
        ).prefetch_related(
            "scores__criterion", "followups__done_by", "followups__done_evidence",
            "replies__author", "evidence__added_by",
        )  # fmt: skip
        for observation in rows.order_by("pk").iterator(chunk_size=200):
            yield observation_row(observation)

    def accept(self, rows: list[dict[str, Any]], mirror) -> dict[str, Any]:
        names = _names(rows)
        errors = _validate(rows, names)
        if errors:
            return {"accepted": 0, "duplicates": 0, "errors": errors}
        changed = 0
        arrivals = []
        with transaction.atomic():
            for row in rows:
                result = merge_observation(row, names, getattr(mirror, "mirror_id", "mirror"))
                if result is not None:
                    changed += 1
                    arrivals.append(result)
        from ..actions import announce_arrival

        for observation, new_replies in arrivals:
            transaction.on_commit(lambda o=observation, r=new_replies: announce_arrival(o, r))
        return {"accepted": changed, "duplicates": len(rows) - changed}


def _names(rows) -> dict[str, dict]:
    usernames, schools, rubrics, criteria, plans, grades = set(), set(), set(), set(), set(), set()
    for row in rows:
        if not isinstance(row, dict):
            continue
        usernames |= {row.get("teacher"), row.get("supervisor")}
        usernames |= {r.get("author") for r in row.get("replies") or []}
        usernames |= {f.get("done_by") for f in row.get("followups") or []}
        usernames |= {e.get("added_by") for e in row.get("evidence") or []}
        schools.add(row.get("school"))
        rubrics.add(row.get("rubric"))
        plans.add(row.get("plan"))
        grades.add(row.get("grade_level"))
        criteria |= {s.get("criterion") for s in row.get("scores") or []}
    return {
        "users": _pairs(User.objects.filter(username__in=usernames - {None}), "username"),
        "schools": _pairs(School.objects.filter(code__in=schools - {None}), "code"),
        "rubrics": _pairs(Rubric.objects.filter(uuid__in=_uuids(rubrics)), "uuid"),
        "plans": _pairs(Plan.objects.filter(uuid__in=_uuids(plans)), "uuid"),
        "grades": _pairs(GradeLevel.objects.filter(code__in=grades - {None}), "code"),
        "criteria": _pairs(Criterion.objects.filter(uuid__in=_uuids(criteria)), "uuid"),
    }


def _pairs(rows, key: str) -> dict[str, int]:
    return {str(k): pk for k, pk in rows.values_list(key, "pk")}


def _uuids(values) -> list[str]:
    import uuid

    found = []
    for value in values:
        try:
            found.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return found


def _validate(rows, names) -> list[str]:
    errors = []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not _uuids([row.get("uuid")]):
            errors.append(bilingual("row %(row)s: not a supervision record", row=index))
            continue
        for field in ("teacher", "supervisor"):
            if row.get(field) not in names["users"]:
                errors.append(
                    bilingual("row %(row)s: unknown user %(user)r in %(field)s",
                              row=index, user=row.get(field), field=field)
                )  # fmt: skip
        if row.get("school") not in names["schools"]:
            errors.append(
                bilingual(
                    "row %(row)s: unknown school %(school)r", row=index, school=row.get("school")
                )
            )
        if row.get("rubric") not in names["rubrics"]:
            errors.append(
                bilingual(
                    "row %(row)s: unknown rubric %(rubric)r", row=index, rubric=row.get("rubric")
                )
            )
        if not parse_date(str(row.get("visited_on") or "")) or not _time(row.get("updated_at")):
            errors.append(bilingual("row %(row)s: bad date in visited_on or updated_at", row=index))
        for score in row.get("scores") or []:
            level = score.get("level")
            if score.get("criterion") not in names["criteria"] or level not in (1, 2, 3, 4, 5):
                errors.append(bilingual("row %(row)s: bad score %(score)r", row=index, score=score))
        for reply in row.get("replies") or []:
            if reply.get("author") not in names["users"] or not reply.get("body"):
                errors.append(
                    bilingual("row %(row)s: bad reply %(uuid)s", row=index, uuid=reply.get("uuid"))
                )
    return errors


def _time(text):
    if not text:
        return None
    try:
        return parse_datetime(str(text))
    except ValueError:
        return None


def _date(text):
    return parse_date(str(text)) if text else None


def merge_observation(row: dict, names: dict, site: str):
    """Merge one row into central; (observation, new replies) when anything changed, else None."""
    users = names["users"]
    incoming_updated = _time(row["updated_at"])
    observation = Observation.objects.select_for_update().filter(uuid=row["uuid"]).first()
    changed = False
    was_draft = observation is None or observation.status == Status.DRAFT
    if observation is None:
        created = _time(row.get("created_at")) or incoming_updated
        observation = Observation(
            uuid=row["uuid"], site=row.get("site") or site, created_at=created
        )
        newer = True
    else:
        newer = incoming_updated > observation.updated_at
    if newer:
        observation.school_id = names["schools"][row["school"]]
        observation.teacher_id = users[row["teacher"]]
        observation.supervisor_id = users[row["supervisor"]]
        observation.rubric_id = names["rubrics"][row["rubric"]]
        observation.plan_id = names["plans"].get(row.get("plan"))
        observation.grade_level_id = names["grades"].get(row.get("grade_level"))
        observation.visited_on = _date(row["visited_on"])
        for field in FIELDS:
            setattr(observation, field, row.get(field) or "")
        observation.updated_at = incoming_updated
        changed = True
    forward = STATUS_ORDER.index(row["status"]) > STATUS_ORDER.index(observation.status)
    if forward:
        observation.status = row["status"]
        observation.shared_at = observation.shared_at or _time(row.get("shared_at"))
        changed = True
    if changed:
        observation.save()
    if newer:
        for score in row.get("scores") or []:
            Score.objects.update_or_create(
                observation=observation,
                criterion_id=names["criteria"][score["criterion"]],
                defaults={"level": score["level"], "comment": score.get("comment") or ""},
            )
    evidence_ids = {}
    for item in row.get("evidence") or []:
        found, made = Evidence.objects.get_or_create(
            uuid=item["uuid"],
            defaults={
                "observation": observation,
                "kind": item["kind"],
                "object_id": item.get("object_id") or "",
                "title": item.get("title") or "",
                "url": item.get("url") or "",
                "figures": item.get("figures") or {},
                "added_by_id": users.get(item.get("added_by")),
                "added_at": _time(item.get("added_at")) or incoming_updated,
            },
        )
        evidence_ids[item["uuid"]] = found.pk
        changed |= made
    for item in row.get("followups") or []:
        changed |= _merge_followup(observation, item, users, evidence_ids)
    new_replies = []
    for item in row.get("replies") or []:
        reply, made = Reply.objects.get_or_create(
            uuid=item["uuid"],
            defaults={
                "observation": observation,
                "author_id": users[item["author"]],
                "body": item["body"],
                "created_at": _time(item.get("created_at")) or incoming_updated,
            },
        )
        if made:
            new_replies.append(reply)
            changed = True
    if not changed:
        return None
    observation.arrived_shared = was_draft and observation.status != Status.DRAFT
    return observation, new_replies


def _merge_followup(observation, item, users, evidence_ids) -> bool:
    followup = FollowUp.objects.filter(uuid=item["uuid"]).first()
    done_at = _time(item.get("done_at"))
    if followup is None:
        FollowUp.objects.create(
            uuid=item["uuid"],
            observation=observation,
            action=item.get("action") or "",
            due_on=_date(item.get("due_on")),
            created_at=_time(item.get("created_at")) or observation.updated_at,
            done_at=done_at,
            done_by_id=users.get(item.get("done_by")),
            done_note=item.get("done_note") or "",
            done_evidence_id=evidence_ids.get(item.get("done_evidence")),
        )
        return True
    if done_at and (followup.done_at is None or done_at < followup.done_at):
        followup.done_at = done_at
        followup.done_by_id = users.get(item.get("done_by"))
        followup.done_note = item.get("done_note") or followup.done_note
        followup.done_evidence_id = (
            evidence_ids.get(item.get("done_evidence")) or followup.done_evidence_id
        )
        followup.save()
        return True
    return False

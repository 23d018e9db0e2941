"""A supervision record: written by the supervisor, read and answered by the teacher."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import roles
from core.file_headers import protect_file_response
from core.models import School
from core.policy import role_of

from .. import actions, evidence
from ..forms import (
    AssessmentForm,
    EvidenceForm,
    FollowUpDoneForm,
    NewRecordForm,
    ReflectionForm,
    ReplyForm,
)
from ..models import Evidence, EvidenceKind, FollowUp, Plan, PlanEntry, Status
from ..policies import caseload_school_ids, observation_policy
from .common import SUPERVISORS, require_role


def _schools_for(user):
    if role_of(user) == roles.AREA_ADMIN:
        return School.objects.filter(is_active=True)
    return School.objects.filter(pk__in=caseload_school_ids(user))


@login_required
def record_new(request):
    """A new record, usually from a row of the supervisor's plan (``?entry=<id>``)."""
    require_role(request.user, SUPERVISORS)
    schools = _schools_for(request.user)
    initial = {"visited_on": timezone.localdate(), "mode": "onsite"}
    entry = (
        PlanEntry.objects.filter(pk=request.GET.get("entry") or 0, school__in=schools)
        .select_related("plan")
        .first()
    )
    if entry:
        initial.update(
            school=entry.school_id, teacher=entry.teacher_id, rubric=entry.plan.rubric_id
        )
    form = NewRecordForm(request.POST or None, initial=initial, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = entry.plan if entry else _plan_for(request.user, data["school"], data["visited_on"])
        record = actions.create_observation(
            supervisor=request.user,
            school=data["school"],
            teacher=data["teacher"],
            rubric=data["rubric"],
            plan=plan,
            mode=data["mode"],
            visited_on=data["visited_on"],
            subject=data["subject"],
            grade_level=data["grade_level"],
        )
        return redirect("supervision:assess", pk=record.pk)
    return TemplateResponse(request, "supervision/record_new.html", {"form": form, "entry": entry})


def _plan_for(user, school, day):
    from ..terms import term_of

    fiscal_year, term = term_of(day)
    return Plan.objects.filter(
        supervisor=user, fiscal_year=fiscal_year, term=term, entries__school=school
    ).first()


@login_required
def record_detail(request, pk: int):
    """Reading a record; the request itself is the access-log entry (core.access_log)."""
    record = observation_policy.get_or_404(request.user, "view", pk=pk)
    may_change = observation_policy.user_has_permission_for_instance(request.user, "change", record)
    is_teacher = request.user.pk == record.teacher_id
    context = {
        "record": record,
        "scores": record.scores.select_related("criterion").order_by("criterion__sort_order"),
        "evidence": record.evidence.all(),
        "followups": record.followups.select_related("done_by", "done_evidence"),
        "replies": record.replies.select_related("author"),
        "may_change": may_change,
        "is_teacher": is_teacher,
        "reply_form": ReplyForm(),
        "reflection_form": ReflectionForm(initial={"self_reflection": record.self_reflection}),
        "done_form": FollowUpDoneForm(),
        "evidence_form": EvidenceForm(),
        "teacher_media": evidence.media_choices(request.user, record) if is_teacher else [],
    }
    if may_change:
        context.update(
            media_choices=evidence.media_choices(request.user, record),
            lesson_choices=evidence.lesson_choices(request.user, record),
            analysis_choices=evidence.analysis_choices(request.user, record),
        )
    return TemplateResponse(request, "supervision/record.html", context)


@login_required
def record_assess(request, pk: int):
    record = observation_policy.get_or_404(request.user, "change", pk=pk)
    scores = {s.criterion_id: s for s in record.scores.all()}
    form = AssessmentForm(
        request.POST or None,
        criteria=record.rubric.criteria.order_by("sort_order"),
        scores=scores,
        initial={"strengths": record.strengths, "suggestions": record.suggestions},
    )
    if request.method == "POST" and form.is_valid():
        actions.save_assessment(
            record,
            levels=form.levels(),
            strengths=form.cleaned_data["strengths"],
            suggestions=form.cleaned_data["suggestions"],
            followups=form.new_followups(),
        )
        if "share" in request.POST:
            actions.share_observation(record)
            messages.success(request, _("The record is shared with the teacher."))
        else:
            messages.success(request, _("Saved."))
        return redirect("supervision:record", pk=record.pk)
    return TemplateResponse(
        request, "supervision/record_assess.html", {"record": record, "form": form}
    )


@login_required
@require_POST
def record_share(request, pk: int):
    record = observation_policy.get_or_404(request.user, "change", pk=pk)
    actions.share_observation(record)
    messages.success(request, _("The record is shared with the teacher."))
    return redirect("supervision:record", pk=record.pk)


@login_required
@require_POST
def evidence_add(request, pk: int):
    record = observation_policy.get_or_404(request.user, "change", pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect("supervision:record", pk=record.pk)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            if data["kind"] == EvidenceKind.UPLOAD:
                evidence.attach_upload(record, request.user, data["file"], data["title"])
            else:
                evidence.attach_platform(record, request.user, data["kind"], data["object_id"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        actions._touch(record)
        messages.success(request, _("Evidence added."))
    return redirect("supervision:record", pk=record.pk)


@login_required
@require_POST
def record_reply(request, pk: int):
    record = observation_policy.get_or_404(request.user, "view", pk=pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        actions.add_reply(record, request.user, form.cleaned_data["body"])
        messages.success(request, _("Your reply was sent."))
    else:
        messages.error(request, _("Write a reply first."))
    return redirect("supervision:record", pk=record.pk)


@login_required
@require_POST
def record_reflection(request, pk: int):
    record = observation_policy.get_or_404(request.user, "view", pk=pk)
    if request.user.pk != record.teacher_id:
        raise PermissionDenied
    form = ReflectionForm(request.POST)
    if form.is_valid():
        actions.save_reflection(record, form.cleaned_data["self_reflection"])
        messages.success(request, _("Your self-reflection was saved."))
    return redirect("supervision:record", pk=record.pk)


@login_required
@require_POST
def followup_done(request, pk: int):
    """The teacher closes a follow-up with what was done and, if any, evidence."""
    followup = FollowUp.objects.filter(pk=pk).select_related("observation").first()
    if followup is None or not observation_policy.user_has_permission_for_instance(
        request.user, "view", followup.observation
    ):
        raise Http404
    record = followup.observation
    if request.user.pk != record.teacher_id or record.status == Status.DRAFT:
        raise PermissionDenied
    form = FollowUpDoneForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Write what was done first."))
        return redirect("supervision:record", pk=record.pk)
    proof = None
    try:
        with transaction.atomic():
            if form.cleaned_data.get("file"):
                proof = evidence.attach_upload(record, request.user, form.cleaned_data["file"])
            elif form.cleaned_data.get("media"):
                proof = evidence.attach_platform(
                    record, request.user, EvidenceKind.MEDIA, str(form.cleaned_data["media"])
                )
            actions.close_followup(followup, request.user, form.cleaned_data["note"], proof)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The follow-up is marked done."))
    return redirect("supervision:record", pk=record.pk)


@login_required
def evidence_file(request, pk: int):
    item = Evidence.objects.filter(pk=pk).exclude(file="").select_related("observation").first()
    if item is None or not observation_policy.user_has_permission_for_instance(
        request.user, "view", item.observation
    ):
        raise Http404
    handle = item.file.open("rb")
    kind = evidence.sniff(handle.read(16)) or "application/octet-stream"
    handle.seek(0)
    response = FileResponse(handle, content_type=kind)
    return protect_file_response(response, item.file.name.rsplit("/", 1)[-1])

"""Every routed URL against the rules table: role × owner school × action.

``test_every_url_with_an_object_has_an_access_rule`` walks the URL resolver: a
URL that names an object (has a path argument) must be checked by the matrix
below, be an admin view wrapped by its model's policy (core.admin_scope), or be
listed in VETTED with the reason and the test that covers it. A new view added
without any of these fails the suite.

The matrix requests each object URL as every role, for an object of the user's
own school and of another school, and expects exactly what core.policy.RULES
says: outside the scope a 404 (a signed-out visitor may get the login page
instead, for any id), inside it anything but a 404.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from core import roles
from core.policy import ANONYMOUS, AREA, OWN, RULES, SCHOOL
from tests.conftest import create_user, ensure_base_data
from tests.exambank.helpers import make_quiz
from tests.shared_data import module_shared

ROLES = [
    ANONYMOUS,
    roles.STUDENT,
    roles.TEACHER,
    roles.SCHOOL_ADMIN,
    roles.SUPERVISOR,
    roles.AREA_ADMIN,
]

# URL name → (object, rules kind, action, method, extra URL kwargs).
# "take" is a student's own attempt only: nobody else, whatever their role.
MATRIX: dict[str, tuple[str, str, str, str, dict]] = {
    "media_center:detail": ("media", "content", "view", "get", {}),
    "media_center:status": ("media", "content", "view", "get", {}),
    "media_center:stats": ("media", "content", "stats", "get", {}),
    "media_center:watch": ("media", "content", "view", "post", {}),
    "media_center:poster": ("media", "content", "view", "get", {"version": "v1", "width": 320}),
    "exambank:quiz": ("quiz", "content", "view", "get", {}),
    "exambank:start": ("quiz", "content", "view", "post", {}),
    "exambank:analysis": ("quiz", "content", "stats", "get", {}),
    "exambank:analysis_refresh": ("quiz", "content", "stats", "post", {}),
    "exambank:paper": ("quiz", "content", "view", "get", {}),
    "exambank:answer_sheet": ("quiz", "content", "view", "get", {}),
    "exambank:attempt": ("attempt", "record", "take", "get", {}),
    "exambank:save": ("attempt", "record", "take", "post", {}),
    "exambank:submit": ("attempt", "record", "take", "post", {}),
    "exambank:review": ("attempt", "record", "view", "get", {}),
    "exambank:export": ("category", "content", "view", "get", {"fmt": "gift"}),
    "wagtailsnippets_exambank_question:edit": ("question", "content", "change", "get", {}),
    "wagtailsnippets_exambank_question:delete": ("question", "content", "delete", "get", {}),
    "wagtailsnippets_exambank_question:history": ("question", "content", "view", "get", {}),
    "wagtailsnippets_exambank_question:copy": ("question", "content", "view", "get", {}),
    "wagtailsnippets_exambank_question:usage": ("question", "content", "view", "get", {}),
    "wagtailsnippets_exambank_quiz:edit": ("quiz", "content", "change", "get", {}),
    "wagtailsnippets_exambank_category:edit": ("category", "content", "change", "get", {}),
    "wagtailmedia:edit": ("media", "content", "change", "get", {}),
    "live:session": ("live", "content", "view", "get", {}),
    "live:state": ("live", "content", "view", "get", {}),
    "live:end": ("live", "content", "change", "post", {}),
    "live:watch": ("live", "content", "view", "post", {}),
    "wagtailsnippets_live_livesession:edit": ("live", "content", "change", "get", {}),
    "wagtailsnippets_live_livesession:delete": ("live", "content", "delete", "get", {}),
    "wagtailsnippets_live_timetable:edit": ("timetable", "content", "change", "get", {}),
    "wagtailsnippets_live_timetable:delete": ("timetable", "content", "delete", "get", {}),
    "live:classroom": ("school", "content", "view", "get", {}),
    "live:classroom_new_link": ("school", "content", "change", "post", {}),
    "live:classroom_screen": ("school", "content", "view", "get", {"grade": "p4"}),
    "live:classroom_now": ("school", "content", "view", "get", {"grade": "p4"}),
    "live:classroom_week": ("school", "content", "view", "get", {"grade": "p4"}),
    "wagtailmedia:delete": ("media", "content", "delete", "get", {}),
    "supervision:record": ("record", "supervision", "view", "get", {}),
    "supervision:pdf": ("record", "supervision", "view", "get", {}),
    "supervision:reply": ("record", "supervision", "view", "post", {}),
    "supervision:reflection": ("record", "supervision", "view", "post", {}),
    "supervision:assess": ("record", "supervision", "change", "get", {}),
    "supervision:share": ("record", "supervision", "change", "post", {}),
    "supervision:evidence_add": ("record", "supervision", "change", "post", {}),
    "supervision:school": ("school", "supervision", "view", "get", {}),
    "supervision:media_school": ("school", "content", "stats", "get", {}),
}
_URL_KWARG = {"wagtailmedia": "media_id"}
# URLs that name their object by another field than its id: the argument, the field.
_NAMED_BY = {
    name: ("code", "code")
    for name in ("live:classroom", "live:classroom_new_link", "live:classroom_screen",
                 "live:classroom_now", "live:classroom_week")
}  # fmt: skip
# A well-formed body, so a view's input checks are not mistaken for its access check.
_POST_DATA = {
    "exambank:save": {"position": "1", "seq": "1", "q1": "A"},
    "supervision:reply": {"body": "ok"},
    "supervision:evidence_add": {"kind": "usage"},
}

# URLs with arguments that are not objects of a school, or that are governed
# elsewhere: the reason, and where it is tested.
VETTED: dict[str, str] = {
    "media_center:file": "signed, expiring token bound to the user (tests/media_center/test_file_serving.py)",
    "media_center:tus_upload": "an upload session of its own user only (tests/media_center/test_upload_and_files.py)",
    "notifications:open": "the user's own notification only (tests/notifications/test_notifications.py)",
    "lms_certificate_pdf": "certificate_policy (record): holder, their school's staff, the area",
    "lms_enrol": "a published course anyone signed in may join (tests/lms)",
    "lms_unenrol": "removes only the user's own enrolment (tests/lms)",
    "lms_enrol_class": "teacher enrols their own school's class only (tests/lms)",
    "lms_class_report": "report rows filtered to the teacher's own school (tests/lms)",
    "lms_mark_done": "marks the user's own progress on a live lesson (tests/lms)",
    "lms_lesson_page": "enrolment or preview decides (lms/access.py, tests/lms)",
    "live:file": "live_session_policy (view), then only while the session is live (tests/live/test_sessions.py)",
    "live:relay_file": "signed mirror requests only, sessions that mirror receives, only while live (tests/live/test_mirror.py)",
    "live:relay_state": "signed mirror requests only, sessions that mirror receives (tests/live/test_mirror.py)",
    "mirror:file": "signed mirror requests only; files are content-addressed (tests/mirror)",
    "mirror:results": "signed mirror requests only, their own school (tests/mirror)",
    "reports_kpi": "area staff only (reports.privacy.can_view_area)",
    "reports_survey": "a survey is answered by anyone it is addressed to (tests/reports)",
    "reports_survey_results": "area staff only (tests/reports)",
    "reports_annual_pdf": "area staff only (tests/reports)",
    "supervision:plan": "plan_policy: its supervisor, directors of its schools, the area (tests/supervision/test_policies.py)",
    "supervision:followup_done": "the record's policy, then its teacher only (tests/supervision/test_conversation.py)",
    "supervision:evidence_file": "the record's policy (tests/supervision/test_conversation.py)",
    "wagtail_serve": "Wagtail pages: publication and page privacy",
    "wagtaildocs_serve": "Wagtail documents: collection privacy",
    "wagtaildocs_authenticate_with_password": "Wagtail document privacy form",
    "wagtailcore_authenticate_with_password": "Wagtail page privacy form",
    "wagtailadmin_password_reset_confirm": "signed reset token",
    "wagtailmedia:media_chosen": "admin_scope (view)",
    "wagtailmedia:media_usage": "admin_scope (view)",
    "wagtailmedia:add": "no object: a new item of the user's own school",
    "wagtailmedia:chooser_typed": "lists through the media policy's scope",
    "wagtailmedia:chooser_upload": "no object: a new item",
    "i18n": "language switch",
    "wagtailimages:create_multiple_from_uploaded_image": "Wagtail: the uploader's own pending file",
    "wagtailimages:delete_upload_multiple": "Wagtail: the uploader's own pending file",
    "wagtaildocs:create_multiple_from_uploaded_document": "Wagtail: the uploader's own pending file",
    "wagtaildocs:delete_upload_multiple": "Wagtail: the uploader's own pending file",
}
# Admin namespaces governed by Wagtail's own permission model: only roles that
# hold those permissions (area admins) reach them; no school owns the objects.
WAGTAIL_GOVERNED = (
    "wagtailadmin_", "wagtailsites", "wagtailusers_", "wagtailredirects", "wagtailsettings",
    "wagtailforms", "wagtail_bulk_action", "wagtaildocs_serve", "wagtailsnippets_core_",
    "wagtailsnippetchoosers_core_", "wagtailsnippets_reports_", "wagtailsnippetchoosers_reports_",
    "transcode_jobs", "mirror_revoke", "admin:", "wagtailadmin_api", "wagtailsearch",
    "wagtailembeds", "django.", "wagtail_preview",
    # Supervision plans, rubrics, focus areas and targets: area objects no school owns.
    "wagtailsnippets_supervision_", "wagtailsnippetchoosers_supervision_",
)  # fmt: skip


def _walk(patterns, namespace: str = "", prefix: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or ''}", prefix + str(entry.pattern), entry


def _short(name: str) -> str:
    """``wagtailsnippets_exambank_question:edit`` however deep it is included."""
    parts = name.split(":")
    return ":".join(parts[-2:]) if len(parts) > 1 else name


def test_every_url_with_an_object_has_an_access_rule():
    unruled = []
    for name, route, entry in _walk(get_resolver().url_patterns):
        if not entry.pattern.regex.groupindex:
            continue  # no object named in the URL
        short = _short(name)
        if short in MATRIX or short in VETTED or hasattr(entry.callback, "khlang_policy"):
            continue
        if any(short.startswith(p) or name.startswith(p) for p in WAGTAIL_GOVERNED):
            continue
        unruled.append(f"{route} ({name})")
    assert not unruled, "URLs without an access rule:\n" + "\n".join(unruled)


def test_scoped_admin_views_cover_every_object_view_of_our_snippets():
    """Edit, delete, history, copy, usage and chooser of each exam-bank snippet."""
    for name, route, entry in _walk(get_resolver().url_patterns):
        short = _short(name)
        if short.startswith(("wagtailsnippets_exambank_", "wagtailsnippetchoosers_exambank_")):
            if "pk" in entry.pattern.regex.groupindex:
                assert hasattr(entry.callback, "khlang_policy"), route


def _kwarg(name: str) -> tuple[str, str]:
    """The URL argument that names the object, and the object's field it holds."""
    return _NAMED_BY.get(name) or (_URL_KWARG.get(name.split(":")[0], "pk"), "pk")


def test_matrix_names_are_routed():
    for name, (_, _, _, _, extra) in MATRIX.items():
        reverse(name, kwargs={_kwarg(name)[0]: 1, **extra})


# --- the matrix -------------------------------------------------------------------


def _write_poster(media) -> None:
    from PIL import Image

    from media_center.conf import media_settings

    poster = Path(media_settings.PROTECTED_ROOT) / media.rendition_dir / "poster.jpg"
    poster.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (640, 360), "navy").save(poster, "JPEG")


def build_world() -> dict:
    """Two schools, each with a media item, a category with a question, a quiz and
    a submitted attempt by one of its students; one user per role at school A."""
    from django.test import TestCase

    from core.models import AreaOffice, GradeLevel, School
    from exambank import actions
    from live.models import LiveSession, Timetable
    from media_center.models import MediaItem, Status, Visibility

    ensure_base_data()
    area = AreaOffice.objects.create(code="T1", name="สพป.ทดสอบ เขต 1")
    network = area.networks.create(name="เครือข่าย")
    schools = {
        key: School.objects.create(code=f"10000000{i}", name=f"โรงเรียน {key}", network=network)
        for i, key in enumerate(("A", "B"))
    }
    objects: dict[str, dict] = {}
    for key, school in schools.items():
        author = create_user(f"author{key}", roles.TEACHER, school=school)
        owner = create_user(f"owner{key}", roles.STUDENT, school=school)
        quiz = make_quiz(1, school=school, review_answers="after_submit")
        category = quiz.slots.first().question.category
        with TestCase.captureOnCommitCallbacks(execute=True):
            attempt = actions.start_attempt(quiz, owner, f"k{key}")
            actions.submit_attempt(attempt.pk)
        media = MediaItem.objects.create(
            title=f"สื่อ {key}", type="video", licence="cc-by", copyright_holder="สพป.",
            duration=10, owner_school=school, visibility=Visibility.SCHOOL,
            status=Status.READY, uploaded_by_user=author,
            rendition_version="v1", rendition_info={"poster": "poster.jpg"},
        )  # fmt: skip
        _write_poster(media)
        live = LiveSession.objects.create(
            title=f"สด {key}", school=school, teacher=author,
            starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=1),
        )  # fmt: skip
        timetable = Timetable.objects.create(
            school=school, grade_level=GradeLevel.objects.get(code="ป.4"),
            starts_on=timezone.localdate(), ends_on=timezone.localdate() + timedelta(days=90),
        )  # fmt: skip
        objects[key] = {
            "record": _supervision_record(school, author),
            "live": live,
            "timetable": timetable,
            "school": school,
            "media": media,
            "quiz": quiz,
            "category": category,
            "question": quiz.slots.first().question,
            "attempt": attempt,
        }
    users = {ANONYMOUS: None}
    for role in ROLES[1:]:
        school = schools["A"] if role not in (roles.SUPERVISOR, roles.AREA_ADMIN) else None
        users[role] = create_user(f"u_{role}", role, school=school)
    return {"objects": objects, "users": users}


# Built once for the matrix' tests (each rolls back what its requests change).
_shared_world = module_shared("world", build_world)


@pytest.fixture
def world(_shared_world, db):
    return _shared_world.value if _shared_world.is_open else build_world()


def _supervision_record(school, teacher):
    """A shared record about a teacher of ``school`` by a supervisor with no plan:
    in the matrix' users' scopes only as the rules say (the teacher is none of them)."""
    from core.models import User
    from supervision import actions
    from supervision.models import Rubric

    rubric = Rubric.objects.get_or_create(title="แบบนิเทศ")[0]
    writer = User.objects.get_or_create(username=f"writer-{school.code}")[0]
    record = actions.create_observation(
        supervisor=writer, school=school, teacher=teacher, rubric=rubric
    )
    return actions.share_observation(record)


def _expected(role: str, kind: str, action: str, same_school: bool) -> bool:
    if action == "take":
        return False  # only the attempt's own student, who is none of these users
    relations = {AREA} | ({SCHOOL} if same_school else set())
    return bool(RULES[kind][action][role] & relations) and OWN not in relations - {AREA}


@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_matrix(world, url_name):
    obj_kind, kind, action, method, extra = MATRIX[url_name]
    kwarg, field = _kwarg(url_name)
    failures = []
    for role in ROLES:
        client = Client()
        user = world["users"][role]
        if user is not None:
            client.force_login(user)
        for owner in ("A", "B"):
            obj = world["objects"][owner][obj_kind]
            url = reverse(url_name, kwargs={kwarg: getattr(obj, field), **extra})
            response = getattr(client, method)(url, _POST_DATA.get(url_name, {}))
            allowed = _expected(role, kind, action, same_school=owner == "A")
            status = response.status_code
            to_login = status == 302 and "login" in response.headers.get("Location", "")
            if allowed and status == 404:
                failures.append(f"{role} × school {owner}: 404 but the rules allow {action}")
            if not allowed and status != 404 and not (role == ANONYMOUS and to_login):
                failures.append(f"{role} × school {owner}: {status}, the rules deny {action}")
    assert not failures, f"{url_name}:\n" + "\n".join(failures)

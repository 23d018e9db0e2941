"""The one site menu: the same header on every page, links chosen by role.

Everything here is read on every page, so a student's page costs no query when
warm: the user's roles come from core's cached nav profile, the section
addresses and the unread count from the cache. Only a teacher's pages count the
grading queue, live. The menu lives in
the project layer because it links every domain app.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.context_processors import nav_profile

SECTIONS_KEY = "khlang:nav-sections"
SECTIONS_SECONDS = 300

# URL names that other parts of the site may offer for a learner's marks, first
# one found wins; the grading queue likewise.
MY_GRADES_URL_NAMES = ("exambank:my_grades", "exambank:my-grades", "exambank:grades")
GRADING_URL_NAMES = ("exambank:grading_queue", "exambank:grading")


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str
    url: str
    count: int | None = None


def first_url(names: tuple[str, ...]) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def section_urls() -> dict[str, dict]:
    """{section: {"title", "url"}} of the live section pages, with app URLs for apps.

    The media section's page would sit at /media/, which is also where uploaded
    images are served in development, so the menu always sends it straight to
    the media library; the exam section likewise to the quiz list.
    """
    found = cache.get(SECTIONS_KEY)
    if found is not None:
        return found
    from core.models import SectionPage

    app_urls = {"media": reverse("media_center:browse"), "exams": reverse("exambank:quizzes")}
    found = {}
    for page in SectionPage.objects.live().public().order_by("path"):
        found.setdefault(
            page.section, {"title": page.title, "url": app_urls.get(page.section) or page.url}
        )
    cache.set(SECTIONS_KEY, found, SECTIONS_SECONDS)
    return found


def forget_sections(**kwargs) -> None:
    cache.delete(SECTIONS_KEY)


def grading_count(user) -> int:
    """Answers waiting for this teacher's hand: one indexed COUNT, asked only on
    the pages of users who mark answers, so it is never stale after a grade."""
    from exambank.gradebook import grading_queue_slots

    return grading_queue_slots(user).count()


def start_url(user) -> str:
    """Where a user lands after logging in: their own starting page."""
    profile = nav_profile(user)
    roles = set(profile["roles"])
    if roles & {"area_admin", "supervisor"} and profile["reports"]:
        return reverse("reports_dashboard")
    if roles & {"teacher", "school_admin"} and profile["admin"]:
        return reverse("wagtailadmin_home")
    return reverse("lms_dashboard")


def menu(request) -> list[NavLink]:
    """The header's links for this request's user, in reading order."""
    from notifications.counts import unread_count

    user = request.user
    sections = section_urls()
    links = [NavLink("home", _("Home"), "/")]
    for key, fallback in (
        ("media", _("Media library")),
        ("courses", _("Courses")),
        ("exams", _("Quizzes")),
    ):
        if key in sections:
            links.append(NavLink(key, sections[key]["title"] or fallback, sections[key]["url"]))
        elif key == "media":
            links.append(NavLink(key, fallback, reverse("media_center:browse")))
        elif key == "exams":
            links.append(NavLink(key, fallback, reverse("exambank:quizzes")))
    if not user.is_authenticated:
        return links
    profile = nav_profile(user)
    links.append(NavLink("my-courses", _("My courses"), reverse("lms_dashboard")))
    links.append(NavLink("due", _("What's due"), reverse("notifications:due")))
    grades = first_url(MY_GRADES_URL_NAMES)
    if grades and "student" in profile["roles"]:
        links.append(NavLink("my-grades", _("My grades"), grades))
    if profile["grading"]:
        queue = first_url(GRADING_URL_NAMES)
        if queue:
            links.append(NavLink("grading", _("Grading"), queue, grading_count(user)))
        gradebook = first_url(("exambank:gradebook",))
        if gradebook:
            links.append(NavLink("gradebook", _("Class gradebook"), gradebook))
    if profile["reports"]:
        links.append(NavLink("reports", _("Reports"), reverse("reports_dashboard")))
    from supervision.navigation import shows_link

    if shows_link(user):
        label = pgettext_lazy("site menu", "Supervision")
        links.append(NavLink("supervision", label, reverse("supervision:home")))
    links.append(
        NavLink(
            "notifications",
            _("Notifications"),
            reverse("notifications:list"),
            unread_count(user.pk),
        )
    )
    return links


def context(request) -> dict:
    """Context processor: NAV is built only when a template draws the header."""
    if not hasattr(request, "user"):
        return {}
    return {"NAV": SimpleLazyObject(lambda: menu(request))}

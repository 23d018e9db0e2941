"""Build course trees for tests (and nothing else)."""

from __future__ import annotations

from core.models import HomePage, SectionPage


def courses_index():
    from wagtail.models import Page, Site

    from lms.models import CourseIndexPage

    root = Page.get_first_root_node()
    home = HomePage.objects.first() or root.add_child(
        instance=HomePage(title="หน้าแรก", slug="home-test")
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "t"},
    )
    section = SectionPage.objects.filter(section="courses").first() or home.add_child(
        instance=SectionPage(title="บทเรียน", slug="courses", section="courses")
    )
    return CourseIndexPage.objects.child_of(section).first() or section.add_child(
        instance=CourseIndexPage(title="หลักสูตร", slug="all")
    )


def build_course(index, *, units, kind="elearning", title="คณิตศาสตร์ ป.5", slug=None, **fields):
    """``units``: [(unlock rule, [(lesson title, completion rule, extra fields), ...]), ...]."""
    from lms.models import CoursePage, LessonPage, UnitPage

    course = index.add_child(
        instance=CoursePage(
            title=title, slug=slug or f"c-{CoursePage.objects.count() + 1}", kind=kind, **fields
        )
    )
    for u, (unlock, lessons) in enumerate(units, start=1):
        unit = course.add_child(
            instance=UnitPage(title=f"หน่วยที่ {u}", slug=f"u{u}", unlock_rule=unlock)
        )
        for n, (title_, rule, extra) in enumerate(lessons, start=1):
            extra = dict(extra)
            body = extra.pop("body", [{"type": "text", "value": f"<p>{title_}</p>"}])
            unit.add_child(
                instance=LessonPage(
                    title=title_, slug=f"l{n}", completion_rule=rule, body=body, **extra
                )
            )
    return course


def lessons_of(course):
    from lms.models import LessonPage

    return list(LessonPage.objects.filter(course=course).order_by("path"))


def make_media(title="คลิป", duration=10.0, media_type="video"):
    """A wagtailmedia item with a tiny placeholder file (no playback needed)."""
    from django.core.files.base import ContentFile
    from wagtailmedia import get_media_model

    ensure_collection_root()
    media = get_media_model()(title=title, type=media_type, duration=duration)
    media.file.save("clip.mp4", ContentFile(b"\x00" * 16), save=False)
    media.save()
    return media


def video_body(media, text="<p>ดูคลิปนี้</p>"):
    return [
        {"type": "text", "value": text},
        {"type": "video", "value": {"media": media.pk, "caption": ""}},
    ]


def ensure_collection_root():
    """Wagtail's root collection, which a transactional test's flush removes."""
    from wagtail.models import Collection

    if not Collection.objects.exists():
        Collection.add_root(name="Root")

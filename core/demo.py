"""Demo content for `make run`: an area, schools, one user per role, the page tree.

Loaded once (a marker file in var/ remembers); running it again only prints the
logins. Passwords are for a local demo and are printed on purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import transaction
from wagtail.models import Page, Site

from . import roles
from .importers import import_indicators, import_schools
from .models import AreaOffice, GradeLevel, HomePage, School, SectionPage, User

FIXTURES = Path(__file__).parent / "fixtures"
DEMO_PASSWORD = "khlang-demo"

# (username, first name, last name, role, school code or None, grade code or None)
DEMO_USERS = [
    ("admin", "ผู้ดูแล", "เขตพื้นที่", roles.AREA_ADMIN, None, None),
    ("supervisor", "ศึกษานิเทศก์", "ตัวอย่าง", roles.SUPERVISOR, None, None),
    ("schooladmin", "ผู้ดูแล", "โรงเรียนดอยงาม", roles.SCHOOL_ADMIN, "1058100001", None),
    ("teacher", "สมศรี", "ใจดี", roles.TEACHER, "1058100001", None),
    ("student", "เด็กชายสมชาย", "รักเรียน", roles.STUDENT, "1058100001", "ป.5"),
]

SECTIONS = [
    (
        "ศูนย์รวมสื่อการเรียนรู้",
        "media",
        SectionPage.Section.MEDIA,
        "วิดีโอ เสียง เอกสาร และหนังสืออิเล็กทรอนิกส์ ตามกลุ่มสาระและระดับชั้น",
    ),
    (
        "บทเรียนและหลักสูตร",
        "courses",
        SectionPage.Section.COURSES,
        "บทเรียน e-Learning ติวออนไลน์ (Tutor Online) และการอบรมครู (Training Online)",
    ),
    ("คลังข้อสอบ", "exams", SectionPage.Section.EXAMS, "แบบทดสอบและข้อสอบตามตัวชี้วัด"),
]


def marker_path() -> Path:
    return settings.VAR_DIR / "demo-loaded"


def build_page_tree() -> HomePage:
    site = Site.objects.filter(is_default_site=True).first()
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(
                title="คลังสื่อการเรียนรู้ สพท.",
                slug="home-th",
                intro="<p>เรียนได้ทุกที่ แม้อินเทอร์เน็ตช้าหรือไม่มี: สื่อการเรียนรู้ บทเรียน และแบบทดสอบ "
                "สำหรับนักเรียนและครูในเขตพื้นที่</p>",
            )
        )
    if site is None:
        site = Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=settings.WAGTAIL_SITE_NAME,
        )
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = settings.WAGTAIL_SITE_NAME
        site.save()
        # Wagtail's placeholder "Welcome" page, if nothing else was built under it.
        if old_root.depth == 2 and not old_root.get_children().exists() and old_root.pk != home.pk:
            old_root.delete()
    for title, slug, section, description in SECTIONS:
        if not SectionPage.objects.filter(section=section).exists():
            home.add_child(
                instance=SectionPage(
                    title=title,
                    slug=slug,
                    section=section,
                    intro=f"<p>{description}</p>",
                    search_description=description,
                )
            )
    return home


@transaction.atomic
def load_demo() -> bool:
    """Load the demo once; returns True when it loaded now."""
    if marker_path().exists() and HomePage.objects.exists():
        return False
    roles.ensure_roles()
    area, _ = AreaOffice.objects.get_or_create(
        code="DEMO1",
        defaults={
            "name": "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาตัวอย่าง เขต 1",
            "name_en": "Demo Primary Educational Service Area Office 1",
        },
    )
    import_schools(FIXTURES / "demo_schools.csv", area)
    import_indicators(FIXTURES / "demo_indicators.csv")
    for username, first, last, role, school_code, grade_code in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "school": School.objects.filter(code=school_code).first() if school_code else None,
                "grade_level": GradeLevel.objects.filter(code=grade_code).first()
                if grade_code
                else None,
                "classroom": "1" if grade_code else "",
                "is_staff": role == roles.AREA_ADMIN,
                "is_superuser": role == roles.AREA_ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        roles.assign_role(user, role)
    build_page_tree()
    for load_app_demo in app_demo_loaders():
        load_app_demo()
    transaction.on_commit(lambda: marker_path().write_text("ok\n"))
    return True


def app_demo_loaders() -> list[Callable[[], object]]:
    """Each installed app's ``demo.load_demo_content``, in ``DEMO_ORDER``.

    Found like ``wagtail_hooks``: core names no domain app, so an app brings its
    demo content by having a demo module, and leaving the project takes it away.
    """
    found = []
    for config in apps.get_app_configs():
        if config.name == __package__:
            continue
        name = f"{config.name}.demo"
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        loader = getattr(module, "load_demo_content", None)
        if loader is not None:
            found.append((getattr(module, "DEMO_ORDER", 100), config.name, loader))
    return [loader for _order, _name, loader in sorted(found, key=lambda f: f[:2])]


def demo_logins_text() -> str:
    lines = ["บัญชีทดลอง (demo logins), รหัสผ่าน/password: " + DEMO_PASSWORD]
    for username, _first, _last, role, *_ in DEMO_USERS:
        lines.append(f"  {username:<12} {roles.ROLE_GROUP_NAMES[role]} ({role})")
    return "\n".join(lines)

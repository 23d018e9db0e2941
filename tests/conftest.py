"""Shared fixtures. The test environment itself is set by khlang.testing."""

import pytest


def ensure_base_data() -> None:
    """Put back what migrations create, after a transactional test's flush.

    Django restores it through serialized rollback, but that copy hangs off the
    thread's connection object, which the live server and Playwright's event loop
    replace; so transactional tests restore it here, idempotently.
    """
    from django.conf import settings
    from wagtail.models import Collection, Locale, Page

    from core.curriculum import seed_curriculum
    from core.models import GradeLevel, SubjectGroup
    from core.roles import ensure_roles

    seed_curriculum(SubjectGroup, GradeLevel)
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", content_type=None, live=True))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    ensure_roles()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_blocker):
    """The test database starts as a copy of a migrated template (core.dbtemplates),
    shared with the mirror sites and kept between runs of the same code."""
    from django.db import connection

    from core.dbtemplates import start_test_database_from_template

    with django_db_blocker.unblock():
        start_test_database_from_template(connection)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached menus, counts and profiles belong to the test that made them: a
    later test's rows reuse the same ids (rollback, flush) with other content."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _forget_exam_snapshots():
    """The exam bank caches question versions by id; a rolled-back test's ids come back."""
    from exambank import snapshot

    snapshot.forget_local()
    yield
    snapshot.forget_local()


@pytest.fixture
def area(db):
    from core.models import AreaOffice

    ensure_base_data()
    return AreaOffice.objects.create(code="T1", name="สพป.ทดสอบ เขต 1")


@pytest.fixture
def school(area):
    from core.models import School, SchoolNetwork

    network = SchoolNetwork.objects.create(area=area, name="ศูนย์เครือข่ายทดสอบ")
    return School.objects.create(
        code="1000000001",
        name="โรงเรียนบ้านทดสอบ",
        network=network,
        district="เมือง",
        size_class="small",
        link_type="satellite",
        bandwidth_kbps=256,
    )


@pytest.fixture
def make_user(db):
    from core import roles
    from core.models import User

    def make(username: str, role: str | None = None, password: str = "pass-1234", **fields):
        user = User.objects.create_user(username=username, password=password, **fields)
        if role:
            roles.ensure_roles()
            roles.assign_role(user, role)
        return user

    return make


@pytest.fixture
def demo_site(db, settings, tmp_path, django_capture_on_commit_callbacks):
    """The demo content as `make run` loads it."""
    from core.demo import load_demo

    settings.VAR_DIR = tmp_path
    ensure_base_data()
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    from core.models import HomePage

    return HomePage.objects.get()

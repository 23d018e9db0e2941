"""Shared fixtures. The test environment itself is set by khlang.testing."""

from __future__ import annotations

import shutil

import pytest

from tests.shared_data import before_test, module_shared


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


def create_user(username: str, role: str | None = None, password: str = "pass-1234", **fields):
    from core import roles
    from core.models import User

    user = User.objects.create_user(username=username, password=password, **fields)
    if role:
        roles.ensure_roles()
        roles.assign_role(user, role)
    return user


@pytest.fixture
def make_user(db):
    return create_user


def load_demo_as_make_run_does() -> None:
    """The demo, its on-commit work queued as `make run` leaves it for the worker:
    never run in the test's process, even where a module made tasks eager."""
    from django.test import TestCase

    from core.demo import load_demo
    from khlang.celery import app

    ensure_base_data()
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            load_demo()
    finally:
        app.conf.task_always_eager = eager


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    before_test(item)


_shared_demo_site = module_shared("demo_site", load_demo_as_make_run_does, var_dir=True)


@pytest.fixture
def demo_site(_shared_demo_site, db, settings, tmp_path):
    """The demo content as `make run` loads it: loaded once for a module's tests
    that roll back their own transaction (tests/shared_data.py), by each other one."""
    from core.models import HomePage

    settings.VAR_DIR = tmp_path
    if _shared_demo_site.is_open:
        shutil.copytree(_shared_demo_site.folder, tmp_path, dirs_exist_ok=True)  # its marker
    else:
        load_demo_as_make_run_does()
    return HomePage.objects.get()

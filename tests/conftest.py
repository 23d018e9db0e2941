"""Shared fixtures. The test environment itself is set by khlang.testing."""

from __future__ import annotations

import shutil

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


def shares_the_demo(item) -> bool:
    """A test that asks for the demo and rolls back its own transaction (it runs
    inside pytest-django's TestCase atomic block, on the default database)."""
    names = set(getattr(item, "fixturenames", ()))
    own_transaction = {
        "transactional_db", "live_server", "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }  # fmt: skip
    if "demo_site" not in names or names & own_transaction:
        return False
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return True
    options = {
        **dict(zip(("transaction", "reset_sequences", "databases"), marker.args, strict=False)),
        **marker.kwargs,
    }
    own = ("transaction", "reset_sequences", "databases", "serialized_rollback", "available_apps")
    return not any(options.get(name) for name in own)


class SharedDemo:
    """The demo loaded once for the tests of one module that share it (see
    ``shares_the_demo``), in an atomic block each test nests its own in: every
    test starts from the same fresh demo, and the block is rolled back after the
    last of them, or before any other test runs."""

    current: SharedDemo | None = None  # the module's, while its tests run

    def __init__(self, module, folder, blocker):
        self.module, self.folder, self.blocker = module, folder, blocker
        self.atomic = self.settings = None

    @property
    def is_open(self) -> bool:
        return self.atomic is not None

    def open(self) -> None:
        from django.db import transaction
        from django.test import override_settings

        if self.is_open:
            return
        shutil.rmtree(self.folder, ignore_errors=True)  # a fresh VAR_DIR for each load
        self.folder.mkdir()
        with self.blocker.unblock():
            self.settings = override_settings(VAR_DIR=self.folder)
            self.settings.enable()
            self.atomic = transaction.atomic()
            self.atomic._from_testcase = True  # as Django's TestCase marks its own
            self.atomic.__enter__()
            try:
                load_demo_as_make_run_does()
            except BaseException:
                self.close()
                raise

    def close(self) -> None:
        from django.db import transaction

        if not self.is_open:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.settings.disable()
        self.atomic = self.settings = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before a test's fixtures: open its module's shared demo if it shares it
    (again, after a test that did not), or roll it back if it does not."""
    shared = SharedDemo.current
    if shared is not None:
        if shared.module is item.module and shares_the_demo(item):
            shared.open()
        else:
            shared.close()
    _setting_up["item"] = item


_setting_up: dict = {}


@pytest.fixture(scope="module")
def _module_demo(request, django_db_setup, django_db_blocker, tmp_path_factory):
    shared = SharedDemo(request.module, tmp_path_factory.mktemp("demo-var"), django_db_blocker)
    SharedDemo.current = shared
    if shares_the_demo(_setting_up.get("item")):
        shared.open()
    yield shared
    shared.close()
    SharedDemo.current = None


@pytest.fixture
def demo_site(_module_demo, db, settings, tmp_path):
    """The demo content as `make run` loads it: shared by a module's tests that
    roll back their own transaction, loaded by each test that does not."""
    from core.models import HomePage

    settings.VAR_DIR = tmp_path
    if _module_demo.is_open:
        shutil.copytree(_module_demo.folder, tmp_path, dirs_exist_ok=True)  # its marker file
    else:
        load_demo_as_make_run_does()
    return HomePage.objects.get()

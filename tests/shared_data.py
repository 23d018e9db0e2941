"""Data built once for the tests of a module that each roll back their own
transaction (pytest-django's TestCase atomic block, on the default database).

Loading the demo takes seconds, and every test of a module that asked for it
loaded it again. Instead the data is built in an outer atomic block that each
such test nests its own in: every one starts from the data as built, and the
block is rolled back after the module's last such test, or before any other
test runs (a test that did not ask for it never sees it; the next one that asks
gets it built again). Transactional tests build their own, as before.

In a test module::

    _shared_world = module_shared("world", build_world)

    @pytest.fixture
    def world(_shared_world, db):
        return _shared_world.value if _shared_world.is_open else build_world()
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pytest

OWN_TRANSACTION_FIXTURES = {
    "transactional_db", "live_server", "django_db_reset_sequences",
    "django_db_serialized_rollback",
}  # fmt: skip
OWN_TRANSACTION_OPTIONS = (
    "transaction", "reset_sequences", "databases", "serialized_rollback", "available_apps",
)  # fmt: skip


def in_test_transaction(item) -> bool:
    """The test runs inside pytest-django's TestCase atomic block, on the default
    database only (the order pytest-django sorts tests by: these come first)."""
    names = set(getattr(item, "fixturenames", ()))
    if names & OWN_TRANSACTION_FIXTURES:
        return False
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return "db" in names
    positional = ("transaction", "reset_sequences", "databases")
    options = {**dict(zip(positional, marker.args, strict=False)), **marker.kwargs}
    return not any(options.get(name) for name in OWN_TRANSACTION_OPTIONS)


class SharedData:
    active: SharedData | None = None  # the current module's, while its tests run
    setting_up = None  # the test whose fixtures are being set up

    def __init__(self, module, fixture: str, build: Callable, blocker, folder=None):
        self.module, self.fixture, self.build, self.blocker = module, fixture, build, blocker
        self.folder = folder  # VAR_DIR while it is built and used, when given
        self.value = self.atomic = self.settings = None

    @property
    def is_open(self) -> bool:
        return self.atomic is not None

    def shares(self, item) -> bool:
        return self.fixture in getattr(item, "fixturenames", ()) and in_test_transaction(item)

    def open(self) -> None:
        from django.db import transaction
        from django.test import override_settings

        if self.is_open:
            return
        with self.blocker.unblock():
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)  # fresh for each build
                self.folder.mkdir()
                self.settings = override_settings(VAR_DIR=self.folder)
                self.settings.enable()
            self.atomic = transaction.atomic()
            self.atomic._from_testcase = True  # as Django's TestCase marks its own
            self.atomic.__enter__()
            try:
                self.value = self.build()
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
        if self.settings is not None:
            self.settings.disable()
        self.value = self.atomic = self.settings = None


def before_test(item) -> None:
    """Before a test's fixtures: build its module's shared data if it asks for it
    (again, after a test that did not), or roll it back if it does not."""
    shared = SharedData.active
    if shared is not None:
        if shared.module is item.module and shared.shares(item):
            shared.open()
        else:
            shared.close()
    SharedData.setting_up = item


def module_shared(fixture: str, build: Callable, *, var_dir: bool = False):
    """A module-scoped fixture, ``_shared_<fixture>``, holding what ``build()``
    returned while the tests that ask for ``fixture`` share it (see above)."""

    @pytest.fixture(scope="module", name=f"_shared_{fixture}")
    def shared(request, django_db_setup, django_db_blocker, tmp_path_factory):
        if SharedData.active is not None:
            raise RuntimeError(f"{request.module.__name__}: one shared data set per module")
        folder = tmp_path_factory.mktemp(f"shared-{fixture}") if var_dir else None
        data = SharedData(request.module, fixture, build, django_db_blocker, folder)
        SharedData.active = data
        try:
            if data.shares(SharedData.setting_up):
                data.open()
            yield data
        finally:
            data.close()
            SharedData.active = None

    return shared

"""Tests that share one demo load (tests/conftest.py) each start from it as loaded.

These run in the order written: a change, the next test, a test without the
demo, and the demo again.
"""

import pytest

from core.demo import marker_path
from core.models import HomePage

pytestmark = pytest.mark.django_db
TITLE = "คลังสื่อการเรียนรู้ สพท."


def test_a_test_changes_the_demo(demo_site):
    demo_site.title = "เปลี่ยนแล้ว"
    demo_site.save()
    assert HomePage.objects.get().title == "เปลี่ยนแล้ว"
    marker_path().unlink()


def test_the_next_test_finds_it_as_loaded(demo_site):
    assert HomePage.objects.get().title == TITLE
    assert marker_path().exists()  # in this test's own VAR_DIR


def test_a_test_without_the_demo_does_not_see_it():
    assert not HomePage.objects.exists()


def test_the_demo_is_back_for_the_next_test_that_asks(demo_site):
    assert HomePage.objects.get().title == TITLE

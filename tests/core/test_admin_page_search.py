"""The admin's page search, as a teacher uses it to find a lesson by its Thai name."""

import re

import pytest

from core import roles

pytestmark = pytest.mark.django_db


def visible_text(html: str) -> str:
    main = html[html.find("<main") :]
    main = re.sub(r"<(svg|script|template)\b.*?</\1>", " ", main, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_page_search_counts_pages_in_thai(client, school, make_user):
    from lms.moderation import ensure_moderation
    from tests.conftest import ensure_base_data
    from tests.lms.builders import build_course, courses_index

    ensure_base_data()
    index = courses_index()
    build_course(index, units=[("always", [("เศษส่วนเบื้องต้น", "viewed", {})])], owner_school=school)
    ensure_moderation()
    make_user("kru", roles.TEACHER, school=school)
    client.login(username="kru", password="pass-1234")

    response = client.get("/admin/pages/search/", {"q": "เศษส่วน"})
    text = visible_text(response.content.decode())
    assert response.status_code == 200
    assert "เศษส่วนเบื้องต้น" in text
    # The results' header names what it counts (Wagtail left it "None").
    assert "1-1 จาก 1 หน้า" in text
    assert "None" not in text
    assert "คอลเลกชันแม่" not in text  # a page's parent is not a collection

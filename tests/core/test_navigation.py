"""One header on every page, links that lead somewhere, Thai error pages, start pages."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse

from core import roles

pytestmark = pytest.mark.django_db


def links(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]+)"', html)


def test_no_link_on_the_home_page_leads_to_the_media_files_prefix(client, demo_site):
    html = client.get("/").content.decode()
    hrefs = links(html)
    assert "/media/" not in hrefs
    assert reverse("media_center:browse") in hrefs
    assert reverse("exambank:quizzes") in hrefs


def test_every_header_and_card_link_on_the_home_page_answers(client, demo_site, make_user):
    client.force_login(make_user("nav-student", roles.STUDENT))
    html = client.get("/").content.decode()
    for href in {h for h in links(html) if h.startswith("/") and "logout" not in h}:
        response = client.get(href.replace("&amp;", "&"), follow=True)
        assert response.status_code == 200, href


def test_subject_and_grade_chips_filter_the_library(client, demo_site):
    html = client.get("/").content.decode()
    assert "/media-center/?subject=" in html
    assert "/media-center/?grade=" in html


def test_the_menu_follows_the_role(client, demo_site, make_user):
    client.force_login(make_user("nav-s", roles.STUDENT))
    student_page = client.get("/").content.decode()
    assert reverse("lms_dashboard") in student_page
    assert reverse("notifications:due") in student_page
    assert reverse("exambank:grading") not in student_page

    client.force_login(make_user("nav-t", roles.TEACHER))
    assert reverse("exambank:grading") in client.get("/").content.decode()


def test_login_lands_on_the_users_own_start_page(client, demo_site, make_user):
    make_user("start-s", roles.STUDENT)
    make_user("start-t", roles.TEACHER)
    response = client.post(reverse("login"), {"username": "start-s", "password": "pass-1234"})
    assert client.get(response["Location"])["Location"] == reverse("lms_dashboard")
    client.logout()
    response = client.post(reverse("login"), {"username": "start-t", "password": "pass-1234"})
    assert client.get(response["Location"])["Location"] == reverse("wagtailadmin_home")


def test_404_is_thai_with_the_site_layout(client, demo_site, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in html
    assert 'class="site-header"' in html and "กลับไปหน้าแรก" in html


def forbidden(request):
    raise PermissionDenied


def boom(request):
    raise RuntimeError("kaput")


def _site_patterns():
    from khlang.urls import urlpatterns as site_patterns

    return site_patterns


urlpatterns = [path("forbidden/", forbidden), path("boom/", boom), *_site_patterns()]
handler500 = "khlang.views.server_error"


def test_403_and_500_are_thai_with_a_way_back(client, demo_site, settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "ท่านไม่มีสิทธิ์เปิดหน้านี้" in response.content.decode()
    assert "403 Forbidden" not in response.content.decode()
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "ขออภัย ระบบขัดข้องชั่วคราว" in html and "กลับไปหน้าแรก" in html
    assert "kaput" not in html


def test_favicon_answers(client, demo_site):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")

"""A newcomer's first clicks from the home page reach every section, never a dead end."""

import pytest

from core.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_a_site_page(page, response):
    assert response is None or response.status < 400, page.url
    assert page.locator("header.site-header nav.menu a").count() >= 4, page.url
    assert page.locator("h1").first.is_visible(), page.url


def test_every_menu_and_card_link_from_home_leads_to_a_page(page, live_server, demo_site):
    base = live_server.url
    page.goto(base + "/")
    targets = page.eval_on_selector_all(
        "nav.menu a, .cards a, .chips a", "els => els.map(e => e.getAttribute('href'))"
    )
    assert "/media/" not in targets
    for href in dict.fromkeys(targets):
        response = page.goto(base + href)
        assert_a_site_page(page, response)


def test_first_clicks_as_a_student(page, live_server, demo_site):
    base = live_server.url
    page.goto(base + "/")
    page.get_by_role("link", name="ศูนย์รวมสื่อการเรียนรู้").first.click()
    page.wait_for_url("**/media-center/")
    assert page.locator("h1").inner_text() == "คลังสื่อการเรียนรู้"
    page.locator("nav.menu a[data-nav=home]").click()
    page.locator(".chips a", has_text="คณิตศาสตร์").first.click()
    page.wait_for_url("**/media-center/?subject=*")
    page.fill("#site-q", "เศษส่วน")
    page.press("#site-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    page.get_by_role("link", name="เข้าสู่ระบบ").click()
    page.fill("input[name=username]", "student")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    for key in ("my-courses", "due", "notifications", "exams", "courses"):
        page.locator(f"nav.menu a[data-nav='{key}']").click()
        page.wait_for_load_state()
        assert_a_site_page(page, None)
        assert page.locator(f"nav.menu a[data-nav='{key}']").is_visible()
    response = page.goto(base + "/no-such-page/")
    assert response.status == 404
    assert page.get_by_text("ไม่พบหน้าที่ต้องการ").is_visible()
    page.get_by_role("link", name="กลับไปหน้าแรก").click()
    page.wait_for_url(base + "/")

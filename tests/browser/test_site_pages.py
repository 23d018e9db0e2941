import pytest

from core.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_home_page_renders_in_thai(page, live_server, demo_site, screenshot_dir):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "th"
    assert page.locator("h1").inner_text() == demo_site.title
    assert page.get_by_role("link", name="ศูนย์รวมสื่อการเรียนรู้").first.is_visible()
    assert page.get_by_text("กลุ่มสาระการเรียนรู้").is_visible()
    assert page.get_by_text("คณิตศาสตร์").is_visible()
    page.screenshot(path=str(screenshot_dir / "home.png"), full_page=True)


def test_home_page_fits_a_phone(page, live_server, demo_site):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a phone screen"


def test_teacher_logs_in_and_reaches_the_thai_admin(page, live_server, demo_site):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="เข้าสู่ระบบ").click()
    page.fill("input[name=username]", "teacher")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/")
    page.goto(live_server.url + "/admin/")
    assert page.locator("html").get_attribute("lang") == "th"
    assert page.get_by_text("แดชบอร์ด").first.is_visible() or "แดชบอร์ด" in page.title()
    assert "/admin/login" not in page.url


def test_switching_to_english(page, live_server, demo_site):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_text("Mathematics").is_visible()

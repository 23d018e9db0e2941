import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_suggests_titles_filters_by_facet_and_fits_a_phone(page, live_server, demo_site):
    from search import relevance

    relevance.load_into_catalog()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/search/")
    box = page.locator("#search-q")
    box.fill("ระบบย่อ")
    page.wait_for_function(
        "() => document.querySelectorAll('#search-suggestions option').length > 0", timeout=10_000
    )
    assert page.locator("#search-suggestions option").first.get_attribute("value") == (
        "ระบบย่อยอาหารของมนุษย์"
    )
    box.fill("เศษส่วน")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.locator(".hit").count() >= 2
    assert page.locator(".hit-title mark").first.inner_text() == "เศษส่วน"
    page.get_by_role("link", name="ป.5", exact=True).click()
    page.wait_for_url("**grade=*")
    titles = page.locator(".hit-title").all_inner_texts()
    assert "การบวกลบเศษส่วน" in titles  # the demo course on fractions may rank first
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a phone screen"

"""The search page and the JSON API."""

import pytest

from search.documents import CatalogDocument, Visibility
from search.indexing import save_documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(db):
    save_documents(
        [
            ("t", "1", CatalogDocument(title="การสังเคราะห์ด้วยแสง", url="/a/", doc_type="video",
                                       description="พืชสร้างอาหารจากแสง", subject_codes=["ว"],
                                       grade_codes=["ป.5"])),
            ("t", "2", CatalogDocument(title="แสงและการมองเห็น", url="/b/", doc_type="lesson",
                                       subject_codes=["ว"], grade_codes=["ม.1"])),
            ("t", "3", CatalogDocument(title="แสงในงานศิลปะ", url="/c/", doc_type="video",
                                       subject_codes=["ศ"], visibility=Visibility.SCHOOL,
                                       school_id=999)),
        ]
    )  # fmt: skip


def test_api_returns_results_facets_and_highlights(client, catalog):
    data = client.get("/api/search/", {"q": "แสง"}).json()
    assert data["total"] == 2  # the school-only item is hidden from a visitor
    assert {r["url"] for r in data["results"]} == {"/a/", "/b/"}
    first = next(r for r in data["results"] if r["url"] == "/a/")
    assert "<mark>แสง</mark>" in first["title_html"]
    assert first["subjects"] == ["ว"] and first["grades"] == ["ป.5"]
    subjects = {f["value"]: f for f in data["facets"]["subject"]}
    assert subjects["ว"]["count"] == 2 and subjects["ว"]["label"] == "วิทยาศาสตร์และเทคโนโลยี"
    grade = client.get("/api/search/", {"q": "แสง", "grade": "ม.1"}).json()
    assert [r["url"] for r in grade["results"]] == ["/b/"]


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"q": "แสง", "page": "zero"}, "page", "หน้าต้องเป็นเลขจำนวนเต็ม 1–1000 / Page must be"),
        (
            {"q": "แสง", "sort": "random"},
            "sort",
            "การเรียงลำดับต้องเป็นหนึ่งใน: relevance, date, popularity / Sort",
        ),
        ({"q": "ก" * 201}, "q", "คำค้นยาวเกิน 200 ตัวอักษร / The search words"),
    ],
)
def test_api_names_a_bad_parameter(client, catalog, params, field, message):
    response = client.get("/api/search/", params)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["error"].startswith(message)


def test_autocomplete_api(client, catalog):
    data = client.get("/api/search/autocomplete/", {"q": "การสังเค"}).json()
    assert data["results"] == [{"title": "การสังเคราะห์ด้วยแสง", "url": "/a/", "type": "video"}]
    assert client.get("/api/search/autocomplete/", {"q": ""}).json()["results"] == []


def test_search_page_is_thai_first_with_facets_and_paging(client, catalog):
    response = client.get("/search/", {"q": "แสง"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="th">' in html
    assert "ค้นหาบทเรียนและสื่อ" in html
    assert "<mark>แสง</mark>" in html and "กลุ่มสาระการเรียนรู้" in html
    assert "?q=%E0%B9%81%E0%B8%AA%E0%B8%87&amp;subject=%E0%B8%A7" in html  # a facet link
    assert "แสงในงานศิลปะ" not in html
    assert "หน้า 1 จาก 1" in html


def test_search_page_reports_bad_input(client, catalog):
    response = client.get("/search/", {"q": "แสง", "page": "-1"})
    assert response.status_code == 400
    assert "หน้าต้องเป็นเลขจำนวนเต็ม 1–1000" in response.content.decode()


def test_search_page_in_english(client, catalog):
    client.cookies["django_language"] = "en"
    html = client.get("/search/", {"q": "แสง", "sort": "date"}).content.decode()
    assert "Search lessons and media" in html and "Subject group" in html

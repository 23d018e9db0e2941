"""Searching: filters, facets, sorting, paging, snippets, autocomplete, visibility,
fallbacks for a query that finds nothing."""

import datetime

import pytest
from django.utils import timezone

from search.documents import CatalogDocument, Visibility
from search.indexing import save_documents
from search.query import Audience
from search.service import audience_for, autocomplete, build_query, search

pytestmark = pytest.mark.django_db

EVERYONE = Audience(sees_all=True)


def doc(title, **fields):
    fields.setdefault("url", "/x/")
    fields.setdefault("doc_type", "video")
    return CatalogDocument(title=title, **fields)


def put(*items):
    return save_documents([("test", str(i), d) for i, d in enumerate(items)])


def titles(results):
    return [h.entry.title for h in results.hits]


def test_facet_counts_and_filters():
    put(
        doc("เศษส่วน ป.4", subject_codes=["ค"], grade_codes=["ป.4"], school_id=7),
        doc("เศษส่วนกับทศนิยม", subject_codes=["ค"], grade_codes=["ป.5"], doc_type="lesson"),
        doc("เศษส่วนในครัว", subject_codes=["ง", "ค"], grade_codes=["ป.5"]),
        doc("ระบบสุริยะ", subject_codes=["ว"], grade_codes=["ป.4"]),
    )
    results = search(build_query("เศษส่วน", audience=EVERYONE))
    assert results.total == 3
    assert dict(results.facets["subject"]) == {"ค": 3, "ง": 1}
    assert dict(results.facets["grade"]) == {"ป.4": 1, "ป.5": 2}
    assert dict(results.facets["type"]) == {"video": 2, "lesson": 1}
    assert dict(results.facets["school"]) == {"7": 1}

    narrowed = search(build_query("เศษส่วน", audience=EVERYONE, filters={"grade": ["ป.5"]}))
    assert sorted(titles(narrowed)) == ["เศษส่วนกับทศนิยม", "เศษส่วนในครัว"]
    both = search(
        build_query("เศษส่วน", audience=EVERYONE, filters={"grade": ["ป.5"], "type": ["video"]})
    )
    assert titles(both) == ["เศษส่วนในครัว"]
    either = search(build_query("", audience=EVERYONE, filters={"subject": ["ว", "ง"]}))
    assert sorted(titles(either)) == ["ระบบสุริยะ", "เศษส่วนในครัว"]


def test_facts_table_follows_every_catalog_write():
    """Queries read filters and facets from search_catalog_facts, kept by triggers:
    an edit through any path (here a queryset update) and a delete reach it."""
    from search.models import CatalogEntry

    put(
        doc("เศษส่วน_100%", subject_codes=["ค"], grade_codes=["ป.4"]),
        doc("เศษส่วนในครัว", subject_codes=["ง"], grade_codes=["ป.5"]),
    )
    CatalogEntry.objects.filter(object_key="1").update(
        visibility=Visibility.SCHOOL, grade_codes="ป.6"
    )
    anonymous = search(build_query("เศษส่วน"))
    assert titles(anonymous) == ["เศษส่วน_100%"]
    assert dict(search(build_query("เศษส่วน", audience=EVERYONE)).facets["grade"]) == {
        "ป.4": 1,
        "ป.6": 1,
    }
    # LIKE wildcards in a filter value are literal: "ป_4" is not "ป.4".
    assert search(build_query("เศษส่วน", audience=EVERYONE, filters={"grade": ["ป_4"]})).total == 0
    CatalogEntry.objects.filter(object_key="0").delete()
    assert search(build_query("เศษส่วน", audience=EVERYONE)).total == 1


def test_sort_by_relevance_date_and_popularity():
    now = timezone.now()
    put(
        doc("พีชคณิต", description="สมการ สมการ", popularity=1, published_at=now),
        doc("สมการเชิงเส้น", popularity=50, published_at=now - datetime.timedelta(days=9)),
        doc("เลขยกกำลัง", description="มีสมการ", popularity=10,
            published_at=now - datetime.timedelta(days=1)),
    )  # fmt: skip
    relevance = titles(search(build_query("สมการ", audience=EVERYONE)))
    assert relevance[0] == "สมการเชิงเส้น"  # a title match outranks body matches
    by_date = titles(search(build_query("สมการ", audience=EVERYONE, sort="date")))
    assert by_date == ["พีชคณิต", "เลขยกกำลัง", "สมการเชิงเส้น"]
    by_views = titles(search(build_query("สมการ", audience=EVERYONE, sort="popularity")))
    assert by_views == ["สมการเชิงเส้น", "เลขยกกำลัง", "พีชคณิต"]


def test_paging():
    put(*[doc(f"แบบฝึกหัดการหาร ชุดที่ {i}", popularity=i) for i in range(25)])
    first = search(build_query("การหาร", audience=EVERYONE, page_size=10, sort="popularity"))
    third = search(
        build_query("การหาร", audience=EVERYONE, page_size=10, page=3, sort="popularity")
    )
    assert first.total == 25 and first.pages == 3
    assert len(first.hits) == 10 and len(third.hits) == 5
    assert titles(first)[0].endswith("24") and titles(third)[-1].endswith(" 0")


def test_highlighted_snippets_escape_html():
    put(doc("ระบบสุริยะ <b>ของเรา</b>", description="ดาวเคราะห์ทั้งแปดในระบบสุริยะ"))
    hit = search(build_query("ระบบสุริยะ", audience=EVERYONE)).hits[0]
    assert hit.title_html == "<mark>ระบบสุริยะ</mark> &lt;b&gt;ของเรา&lt;/b&gt;"
    assert hit.snippet_html == "ดาวเคราะห์ทั้งแปดใน<mark>ระบบสุริยะ</mark>"


def test_any_word_then_corrected_spelling():
    put(doc("สมการเชิงเส้นตัวแปรเดียว"), doc("ทฤษฎีบทพีทาโกรัส"))
    some = search(build_query("สมการ ไดโนเสาร์", audience=EVERYONE))
    assert some.mode == "any" and titles(some) == ["สมการเชิงเส้นตัวแปรเดียว"]
    typo = search(build_query("พีทาโกรสั", audience=EVERYONE))
    assert typo.mode == "corrected" and typo.corrected_text == "พีทาโกรัส"
    assert titles(typo) == ["ทฤษฎีบทพีทาโกรัส"]
    # A spelling variant is no typo: found as it is, nothing "corrected".
    variant = search(build_query("พีทากอรัส", audience=EVERYONE))
    assert variant.mode == "all" and titles(variant) == ["ทฤษฎีบทพีทาโกรัส"]
    assert search(build_query("zzqqxx", audience=EVERYONE)).total == 0


def test_a_compound_does_not_match_a_lone_part_of_it():
    put(doc("ทรงกระบอกและกรวย"), doc("กระบอกไม้ไผ่"), doc("กระดาษสี"))
    assert titles(search(build_query("ทรงกระบอก", audience=EVERYONE))) == ["ทรงกระบอกและกรวย"]


def test_autocomplete_on_titles():
    put(
        doc("การสังเคราะห์ด้วยแสง", description="สังเคราะห์"),
        doc("สังคมศึกษา ป.4"),
        doc("วงจรไฟฟ้า", description="ไม่ใช่ชื่อเรื่องที่ขึ้นต้นด้วยสัง"),
    )
    found = [item["title"] for item in autocomplete("สัง")]
    assert set(found) == {"การสังเคราะห์ด้วยแสง", "สังคมศึกษา ป.4"}
    assert [i["title"] for i in autocomplete("สังเคราะห์ด้วย")] == ["การสังเคราะห์ด้วยแสง"]
    assert autocomplete("") == []


@pytest.fixture
def visibility_catalog(school, make_user):
    from core.models import School

    other = School.objects.create(
        code="2", name="อื่น", network=school.network, district="x", size_class="small",
        link_type="adsl",
    )  # fmt: skip
    teacher = make_user("teacher1", "teacher", school=school)
    student = make_user("student1", "student", school=school)
    outsider = make_user("student2", "student", school=other)
    put(
        doc("บทเรียนสาธารณะ", visibility=Visibility.PUBLIC),
        doc("บทเรียนสมาชิก", visibility=Visibility.SIGNED_IN),
        doc("บทเรียนโรงเรียน", visibility=Visibility.SCHOOL, school_id=school.pk),
        doc("บทเรียนส่วนตัว", visibility=Visibility.PRIVATE, owner_id=teacher.pk),
        doc("บทเรียนข้อสอบ", visibility=Visibility.TEACHERS, doc_type="question"),
    )
    return {"teacher": teacher, "student": student, "outsider": outsider}


def visible(user):
    from django.contrib.auth.models import AnonymousUser

    results = search(build_query("บทเรียน", audience=audience_for(user or AnonymousUser())))
    return {t.removeprefix("บทเรียน") for t in titles(results)}


def test_visibility_by_audience(visibility_catalog, make_user):
    assert visible(None) == {"สาธารณะ"}
    assert visible(visibility_catalog["student"]) == {"สาธารณะ", "สมาชิก", "โรงเรียน"}
    assert visible(visibility_catalog["outsider"]) == {"สาธารณะ", "สมาชิก"}
    assert visible(visibility_catalog["teacher"]) == {
        "สาธารณะ", "สมาชิก", "โรงเรียน", "ส่วนตัว", "ข้อสอบ"
    }  # fmt: skip
    assert visible(make_user("sup", "supervisor")) == {"สาธารณะ", "สมาชิก", "โรงเรียน", "ข้อสอบ"}
    assert len(visible(make_user("boss", "area_admin"))) == 5


def test_students_never_see_exam_questions_even_when_asking(visibility_catalog):
    student = visibility_catalog["student"]
    query = build_query("ข้อสอบ", audience=audience_for(student), filters={"type": ["question"]})
    assert search(query).total == 0
    assert autocomplete("บทเรียนข้อ", audience_for(student)) == []


def test_a_mirror_searches_only_what_it_holds(settings):
    from django.contrib.auth.models import AnonymousUser

    put(doc("วิดีโอที่มีในโรงเรียน"), doc("วิดีโอที่อยู่ส่วนกลาง", held=False))
    assert search(build_query("วิดีโอ", audience=audience_for(AnonymousUser()))).total == 2
    settings.KHLANG_ROLE = "mirror"
    mirror = audience_for(AnonymousUser())
    assert titles(search(build_query("วิดีโอ", audience=mirror))) == ["วิดีโอที่มีในโรงเรียน"]
    assert [i["title"] for i in autocomplete("วิดีโอ", mirror)] == ["วิดีโอที่มีในโรงเรียน"]

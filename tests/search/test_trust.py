"""What makes search trustworthy for a Thai teacher: no word dropped, the phrase
as typed first, one ranking, variants joined, careful correction, the stored
text highlighted, facets that keep their counts."""

import pytest

from search.documents import CatalogDocument
from search.highlight import highlight
from search.indexing import save_documents
from search.query import Audience
from search.service import build_query, search
from search.thai import query_tokens

pytestmark = pytest.mark.django_db

EVERYONE = Audience(sees_all=True)


def put(*items):
    docs = []
    for i, (title, description, *codes) in enumerate(items):
        extra = {"subject_codes": codes[0]} if codes else {}
        docs.append(
            ("t", str(i), CatalogDocument(title=title, description=description, url=f"/{i}/",
                                          doc_type="video", **extra))
        )  # fmt: skip
    save_documents(docs)


def titles(text, **kwargs):
    return [h.entry.title for h in search(build_query(text, audience=EVERYONE, **kwargs)).hits]


def test_common_content_words_find_the_items_holding_them():
    put(
        ("ประเพณีวันขึ้นปีใหม่ไทย", "สงกรานต์"),
        ("โรงเรียนขนาดเล็ก", "การเรียนรวมชั้น"),
        ("การเรียนทางไกล", "ผ่านดาวเทียม"),
        ("การจัดการขยะ", "คัดแยกขยะในโรงเรียน"),
    )
    assert titles("ใหม่") == ["ประเพณีวันขึ้นปีใหม่ไทย"]
    assert titles("เล็ก") == ["โรงเรียนขนาดเล็ก"]
    assert titles("ไกล") == ["การเรียนทางไกล"]
    results = search(build_query("การจัดการ", audience=EVERYONE))
    assert results.mode == "all" and [h.entry.title for h in results.hits] == ["การจัดการขยะ"]


def test_the_phrase_as_typed_ranks_above_its_words_apart():
    put(
        ("สื่อพื้นบ้านกับการเรียนรู้ในชุมชน", "สื่อพื้นบ้าน สื่อชุมชน และการเรียนรู้ การเรียนรู้"),
        ("การผลิตสื่อการเรียนรู้", "สำหรับครู"),
    )
    assert titles("สื่อ การเรียนรู้")[0] == "การผลิตสื่อการเรียนรู้"
    assert titles("สื่อการเรียนรู้")[0] == "การผลิตสื่อการเรียนรู้"


def test_spelling_variants_find_the_same_items():
    put(
        ("การใช้อินเทอร์เน็ตอย่างปลอดภัย", ""),
        ("อินเตอร์เน็ตกับการสืบค้น", ""),
        ("ตัดต่อวีดีโอ", ""),
    )
    assert sorted(titles("อินเทอร์เน็ต")) == sorted(titles("อินเตอร์เน็ต"))
    assert len(titles("อินเตอร์เน็ต")) == 2
    assert titles("วิดีโอ") == ["ตัดต่อวีดีโอ"]


def test_correction_only_to_a_catalog_word_when_confident():
    put(("ทฤษฎีบทพีทาโกรัส", ""), ("เด็กปฐมวัย", ""), ("อินทราเน็ตของโรงเรียน", ""))
    # A real word the catalog lacks is not "corrected" into another word.
    assert search(build_query("เล็ก", audience=EVERYONE)).mode != "corrected"
    assert search(build_query("เล็ก", audience=EVERYONE)).total == 0
    typo = search(build_query("พีทาโกรสั", audience=EVERYONE))
    assert typo.mode == "corrected" and typo.corrected_text == "พีทาโกรัส"
    # Asked for exactly what was typed: no correction.
    exact = search(build_query("พีทาโกรสั", audience=EVERYONE, allow_correction=False))
    assert exact.mode != "corrected" and not exact.corrected_text
    # Never a string of pieces in place of an unknown word.
    far = search(build_query("อินทราเขตพื้น", audience=EVERYONE))
    assert " " not in far.corrected_text


def test_highlights_mark_the_stored_text_never_lone_letters():
    html = highlight("Tutor Online และ e-Learning ของเขต", query_tokens("tutor online e-learning"))
    assert html == "<mark>Tutor Online</mark> และ e-<mark>Learning</mark> ของเขต"
    assert highlight("ตัดต่อวีดีโอ", query_tokens("วิดีโอ")) == "ตัดต่อ<mark>วีดีโอ</mark>"
    assert highlight("อาหารหลัก ๕ หมู่", query_tokens("อาหารหลัก 5 หมู่")) == (
        "<mark>อาหารหลัก ๕ หมู่</mark>"
    )
    assert highlight("ระบบ <b>e</b>", ["e"]) == "ระบบ &lt;b&gt;e&lt;/b&gt;"


def test_search_page_shows_correction_with_a_link_back(client):
    put(("ทฤษฎีบทพีทาโกรัส", ""))
    html = client.get("/search/", {"q": "พีทาโกรสั"}).content.decode()
    assert "ค้นหา <strong>พีทาโกรัส</strong> แทน" in html
    assert "exact=1" in html
    back = client.get("/search/", {"q": "พีทาโกรสั", "exact": "1"}).content.decode()
    assert "แทน" not in back.split("<main", 1)[-1] or "พีทาโกรัส</strong>" not in back


def test_facets_keep_other_values_counts_when_one_is_chosen():
    put(("แสงกับพืช", "", ["ว"]), ("แสงในงานศิลปะ", "", ["ศ"]), ("แสงและเงา", "", ["ว"]))
    chosen = search(build_query("แสง", audience=EVERYONE, filters={"subject": ["ศ"]}))
    assert chosen.total == 1
    assert dict(chosen.facets["subject"]) == {"ว": 2, "ศ": 1}
    both = search(build_query("แสง", audience=EVERYONE, filters={"subject": ["ศ", "ว"]}))
    assert both.total == 3


def test_one_ranking_whatever_the_pool_order(settings):
    """The rerank decides the first page: the same candidates in any order give
    the same answer (so backends that pool alike rank alike)."""
    from search.ranking import Candidate, rerank

    pool = [
        Candidate(1, "สื่อ ~", "การเรียนรู้ ห่าง ไกล สื่อ", "ว", 9.0),
        Candidate(2, "การผลิต สื่อการเรียนรู้ ~ สื่อ การเรียนรู้", "", "ง", 0.0),
        Candidate(3, "การเรียนรู้", "สื่อ", "ว", 1.0),
    ]
    args = (["สื่อการเรียนรู้"], "สื่อการเรียนรู้", (), 5.0, 2.0)
    first = [i for i, _ in rerank(pool, *args)]
    assert first[0] == 2
    assert [i for i, _ in rerank(list(reversed(pool)), *args)] == first


def test_proximity_window_is_the_fewest_words_holding_every_query_word():
    """The rerank's window, computed in one pass, against its definition tried
    on every span of many random texts."""
    import random

    from search.ranking import Group, _window

    def fewest(words, wanted):
        sizes = [
            j - i + 1
            for i in range(len(words))
            for j in range(i, len(words))
            if wanted <= set(words[i : j + 1])
        ]
        return min(sizes, default=None)

    rng = random.Random(2567)
    for _ in range(2000):
        words = [rng.choice("กขคงจฉช") for _ in range(rng.randint(0, 25))]
        tokens = rng.sample("กขคซฌ", rng.randint(1, 4))
        groups = [Group(t, ((t,),), False) for t in tokens]
        expected = fewest(words, set(tokens)) if len(tokens) >= 2 else None
        assert _window(words, groups) == expected, (words, tokens)

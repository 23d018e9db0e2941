"""Thai normalisation and segmentation: what every index and query goes through."""

import pytest

from search.thai import (
    compound_parts,
    index_tokens,
    normalize,
    query_alternatives,
    query_tokens,
    words,
)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("\u0e04\u0e4d\u0e32", "คำ"),  # ำ typed as nikhahit + sara aa
        ("\u0e19\u0e49\u0e4d\u0e32", "น้ำ"),  # tone mark, nikhahit, sara aa
        ("\u0e19\u0e4d\u0e49\u0e32", "น้ำ"),  # nikhahit, tone mark, sara aa
        ("เเม่", "แม่"),  # two sara e for sara ae
        ("ก\u0e48\u0e34", "ก\u0e34\u0e48"),  # tone mark typed before the vowel mark
        ("ต้้น", "ต้น"),  # doubled tone mark
        ("กิิน", "กิน"),  # doubled vowel mark
        ("ระ\u200bบบ", "ระบบ"),  # zero-width space inside a word
        ("\ufeffภาษา\u00adไทย", "ภาษาไทย"),  # BOM and soft hyphen
        ("ป.๓ ปี ๒๕๖๗", "ป.3 ปี 2567"),  # Thai digits
        ("  DNA   และ  RNA ", "dna และ rna"),  # spaces collapsed, English folded
        ("e\u0301", "é"),  # Unicode NFC
    ],
)
def test_normalize(typed, expected):
    assert normalize(typed) == expected


def test_normalize_is_idempotent():
    text = "เเบบฝึกหัด \u0e04\u0e4d\u0e32ศัพท์ ๑๒ ต้้น"
    assert normalize(normalize(text)) == normalize(text)


def test_words_cut_thai_and_keep_english_and_numbers():
    assert words("นักเรียนบวกเลขสองหลัก") == ["นักเรียน", "บวก", "เลข", "สอง", "หลัก"]
    assert words("เรียน Python เบื้องต้น") == ["เรียน", "python", "เบื้องต้น"]
    assert words("อาหารหลัก ๕ หมู่") == ["อาหาร", "หลัก", "5", "หมู่"]
    # Punctuation never becomes a word; "ม.3" gives the grade letter and its number.
    assert words("(ม.3) “สมการ”!") == ["ม", "3", "สมการ"]


def test_curriculum_dictionary_keeps_terms_whole():
    assert "ทฤษฎีบทพีทาโกรัส" in words("ทฤษฎีบทพีทาโกรัสเบื้องต้น")
    assert "ห่วงโซ่อาหาร" in words("ห่วงโซ่อาหารในป่า")
    assert "ไมโครบิต" in words("เขียนโปรแกรมไมโครบิต")


def test_compounds_are_indexed_with_their_parts():
    tokens = index_tokens("การสังเคราะห์ด้วยแสงของพืช")
    assert "การสังเคราะห์ด้วยแสง" in tokens
    assert {"สังเคราะห์", "แสง", "พืช"} <= set(tokens)
    assert "ของ" in tokens  # a function word: weighed down in ranking, never dropped
    assert compound_parts("ทฤษฎีบทพีทาโกรัส") == ("ทฤษฎีบท", "พีทาโกรัส")
    assert compound_parts("แสง") == ()
    assert compound_parts("python") == ()


def test_query_word_may_match_through_its_parts():
    assert query_alternatives("สังเคราะห์แสง")[:2] == [("สังเคราะห์แสง",), ("สังเคราะห์", "แสง")]
    assert query_alternatives("แสง") == [("แสง",)]


def test_a_lone_part_is_a_broader_word_not_an_alternative():
    # Neither lone part (กระบอก, or กระ of กระ + บอก) is the cylinder a query for
    # ทรงกระบอก means: an alternative needs every content part.
    alternatives = query_alternatives("ทรงกระบอก")
    assert alternatives[0] == ("ทรงกระบอก",)
    assert all(len(alt) >= 2 for alt in alternatives[1:])
    assert ("การ",) not in query_alternatives("การจัดการ")


def test_no_word_is_ever_dropped():
    """PyThaiNLP's stop list holds content words (จัดการ, ใหม่, เล็ก, ไกล): none
    is left out of a query or an index; function words only weigh less."""
    assert query_tokens("เรื่องเกี่ยวกับระบบสุริยะ") == ["เรื่อง", "เกี่ยวกับ", "ระบบสุริยะ"]
    for word in ("ใหม่", "เล็ก", "ไกล", "กลุ่ม", "ภาค", "ผล", "ทาง", "สูง", "จัด", "การจัดการ"):
        assert query_tokens(word) == [word]
        assert word in index_tokens(f"ข้อความที่มีคำว่า{word}อยู่") or word in " ".join(
            index_tokens(f"ข้อความที่มีคำว่า{word}อยู่")
        )
    assert query_tokens("และ") == ["และ"]
    assert query_tokens("แสง แสง") == ["แสง"]
    assert query_tokens("   ") == []


def test_curriculum_words_name_their_subject_group():
    from search.thai import query_subjects

    assert query_subjects(query_tokens("ดาวเคราะห์")) == ("ว",)
    assert query_subjects(query_tokens("กลอนสุภาพ")) == ("ท",)
    assert query_subjects(query_tokens("บ้าน")) == ()


def test_loan_word_spellings_fold_alike():
    from search.thai import normalize

    same = ["อินเทอร์เน็ต", "อินเตอร์เน็ต", "อินเทอร์เนต", "อินเตอร์เน็ท"]
    assert len({normalize(w) for w in same}) == 1
    assert normalize("วีดีโอ") == normalize("วิดีโอ")
    assert normalize("คอมพิวเทอร์") == normalize("คอมพิวเตอร์")
    assert normalize("แอพพลิเคชั่น") == normalize("แอปพลิเคชัน")
    assert normalize("เฟสบุ๊ค") == normalize("เฟซบุ๊ก")
    # The whole loan word wins over a variant inside it; native words stay.
    assert normalize("เซลล์") == "เซลล์" and normalize("ทองคำ") == "ทองคำ"
    assert query_tokens("การใช้อินเทอร์เน็ต") == query_tokens("การใช้อินเตอร์เน็ต")


def test_abbreviations_and_thai_digits_are_words():
    assert query_tokens("ค.ร.น.") == ["ครน"]
    assert query_tokens("ห.ร.ม. ๒ จำนวน") == ["หรม", "2", "จำนวน"]
    assert query_tokens("e-Learning") == ["e", "learning"]


def test_segmented_text_keeps_word_order_before_the_parts():
    from search.thai import segmented, text_words

    stored = segmented("การสังเคราะห์ด้วยแสงของพืช")
    assert stored.startswith("การสังเคราะห์ด้วยแสง ของ พืช ~ ")
    assert text_words(stored) == ["การสังเคราะห์ด้วยแสง", "ของ", "พืช"]

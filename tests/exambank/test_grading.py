import pytest

from exambank import grading
from exambank.grading import grade, normalise_text

MC = {
    "single": True,
    "choices": [
        {"id": "a", "text": "4", "fraction": 0.0, "feedback": "ลองใหม่"},
        {"id": "b", "text": "5", "fraction": 1.0, "feedback": "ถูก"},
        {"id": "c", "text": "6", "fraction": -0.5, "feedback": ""},
    ],
}
MULTI = {
    "single": False,
    "choices": [
        {"id": "a", "text": "2", "fraction": 0.5},
        {"id": "b", "text": "4", "fraction": 0.5},
        {"id": "c", "text": "3", "fraction": -1.0},
        {"id": "d", "text": "9", "fraction": 0.0},
    ],
}


def test_multichoice_single_right_wrong_negative_and_blank():
    assert grade("multichoice", MC, "b").fraction == 1.0
    assert grade("multichoice", MC, "b").feedback == "ถูก"
    assert grade("multichoice", MC, "a").fraction == 0.0
    # A penalty choice costs this question's marks only, never another's.
    assert grade("multichoice", MC, "c").fraction == 0.0
    assert grade("multichoice", MC, None).fraction == 0.0
    assert grade("multichoice", MC, "zz").fraction == 0.0


def test_multichoice_multi_weights_and_penalty_clamped():
    assert grade("multichoice", MULTI, ["a", "b"]).fraction == 1.0
    assert grade("multichoice", MULTI, ["a"]).fraction == 0.5
    assert grade("multichoice", MULTI, ["a", "c"]).fraction == 0.0
    assert grade("multichoice", MULTI, ["a", "b", "c", "d"]).fraction == 0.0
    assert grade("multichoice", MULTI, ["c"]).fraction == 0.0
    assert grading.max_fraction("multichoice", MULTI) == 1.0


def test_truefalse_with_feedback():
    data = {"answer": False, "feedback_true": "ไม่ใช่", "feedback_false": "ใช่"}
    assert grade("truefalse", data, False).fraction == 1.0
    assert grade("truefalse", data, "true").fraction == 0.0
    assert grade("truefalse", data, True).feedback == "ไม่ใช่"
    assert grade("truefalse", data, None).fraction == 0.0


@pytest.mark.parametrize(
    "said",
    [
        "กรุงเทพมหานคร",
        "กรุงเทพ มหานคร",  # a space between words
        "กรุง\u200bเทพมหานคร",  # zero-width space
        " กรุงเทพมหานคร\ufeff ",
    ],
)
def test_shortanswer_thai_spaces_and_invisible_characters(said):
    data = {
        "answers": [{"text": "กรุงเทพมหานคร", "fraction": 1.0}, {"text": "กทม", "fraction": 0.5}]
    }
    assert grade("shortanswer", data, said).fraction == 1.0


def test_shortanswer_digits_sara_am_tone_order_case_and_wildcard():
    assert normalise_text("๑๒๓") == "123"
    assert normalise_text("น้ำ") == normalise_text(
        "น\u0e49\u0e4d\u0e32"
    )  # sara am typed as two marks
    assert normalise_text("ก\u0e48\u0e38") == normalise_text(
        "ก\u0e38\u0e48"
    )  # tone mark before vowel
    data = {"answers": [{"text": "ปี 2567", "fraction": 1.0}, {"text": "Bang*", "fraction": 0.5}]}
    assert grade("shortanswer", data, "ปี ๒๕๖๗").fraction == 1.0
    assert grade("shortanswer", data, "bangkok").fraction == 0.5
    assert grade("shortanswer", {**data, "case_sensitive": True}, "bangkok").fraction == 0.0
    assert grade("shortanswer", data, "").fraction == 0.0
    assert (
        grade(
            "shortanswer", {"answers": [{"text": "Ｈｅｌｌｏ", "fraction": 1.0}]}, "hello"
        ).fraction
        == 1.0
    )


def test_numerical_tolerance_ranges_thai_digits_and_partial():
    data = {
        "answers": [
            {"value": 3.14, "tolerance": 0.01, "fraction": 1.0},
            {"value": 3, "tolerance": 0.5, "fraction": 0.5},
        ]
    }
    assert grade("numerical", data, "3.15").fraction == 1.0
    assert grade("numerical", data, "๓.๑๔").fraction == 1.0
    assert grade("numerical", data, "3.2").fraction == 0.5
    assert grade("numerical", data, "4").fraction == 0.0
    assert grade("numerical", data, "abc").fraction == 0.0
    assert (
        grade("numerical", {"answers": [{"min": 1, "max": 5, "fraction": 1}]}, "1,000").fraction
        == 0.0
    )
    assert (
        grade("numerical", {"answers": [{"min": 1, "max": 5, "fraction": 1}]}, "5").fraction == 1.0
    )
    assert (
        grade(
            "numerical", {"answers": [{"value": 0.3, "tolerance": 0, "fraction": 1}]}, 0.1 + 0.2
        ).fraction
        == 1.0
    )


def test_matching_partial_credit():
    data = {
        "pairs": [
            {"left": "แมว", "right": "cat"},
            {"left": "หมา", "right": "dog"},
            {"left": "ไก่", "right": "hen"},
            {"left": "ปลา", "right": "fish"},
        ]
    }
    assert (
        grade("matching", data, {"0": "cat", "1": "dog", "2": "hen", "3": "fish"}).fraction == 1.0
    )
    assert grade("matching", data, {"0": "cat", "1": "hen"}).fraction == 0.25
    assert grade("matching", data, None).fraction == 0.0


def test_ordering_counts_right_neighbours():
    data = {"items": ["ก", "ข", "ค", "ง"]}
    assert grade("ordering", data, ["ก", "ข", "ค", "ง"]).fraction == 1.0
    assert grade("ordering", data, ["ข", "ค", "ง", "ก"]).fraction == pytest.approx(2 / 3)
    assert grade("ordering", data, ["ง", "ค", "ข", "ก"]).fraction == 0.0


def test_essay_waits_for_a_teacher():
    result = grade("essay", {}, "เรียงความของฉัน")
    assert result.fraction is None and result.needs_manual


def test_cloze_weights_each_gap():
    data = {
        "gaps": [
            {"type": "shortanswer", "weight": 1, "answers": [{"text": "เชียงใหม่", "fraction": 1}]},
            {
                "type": "numerical",
                "weight": 2,
                "answers": [{"value": 7, "tolerance": 0, "fraction": 1}],
            },
            {
                "type": "multichoice",
                "weight": 1,
                "single": True,
                "choices": [
                    {"id": "a", "text": "เหนือ", "fraction": 1},
                    {"id": "b", "text": "ใต้", "fraction": 0},
                ],
            },
        ]
    }
    assert grade("cloze", data, {"0": "เชียง ใหม่", "1": "๗", "2": "a"}).fraction == 1.0
    assert grade("cloze", data, {"1": "7"}).fraction == 0.5
    assert grade("cloze", data, {"0": "x", "1": "1", "2": "b"}).fraction == 0.0


def test_combine_attempt_scores():
    assert grading.combine_attempt_scores("highest", [0.2, 0.9, 0.5]) == 0.9
    assert grading.combine_attempt_scores("average", [0.2, 0.9, 0.4]) == pytest.approx(0.5)
    assert grading.combine_attempt_scores("first", [0.2, 0.9]) == 0.2
    assert grading.combine_attempt_scores("last", [0.2, 0.9]) == 0.9
    assert grading.combine_attempt_scores("last", []) is None
    with pytest.raises(ValueError):
        grading.combine_attempt_scores("median", [1])


def test_correct_response_grades_full_marks_for_every_type():
    cases = {
        "multichoice": MC,
        "truefalse": {"answer": True},
        "shortanswer": {"answers": [{"text": "ก", "fraction": 1}]},
        "numerical": {"answers": [{"value": 2, "tolerance": 0, "fraction": 1}]},
        "matching": {"pairs": [{"left": "a", "right": "1"}, {"left": "b", "right": "2"}]},
        "ordering": {"items": ["x", "y", "z"]},
    }
    for qtype, data in cases.items():
        assert grade(qtype, data, grading.correct_response(qtype, data)).fraction == 1.0, qtype


def test_right_answers_read_well_on_the_review_page():
    from exambank.rendering import correct_text

    matching = {"pairs": [{"left": "แมว", "right": "cat"}, {"left": "หมา", "right": "dog"}]}
    assert correct_text("matching", matching, {}) == "แมว → cat; หมา → dog"
    assert correct_text("multichoice", MC, "b") == "5"
    assert correct_text("multichoice", MULTI, ["a", "b"]) == "2, 4"
    from django.utils import translation

    with translation.override("th"):
        assert correct_text("truefalse", {"answer": False}, False) == "ผิด"
    with translation.override("en"):
        assert correct_text("truefalse", {"answer": False}, False) == "False"
    assert correct_text("ordering", {"items": ["ก", "ข"]}, ["ก", "ข"]) == "ก → ข"

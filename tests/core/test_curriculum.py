import pytest

from core.curriculum import GRADE_LEVELS, SUBJECT_GROUPS, parse_indicator_code
from core.models import GradeLevel, SubjectGroup


@pytest.mark.django_db
def test_eight_subject_groups_seeded_with_five_core():
    groups = list(SubjectGroup.objects.all())
    assert [g.code for g in groups] == ["ท", "ค", "ว", "ส", "พ", "ศ", "ง", "อ"]
    assert {g.slug for g in groups if g.is_core} == {"thai", "math", "science", "social", "foreign"}
    assert all(g.name_th and g.name_en for g in groups)
    assert len(SUBJECT_GROUPS) == 8


@pytest.mark.django_db
def test_grade_levels_ordered_with_key_stages():
    codes = list(GradeLevel.objects.values_list("code", flat=True))
    assert codes == [
        "อ.1",
        "อ.2",
        "อ.3",
        "ป.1",
        "ป.2",
        "ป.3",
        "ป.4",
        "ป.5",
        "ป.6",
        "ม.1",
        "ม.2",
        "ม.3",
        "ม.4",
        "ม.5",
        "ม.6",
    ]
    stages = dict(GradeLevel.objects.values_list("code", "key_stage"))
    assert (stages["อ.2"], stages["ป.3"], stages["ป.4"], stages["ม.3"], stages["ม.4"]) == (
        "pre",
        "ks1",
        "ks2",
        "ks3",
        "ks4",
    )
    assert len(GRADE_LEVELS) == 15


@pytest.mark.django_db
def test_bilingual_name_follows_language():
    from django.utils import translation

    math = SubjectGroup.objects.get(code="ค")
    with translation.override("th"):
        assert str(math) == "คณิตศาสตร์"
    with translation.override("en"):
        assert str(math) == "Mathematics"


@pytest.mark.parametrize(
    "raw, standard, grades, canonical",
    [
        ("ค 1.1 ป.3/2", "ค 1.1", ("ป.3",), "ค 1.1 ป.3/2"),
        ("ค1.1  ป.3 / 2", "ค 1.1", ("ป.3",), "ค 1.1 ป.3/2"),
        ("ว 2.1 ม.4-6/1", "ว 2.1", ("ม.4", "ม.5", "ม.6"), "ว 2.1 ม.4-6/1"),
    ],
)
def test_parse_indicator_code(raw, standard, grades, canonical):
    code = parse_indicator_code(raw)
    assert (code.standard_code, code.grade_codes, code.code) == (standard, grades, canonical)


@pytest.mark.parametrize(
    "raw", ["ค 1 ป.3/2", "x 1.1 ป.3/2", "ฮ 1.1 ป.3/2", "ค 1.1 ป.7/1", "ค 1.1 ม.6-4/1", ""]
)
def test_parse_indicator_code_rejects_with_bilingual_message(raw):
    with pytest.raises(ValueError) as exc:
        parse_indicator_code(raw)
    assert " / " in str(exc.value)

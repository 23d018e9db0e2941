"""Fixed curriculum data and the parser for indicator codes.

Seeded by migration 0002; the same tuples feed tests, so there is one source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .i18n import bilingual

# (code, slug, Thai, English, core?) in the curriculum's own order.
SUBJECT_GROUPS: list[tuple[str, str, str, str, bool]] = [
    ("ท", "thai", "ภาษาไทย", "Thai Language", True),
    ("ค", "math", "คณิตศาสตร์", "Mathematics", True),
    ("ว", "science", "วิทยาศาสตร์และเทคโนโลยี", "Science and Technology", True),
    ("ส", "social", "สังคมศึกษา ศาสนา และวัฒนธรรม", "Social Studies, Religion and Culture", True),
    ("พ", "health", "สุขศึกษาและพลศึกษา", "Health and Physical Education", False),
    ("ศ", "arts", "ศิลปะ", "Arts", False),
    ("ง", "occupations", "การงานอาชีพ", "Occupations", False),
    # English, the core foreign language, makes this group one of the five.
    ("อ", "foreign", "ภาษาต่างประเทศ", "Foreign Languages", True),
]

# (code, slug, Thai, English, key stage)
GRADE_LEVELS: list[tuple[str, str, str, str, str]] = [
    ("อ.1", "k1", "อนุบาล 1", "Kindergarten 1", "pre"),
    ("อ.2", "k2", "อนุบาล 2", "Kindergarten 2", "pre"),
    ("อ.3", "k3", "อนุบาล 3", "Kindergarten 3", "pre"),
    *[
        (f"ป.{n}", f"p{n}", f"ประถมศึกษาปีที่ {n}", f"Primary {n}", "ks1" if n <= 3 else "ks2")
        for n in range(1, 7)
    ],
    *[
        (f"ม.{n}", f"m{n}", f"มัธยมศึกษาปีที่ {n}", f"Secondary {n}", "ks3" if n <= 3 else "ks4")
        for n in range(1, 7)
    ],
]

_INDICATOR_RE = re.compile(
    r"^(?P<subject>[ก-ฮ])\s*(?P<strand>\d+)\.(?P<standard>\d+)\s+"
    r"(?P<level>[ปม])\.(?P<first>\d)(?:\s*-\s*(?P<last>\d))?\s*/\s*(?P<number>\d+)$"
)


@dataclass(frozen=True)
class IndicatorCode:
    subject_code: str
    standard_code: str  # "ค 1.1"
    grade_codes: tuple[str, ...]  # ("ป.3",) or ("ม.4", "ม.5", "ม.6")
    number: int

    @property
    def code(self) -> str:
        first, last = self.grade_codes[0], self.grade_codes[-1]
        grades = first if first == last else f"{first}-{last.split('.')[1]}"
        return f"{self.standard_code} {grades}/{self.number}"


def parse_indicator_code(raw: str) -> IndicatorCode:
    """Parse "ค 1.1 ป.3/2" or "ว 2.1 ม.4-6/1"; raise ValueError in Thai and English."""
    text = " ".join(raw.split())
    match = _INDICATOR_RE.match(text)
    if not match:
        raise ValueError(
            bilingual(
                "indicator code %(code)r is malformed (example: %(example)s)",
                code=raw,
                example="ค 1.1 ป.3/2",
            )
        )
    level, first = match["level"], int(match["first"])
    last = int(match["last"] or first)
    if not 1 <= first <= last <= 6:
        raise ValueError(bilingual("the grade range in %(code)r is invalid", code=raw))
    subject = match["subject"]
    if subject not in {code for code, *_ in SUBJECT_GROUPS}:
        raise ValueError(
            bilingual("unknown subject group %(subject)r in %(code)r", subject=subject, code=raw)
        )
    return IndicatorCode(
        subject_code=subject,
        standard_code=f"{subject} {match['strand']}.{match['standard']}",
        grade_codes=tuple(f"{level}.{n}" for n in range(first, last + 1)),
        number=int(match["number"]),
    )


def seed_curriculum(subject_group_model, grade_level_model) -> None:
    """Create or refresh the fixed vocabulary; used by migration 0003 and tests."""
    for order, (code, slug, th, en, is_core) in enumerate(SUBJECT_GROUPS, start=1):
        subject_group_model.objects.update_or_create(
            code=code,
            defaults={
                "slug": slug,
                "name_th": th,
                "name_en": en,
                "is_core": is_core,
                "sort_order": order,
            },
        )
    for order, (code, slug, th, en, stage) in enumerate(GRADE_LEVELS, start=1):
        grade_level_model.objects.update_or_create(
            code=code,
            defaults={
                "slug": slug,
                "name_th": th,
                "name_en": en,
                "key_stage": stage,
                "sort_order": order,
            },
        )

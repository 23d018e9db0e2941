"""The Thai that teachers write IN files: the vocabulary of the import formats.

These are not interface text but values read from a spreadsheet, an Aiken file
or a paper answer sheet, so a translation must never change them: a file that
imported yesterday imports today. They live here, listed as data in
tests/house/test_no_thai_literals.py, and nowhere else in the exam bank's code.
"""

from __future__ import annotations

# Choice letters as Thai teachers write them (ก ข ค ง …; ฃ and ฅ are obsolete, ฆ unused).
CHOICE_LETTERS = "กขคงจฉชซฌญ"

# What a student may write for true or false on a paper answer sheet or a spreadsheet.
TRUE_WORD, FALSE_WORD = "ถูก", "ผิด"
TRUE_WORDS = frozenset({"t", "true", TRUE_WORD})
FALSE_WORDS = frozenset({"f", "false", FALSE_WORD})

# The spreadsheet's ``type`` column: each question type by the words a teacher uses.
TYPE_WORDS = {
    "multichoice": {"mc", "multichoice", "ปรนัย", "เลือกตอบ"},
    "truefalse": {"tf", "truefalse", "ถูกผิด", "ถูก/ผิด"},
    "shortanswer": {"short", "shortanswer", "เติมคำ", "คำตอบสั้น"},
    "numerical": {"numerical", "number", "ตัวเลข"},
    "essay": {"essay", "อัตนัย", "เรียงความ"},
}

# The spreadsheet's ``difficulty`` column, in English or in Thai.
DIFFICULTY_WORDS = {
    "easy": "easy",
    "ง่าย": "easy",
    "medium": "medium",
    "ปานกลาง": "medium",
    "hard": "hard",
    "ยาก": "hard",
    "": "",
}

# The two example rows of the spreadsheet template, in its column order
# (exambank.formats.sheet.TEMPLATE_COLUMNS): Thai teaching content, shown as written.
TEMPLATE_EXAMPLES = [
    ["ปรนัย", "บวกเลข", "2 + 3 เท่ากับเท่าไร", "4", "5", "6", "7", "", "ข", "2 + 3 = 5", "1",
     "ค", "ป.1", "", "ง่าย", "บวก"],
    ["เติมคำ", "เมืองหลวง", "เมืองหลวงของไทยคือ", "", "", "", "", "", "กรุงเทพมหานคร|กรุงเทพ", "",
     "1", "ส", "ป.4", "", "ปานกลาง", ""],
]  # fmt: skip

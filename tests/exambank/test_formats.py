from pathlib import Path

import pytest

from exambank.formats.aiken import export_aiken, parse_aiken
from exambank.formats.gift import export_gift, parse_gift
from exambank.formats.moodlexml import export_moodle_xml, parse_cloze_text, parse_moodle_xml
from exambank.formats.sheet import parse_sheet, template_csv

GIFT = """// คำถามตัวอย่าง
$CATEGORY: $course$/top/คณิต/บวก

::บวก::[html]2 + 3 = ? {
=5#ถูกต้อง
~4#ผิด
~%-50%6
####เพราะ 2 + 3 = 5}

::จริงเท็จ:: ดวงอาทิตย์ขึ้นทางทิศตะวันออก {T#ผิดนะ#ถูกต้อง}

::เติมคำ:: เมืองหลวงของไทย {=กรุงเทพมหานคร =%50%กทม#เกือบถูก}

::พาย:: ค่า pi ทศนิยม 2 ตำแหน่ง {#3.14:0.005}

::ช่วง:: เลข 1 ถึง 5 {#1..5}

::หลายคำตอบ:: ปีที่ตั้ง {#=1822:0 =%50%1822:2}

::จับคู่:: จับคู่สัตว์ {=แมว -> cat =หมา -> dog = -> bird}

::เรียงความ:: เล่าเรื่องวันหยุด {}

ข้อความอธิบายเฉย ๆ

::คำหาย:: แมว {~กิน =นอน} บนเบาะ

::เลือกหลายข้อ:: เลือกจำนวนคู่ {~%50%2 ~%50%4 ~%-100%3}

::หลีก\\:ชื่อ:: a \\{b\\} \\= c \\# d {=x\\~y}
"""


def test_gift_reads_every_kind():
    questions, errors = parse_gift(GIFT)
    assert errors == []
    kinds = [q.qtype for q in questions]
    assert kinds == [
        "multichoice",
        "truefalse",
        "shortanswer",
        "numerical",
        "numerical",
        "numerical",
        "matching",
        "essay",
        "description",
        "multichoice",
        "multichoice",
        "shortanswer",
    ]
    mc = questions[0]
    assert mc.category == "คณิต/บวก" and mc.name == "บวก" and mc.text_format == "html"
    assert mc.general_feedback == "เพราะ 2 + 3 = 5"
    assert [c["fraction"] for c in mc.data["choices"]] == [1.0, 0.0, -0.5]
    assert mc.data["choices"][0]["feedback"] == "ถูกต้อง"
    tf = questions[1].data
    assert tf == {"answer": True, "feedback_true": "ถูกต้อง", "feedback_false": "ผิดนะ"}
    assert questions[2].data["answers"][1] == {"text": "กทม", "fraction": 0.5, "feedback": "เกือบถูก"}
    assert questions[3].data["answers"][0]["tolerance"] == 0.005
    assert questions[4].data["answers"][0] == {
        "min": 1.0,
        "max": 5.0,
        "fraction": 1.0,
        "feedback": "",
    }
    assert [a["fraction"] for a in questions[5].data["answers"]] == [1.0, 0.5]
    assert questions[6].data["extra_rights"] == ["bird"]
    assert questions[9].text == "แมว _____ บนเบาะ" and questions[9].data["missing_word"]
    assert questions[10].data["single"] is False
    escaped = questions[11]
    assert escaped.name == "หลีก:ชื่อ" and escaped.text == "a {b} = c # d"
    assert escaped.data["answers"][0]["text"] == "x~y"


def test_gift_round_trip():
    first, _ = parse_gift(GIFT)
    again, errors = parse_gift(export_gift(first))
    assert errors == []

    def strip(qs):
        return [(q.qtype, q.name, q.text, q.data, q.general_feedback, q.category) for q in qs]

    assert strip(again) == strip(first)


def test_gift_malformed_names_each_question_by_line():
    source = (
        "::ดี:: ok {=a ~b}\n\n::ไม่ปิด:: 1+1 {=2 ~3\n\n::ไม่มีถูก:: x {~a ~b}\n\n::ไม่ใช่เลข:: y {#abc}\n"
    )
    questions, errors = parse_gift(source)
    assert [q.name for q in questions] == ["ดี"]
    assert [(e.line, e.field) for e in errors] == [(3, "ไม่ปิด"), (5, "ไม่มีถูก"), (7, "ไม่ใช่เลข")]
    text = errors[0].format("q.gift")
    assert text.startswith("ไฟล์ q.gift บรรทัด 3") and "line 3" in text and "}" in text
    assert "ไม่มีตัวเลือกที่ถูก" in errors[1].th and "no choice" in errors[1].en
    assert "ตัวเลข" in errors[2].th


def test_aiken_reads_thai_and_latin_letters_and_reports_lines():
    source = "ข้อใดเป็นจำนวนเฉพาะ\nA. 4\nB) 7\nANSWER: B\n\nสีของท้องฟ้า\nก. แดง\nข. ฟ้า\nANSWER: ข\n"
    questions, errors = parse_aiken(source)
    assert errors == []
    assert [c["fraction"] for c in questions[0].data["choices"]] == [0.0, 1.0]
    assert questions[1].data["choices"][1]["text"] == "ฟ้า" and questions[1].line == 6
    again, _ = parse_aiken(export_aiken(questions[:1]))
    assert again[0].data == questions[0].data
    bad = "โจทย์หนึ่ง\nA. x\nB. y\nANSWER: C\n\nโจทย์สอง\nA. x\nไม่ใช่ตัวเลือก\nANSWER: A\n\nโจทย์สาม\nA. x\nB. y\n"
    _, errors = parse_aiken(bad)
    assert [e.line for e in errors] == [4, 8, 11]
    assert "ไม่มีบรรทัด ANSWER" in errors[2].th


MOODLE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/วิทย์</text></category></question>
  <question type="multichoice">
    <name><text>น้ำเดือด</text></name>
    <questiontext format="html"><text><![CDATA[<p>น้ำเดือดที่กี่ °C</p>]]></text></questiontext>
    <generalfeedback format="html"><text>ที่ความดัน 1 atm</text></generalfeedback>
    <defaultgrade>2</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <answer fraction="100" format="html"><text>100</text><feedback format="html"><text>ถูก</text></feedback></answer>
    <answer fraction="0" format="html"><text>90</text><feedback format="html"><text></text></feedback></answer>
    <tags><tag><text>ความร้อน</text></tag></tags>
  </question>
  <question type="truefalse">
    <name><text>ทิศ</text></name>
    <questiontext format="moodle_auto_format"><text>ดวงอาทิตย์ขึ้นทิศตะวันออก</text></questiontext>
    <answer fraction="100"><text>true</text><feedback><text>ใช่</text></feedback></answer>
    <answer fraction="0"><text>false</text><feedback><text>ไม่ใช่</text></feedback></answer>
  </question>
  <question type="numerical">
    <name><text>pi</text></name>
    <questiontext format="html"><text>pi</text></questiontext>
    <answer fraction="100"><text>3.14</text><tolerance>0.01</tolerance><feedback><text/></feedback></answer>
    <units><unit><multiplier>1</multiplier><unit_name>m</unit_name></unit></units>
  </question>
  <question type="matching">
    <name><text>คู่</text></name>
    <questiontext format="html"><text>จับคู่</text></questiontext>
    <subquestion format="html"><text>แมว</text><answer><text>cat</text></answer></subquestion>
    <subquestion format="html"><text>หมา</text><answer><text>dog</text></answer></subquestion>
    <subquestion format="html"><text></text><answer><text>bird</text></answer></subquestion>
  </question>
  <question type="essay">
    <name><text>เรียงความ</text></name>
    <questiontext format="html"><text>เขียน</text></questiontext>
    <responseformat>editor</responseformat>
    <responsefieldlines>15</responsefieldlines>
  </question>
  <question type="ordering">
    <name><text>เรียง</text></name>
    <questiontext format="html"><text>เรียงเลข</text></questiontext>
    <answer fraction="1"><text>หนึ่ง</text></answer>
    <answer fraction="2"><text>สอง</text></answer>
    <answer fraction="3"><text>สาม</text></answer>
  </question>
  <question type="cloze">
    <name><text>เติม</text></name>
    <questiontext format="html"><text>เมืองหลวงคือ {1:SHORTANSWER:=กรุงเทพ~%50%กทม} มี {2:NUMERICAL:=77:0} จังหวัด {1:MC:~เหนือ~=กลาง#ใช่}</text></questiontext>
  </question>
</quiz>
"""


def test_moodle_xml_reads_types_and_keeps_unknown_elements():
    questions, errors = parse_moodle_xml(MOODLE_XML)
    assert errors == []
    assert [q.qtype for q in questions] == [
        "multichoice",
        "truefalse",
        "numerical",
        "matching",
        "essay",
        "ordering",
        "cloze",
    ]
    mc = questions[0]
    assert mc.category == "วิทย์" and mc.default_mark == 2 and mc.tags == ["ความร้อน"]
    assert mc.text == "<p>น้ำเดือดที่กี่ °C</p>"
    assert any("penalty" in x for x in mc.data["_xml_extra"])
    assert questions[1].data["feedback_false"] == "ไม่ใช่"
    assert questions[3].data["extra_rights"] == ["bird"]
    assert questions[5].data["items"] == ["หนึ่ง", "สอง", "สาม"]
    cloze = questions[6].data
    assert [g["type"] for g in cloze["gaps"]] == ["shortanswer", "numerical", "multichoice"]
    assert questions[6].text.count("{#") == 3


def test_moodle_xml_round_trip_is_lossless():
    first, _ = parse_moodle_xml(MOODLE_XML)
    exported = export_moodle_xml(first)
    again, errors = parse_moodle_xml(exported)
    assert errors == []

    def fields(qs):
        return [
            (
                q.qtype,
                q.name,
                q.text,
                q.data,
                q.general_feedback,
                q.default_mark,
                q.category,
                q.text_format,
                q.tags,
            )
            for q in qs
        ]

    assert fields(again) == fields(first)
    assert export_moodle_xml(again) == exported
    assert "<responsefieldlines>15</responsefieldlines>" in exported
    assert "{1:SHORTANSWER:=กรุงเทพ~%50%กทม}" in exported


def test_moodle_xml_errors_carry_line_numbers():
    _, errors = parse_moodle_xml(
        "<quiz>\n<question type='multichoice'>\n<name><text>x</text>\n</quiz>"
    )
    assert errors[0].line == 4 and "XML" in errors[0].th
    bad = (
        "<quiz>\n<question type='multichoice'><name><text>ไม่มีถูก</text></name>"
        "<answer fraction='0'><text>a</text></answer></question>\n"
        "<question type='calculated'><name><text>คำนวณ</text></name></question>\n</quiz>"
    )
    _, errors = parse_moodle_xml(bad)
    assert [(e.line, e.field) for e in errors] == [(2, "ไม่มีถูก"), (3, "คำนวณ")]
    assert "calculated" in errors[1].en


def test_cloze_unknown_gap_type():
    with pytest.raises(ValueError, match="unknown cloze gap type"):
        parse_cloze_text("{1:WHAT:=x}")


def test_sheet_template_parses_and_bad_rows_are_named(tmp_path: Path):
    path = tmp_path / "template.csv"
    path.write_text(template_csv(), encoding="utf-8")
    questions, errors = parse_sheet(path)
    assert errors == [] and len(questions) == 2
    assert questions[0].data["choices"][1]["fraction"] == 1.0 and questions[0].difficulty == "easy"
    assert [a["text"] for a in questions[1].data["answers"]] == ["กรุงเทพมหานคร", "กรุงเทพ"]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "type,question,choice_a,choice_b,answer,difficulty\n"
        "ปรนัย,ข้อหนึ่ง,ก,ข,ค,ง่าย\n"
        "ถูกผิด,ข้อสอง,,,อาจจะ,\n"
        "อะไร,ข้อสาม,,,x,\n"
        "ตัวเลข,ข้อสี่,,,สาม,มาก\n",
        encoding="utf-8",
    )
    _, errors = parse_sheet(bad)
    assert [(e.line, e.field) for e in errors] == [
        (2, "answer"),
        (3, "answer"),
        (4, "type"),
        (5, "answer"),
        (5, "difficulty"),
    ]

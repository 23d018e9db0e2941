"""Round trips of every question type and option Moodle documents for GIFT and XML.

The files below are written here after the syntax of Moodle's own format pages
(docs.moodle.org "GIFT format" and "Moodle XML format"): every symbol of the
GIFT table and every element of the XML format we carry. Each must come back
identical after import → export → import.
"""

from __future__ import annotations

import base64
import io
import zipfile
from dataclasses import asdict

import pytest
from PIL import Image as PILImage

from exambank import grading
from exambank.formats.gift import export_gift, parse_gift
from exambank.formats.moodlexml import export_moodle_xml, parse_moodle_xml
from exambank.importing import export_questions, import_questions
from exambank.models import Category, Question
from exambank.rendering import format_mark, numerical_key

GIFT = r"""// Every GIFT symbol Moodle documents, one question each.
$CATEGORY: $course$/top/วิทยาศาสตร์/ดาราศาสตร์

::TF::ดวงอาทิตย์เป็นดาวฤกษ์ {TRUE#ผิด ลองอีกครั้ง#ถูกต้อง####ดาวฤกษ์ส่องแสงเอง}

::MC one:: ดาวเคราะห์ที่ใหญ่ที่สุดคือ {
  =ดาวพฤหัสบดี # ถูกต้อง
  ~ดาวเสาร์ # ใหญ่เป็นอันดับสอง
  ~โลก
}

::MC many:: ข้อใดเป็นดาวเคราะห์หิน {
  ~%50%ดาวพุธ
  ~%50%ดาวอังคาร
  ~%-100%ดาวเนปจูน # ดาวแก๊สยักษ์
}

::Missing word:: ดวงจันทร์โคจรรอบ {=โลก ~ดาวอังคาร} ทุกเดือน

::Short:: ดาวเคราะห์ดวงที่สามจากดวงอาทิตย์ชื่อ {=โลก =%50%พิภพ#เกือบถูก}

::Num tolerance:: 10 หาร 4 ได้เท่าไร {#2.5:0.01}

::Num range:: จำนวนใดอยู่ระหว่าง 1 ถึง 5 {#1..5}

::Num many:: ปีที่ก่อตั้งกรุงรัตนโกสินทร์ (พ.ศ.) {#
  =2325:0 # ถูกต้อง
  =%50%2325:5 # ใกล้เคียง
  ~#ลองดูประวัติศาสตร์อีกครั้ง
}

::Num feedback:: What is 3 ± 2? {#3:2~#Completely wrong}

::Match:: จับคู่ดาวกับลักษณะ {
  =ดาวพุธ -> ใกล้ดวงอาทิตย์ที่สุด
  =ดาวเสาร์ -> มีวงแหวนเด่นชัด
  =ดาวอังคาร -> ดาวเคราะห์สีแดง
}

::Essay:: อธิบายการเกิดฤดูกาล {}

::Intro:: อ่านข้อความต่อไปนี้แล้วตอบคำถาม

::Escapes:: สัญลักษณ์ \{ \} \= \~ \# \: ใช้ในสูตร {=a\=b\:c}

::HTML::[html]<p>เลือก <b>ข้อที่ถูก</b></p> {
  =<i>ใช่</i>#[plain]ถูก
  ~[moodle]ไม่ใช่
}

::Plain::[plain]2 < 3 ใช่หรือไม่ {T}

::Markdown::[markdown]**ตัวหนา** ใช่หรือไม่ {F}
"""


def _fields(questions) -> list[dict]:
    out = []
    for q in questions:
        d = asdict(q)
        d.pop("line")
        out.append(d)
    return out


def test_gift_reads_every_documented_symbol():
    questions, errors = parse_gift(GIFT)
    assert errors == []
    by_name = {q.name: q for q in questions}
    assert len(questions) == 16
    assert {q.category for q in questions} == {"วิทยาศาสตร์/ดาราศาสตร์"}
    tf = by_name["TF"]
    assert tf.data == {"answer": True, "feedback_true": "ถูกต้อง", "feedback_false": "ผิด ลองอีกครั้ง"}
    assert tf.general_feedback == "ดาวฤกษ์ส่องแสงเอง"
    many = by_name["MC many"].data
    assert many["single"] is False
    assert [c["fraction"] for c in many["choices"]] == [0.5, 0.5, -1.0]
    assert by_name["Missing word"].data["missing_word"] is True
    assert by_name["Short"].data["answers"][1] == {
        "text": "พิภพ",
        "fraction": 0.5,
        "feedback": "เกือบถูก",
    }
    assert by_name["Num range"].data["answers"][0]["min"] == 1.0
    num = by_name["Num many"].data["answers"]
    assert [a["fraction"] for a in num] == [1.0, 0.5, 0.0]
    assert num[2]["value"] == "*" and num[2]["feedback"] == "ลองดูประวัติศาสตร์อีกครั้ง"
    # The documented {#3:2~#feedback} form: full marks for 1..5, feedback for the rest.
    fb = by_name["Num feedback"].data["answers"]
    assert fb[0] == {"value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": ""}
    assert fb[1]["value"] == "*" and fb[1]["feedback"] == "Completely wrong"
    assert (
        grading.grade("numerical", by_name["Num feedback"].data, "9").feedback == "Completely wrong"
    )
    assert grading.grade("numerical", by_name["Num feedback"].data, "4.5").fraction == 1.0
    assert by_name["Essay"].qtype == "essay"
    assert by_name["Intro"].qtype == "description"
    assert "{ } = ~ # :" in by_name["Escapes"].text
    assert by_name["Escapes"].data["answers"][0]["text"] == "a=b:c"
    # Format markers are applied, never kept as text.
    html = by_name["HTML"]
    assert html.text_format == "html" and html.text.startswith("<p>")
    right, wrong = html.data["choices"]
    assert right == {
        "id": "a",
        "text": "<i>ใช่</i>",
        "format": "html",
        "fraction": 1.0,
        "feedback": "ถูก",
    }
    assert wrong["text"] == "ไม่ใช่" and wrong["format"] == "moodle_auto_format"
    assert by_name["Plain"].text_format == "plain_text"
    assert by_name["Markdown"].text_format == "markdown"
    assert not any("[html]" in str(asdict(q)) or "[plain]" in str(asdict(q)) for q in questions)


def test_gift_round_trip_is_identical():
    first, errors = parse_gift(GIFT)
    assert errors == []
    exported = export_gift(first)
    assert "[moodle_auto_format]" not in exported
    again, errors = parse_gift(exported)
    assert errors == []
    assert _fields(again) == _fields(first)
    assert export_gift(again) == exported


def test_gift_errors_name_the_line_and_question_never_python():
    source = "::A:: one {T}\n::B:: two {F}\n\n::C:: bad {#abc}\n\n::D:: x {=a ~%33%b}\n"
    questions, errors = parse_gift(source)
    assert questions == []
    by_line = {e.line: e for e in errors}
    assert by_line[2].field == "A" and "blank line" in by_line[2].en
    assert by_line[2].th.startswith("ข้อใหม่เริ่มโดยไม่มีบรรทัดว่างคั่น")
    assert "'abc' is not a number" in by_line[4].en and "could not convert" not in by_line[4].en
    assert "33%" in by_line[6].en and "33.33333" in by_line[6].en


def _png(colour: str) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (4, 3), colour).save(out, "PNG")
    return out.getvalue()


def _xml(picture: bytes, sound: bytes) -> str:
    pic, snd = base64.b64encode(picture).decode(), base64.b64encode(sound).decode()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text>$course$/top/ภาษาไทย</text></category>
    <info format="html"><text>&lt;p&gt;คลังข้อสอบภาษาไทย ม.1&lt;/p&gt;</text></info>
  </question>
  <question type="multichoice">
    <name><text>รูปภาพ</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>ภาพนี้คืออะไร <img src="@@PLUGINFILE@@/pic%201.png"></p>]]></text>
      <file name="pic 1.png" path="/" encoding="base64">{pic}</file>
    </questiontext>
    <generalfeedback format="html"><text>ฟังเสียง &lt;a href="@@PLUGINFILE@@/sound.mp3"&gt;ที่นี่&lt;/a&gt;</text>
      <file name="sound.mp3" path="/" encoding="base64">{snd}</file>
    </generalfeedback>
    <defaultgrade>2</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <answer fraction="100" format="html"><text><![CDATA[<b>สี่เหลี่ยม</b>]]></text>
      <feedback format="html"><text>ถูกต้อง</text></feedback></answer>
    <answer fraction="0" format="html"><text><![CDATA[<i>วงกลม</i>]]></text>
      <feedback format="html"><text></text></feedback></answer>
  </question>
  <question type="multichoice">
    <name><text>หลายคำตอบ</text></name>
    <questiontext format="html"><text>เลือกคำนาม</text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>1</defaultgrade>
    <single>false</single>
    <shuffleanswers>false</shuffleanswers>
    <answer fraction="33.33333" format="moodle_auto_format"><text>แมว</text><feedback format="html"><text></text></feedback></answer>
    <answer fraction="33.33333" format="moodle_auto_format"><text>บ้าน</text><feedback format="html"><text></text></feedback></answer>
    <answer fraction="33.33333" format="moodle_auto_format"><text>ต้นไม้</text><feedback format="html"><text></text></feedback></answer>
    <answer fraction="-100" format="moodle_auto_format"><text>วิ่ง</text><feedback format="html"><text>เป็นคำกริยา</text></feedback></answer>
  </question>
  <question type="truefalse">
    <name><text>ถูกผิด</text></name>
    <questiontext format="moodle_auto_format"><text>ก ไก่ เป็นพยัญชนะตัวแรก</text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>1</defaultgrade>
    <answer fraction="100" format="moodle_auto_format"><text>true</text><feedback format="html"><text>ใช่</text></feedback></answer>
    <answer fraction="0" format="moodle_auto_format"><text>false</text><feedback format="html"><text>ไม่ใช่</text></feedback></answer>
  </question>
  <question type="shortanswer">
    <name><text>สั้น</text></name>
    <questiontext format="html"><text>เมืองหลวงของไทย</text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>1</defaultgrade>
    <usecase>0</usecase>
    <answer fraction="100" format="moodle_auto_format"><text>กรุงเทพ*</text><feedback format="html"><text></text></feedback></answer>
    <answer fraction="50" format="moodle_auto_format"><text>กทม</text><feedback format="html"><text>ชื่อย่อ</text></feedback></answer>
  </question>
  <question type="numerical">
    <name><text>ตัวเลข</text></name>
    <questiontext format="html"><text>9 คูณ 1</text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>1</defaultgrade>
    <answer fraction="100" format="moodle_auto_format"><text>9</text><feedback format="html"><text>ถูก</text></feedback><tolerance>0.5</tolerance></answer>
    <answer fraction="0" format="moodle_auto_format"><text>*</text><feedback format="html"><text>ลองใหม่</text></feedback><tolerance>0</tolerance></answer>
    <units><unit><multiplier>1</multiplier><unit_name>ชิ้น</unit_name></unit></units>
  </question>
  <question type="matching">
    <name><text>จับคู่</text></name>
    <questiontext format="html"><text>จับคู่คำ</text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>1</defaultgrade>
    <shuffleanswers>true</shuffleanswers>
    <subquestion format="html"><text>แมว</text><answer><text>เหมียว</text></answer></subquestion>
    <subquestion format="html"><text>หมา</text><answer><text>โฮ่ง</text></answer></subquestion>
    <subquestion format="html"><text></text><answer><text>กุ๊ก</text></answer></subquestion>
  </question>
  <question type="essay">
    <name><text>เรียงความ</text></name>
    <questiontext format="html"><text>เขียนเรื่องครอบครัว</text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>5</defaultgrade>
    <responseformat>editor</responseformat>
    <responsefieldlines>15</responsefieldlines>
    <graderinfo format="html"><text>ให้คะแนนตามเกณฑ์</text></graderinfo>
  </question>
  <question type="cloze">
    <name><text>เติมคำ</text></name>
    <questiontext format="html"><text>ทะเลมีน้ำ {{1:MULTICHOICE:=เค็ม#ถูก~จืด#ผิด}} และกว้าง {{2:NUMERICAL:=100:5}} กม. คำว่า {{1:SHORTANSWER_C:=Sea}}</text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>4</defaultgrade>
  </question>
  <question type="description">
    <name><text>คำชี้แจง</text></name>
    <questiontext format="html"><text>อ่านก่อนตอบ</text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>0</defaultgrade>
  </question>
</quiz>
"""


def test_moodle_xml_file_round_trip_alone_is_identical():
    first, errors = parse_moodle_xml(_xml(_png("red"), b"ID3 not a picture"))
    assert errors == []
    again, errors = parse_moodle_xml(export_moodle_xml(first))
    assert errors == []
    assert _fields(again) == _fields(first)
    assert first[0].files == {"pic 1.png": _png("red"), "sound.mp3": b"ID3 not a picture"}
    assert first[0].category_info == "<p>คลังข้อสอบภาษาไทย ม.1</p>"


@pytest.mark.django_db
def test_moodle_xml_round_trip_through_the_bank(client):
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    root = Category.objects.create(name="นำเข้า")
    source = _xml(_png("blue"), b"ID3 a sound").encode()
    created = import_questions("bank.xml", source, "xml", root)
    assert len(created) == 9
    picture = Question.objects.get(name="รูปภาพ")
    refs = picture.data["files"]
    assert refs["pic 1.png"]["kind"] == "image" and refs["sound.mp3"]["kind"] == "document"
    assert Category.objects.get(name="ภาษาไทย").info == "<p>คลังข้อสอบภาษาไทย ม.1</p>"
    # Imported twice, each distinct file is stored once (by its hash).
    import_questions("bank.xml", source, "xml", root)
    assert get_image_model().objects.count() == 1
    assert get_document_model().objects.count() == 1

    ours = Question.objects.filter(pk__in=[q.pk for q in created]).order_by("pk")
    export = export_questions(ours, "xml", root)
    assert export.skipped == []
    first, _ = parse_moodle_xml(source)
    again, errors = parse_moodle_xml(export.text)
    assert errors == []
    assert _fields(again) == _fields(first)

    # The student sees the stored picture, and HTML choices as (cleaned) HTML.
    from exambank.rendering import _choice_list, question_html

    html = question_html(picture.text, picture.data)
    assert "@@PLUGINFILE@@" not in html
    image = get_image_model().objects.get()
    assert image.file.url in html
    choices = _choice_list(picture.data, None, None, "q1")
    try:
        import core.html  # noqa: F401  (the project's allow-list sanitiser)
    except ImportError:  # until it is installed, markup is shown as text, never run
        assert str(choices[0]["html"]).startswith("&lt;b&gt;")
    else:
        assert "<b>สี่เหลี่ยม</b>" in str(choices[0]["html"])


def test_moodle_xml_refuses_what_moodle_refuses():
    def one(question: str) -> list:
        return parse_moodle_xml(f"<quiz>{question}</quiz>")[1]

    bad_grade = one(
        '<question type="multichoice"><name><text>g</text></name>'
        "<questiontext><text>q</text></questiontext>"
        '<answer fraction="33"><text>a</text></answer>'
        '<answer fraction="0"><text>b</text></answer></question>'
    )
    assert "33%" in bad_grade[0].en and bad_grade[0].field == "g"
    one_choice = one(
        '<question type="cloze"><name><text>c</text></name>'
        "<questiontext><text>x {1:MC:=only}</text></questiontext></question>"
    )
    assert "gap 1 needs at least two choices" in one_choice[0].en
    no_full = one(
        '<question type="cloze"><name><text>c</text></name>'
        "<questiontext><text>x {1:SA:%50%half}</text></questiontext></question>"
    )
    assert "gap 1 has no answer worth 100%" in no_full[0].en
    bad_value = one(
        '<question type="numerical"><name><text>n</text></name>'
        "<questiontext><text>q</text></questiontext>"
        '<answer fraction="100"><text>nine</text><tolerance>0</tolerance></answer></question>'
    )
    assert "'nine' is not a number" in bad_value[0].en
    assert "could not convert" not in bad_value[0].en


@pytest.mark.django_db
def test_export_skips_what_a_format_cannot_hold(admin_client):
    root = Category.objects.create(name="ผสม")
    created = import_questions("bank.xml", _xml(_png("green"), b"x").encode(), "xml", root)
    export = export_questions(Question.objects.filter(pk__in=[q.pk for q in created]), "gift", root)
    assert [q.name for q in export.skipped] == ["เติมคำ"]
    assert "::รูปภาพ::" in export.text
    assert "เติมคำ" in export.report("gift")
    response = admin_client.get(f"/exams/category/{root.pk}/export/aiken/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [f"questions-{root.pk}.aiken.txt", "skipped-questions.txt"]
    report = archive.read("skipped-questions.txt").decode()
    assert "เรียงความ" in report and "Aiken" in report


def test_marks_read_as_moodle_prints_them():
    assert format_mark(0.5) == "0.5"
    assert format_mark("5.000") == "5"
    assert format_mark(0) == "0"
    assert (
        numerical_key({"answers": [{"value": 9.0, "tolerance": 0.5, "fraction": 1}]}) == "9 ± 0.5"
    )
    assert numerical_key({"answers": [{"min": 1.0, "max": 5.0, "fraction": 1}]}) == "1–5"

"""The class report (screen, CSV, XLSX), certificates and their public check."""

import io
import shutil
import subprocess

import pytest

from bench._pdf_quality import embedded_fonts, page_count
from core import roles
from lms.actions import enrol, issue_certificate, open_lesson, record_quiz_result
from lms.models import Certificate, CourseKind
from tests.lms.builders import build_course, lessons_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_course(index, student, make_user, school):
    from core.models import GradeLevel

    course = build_course(
        index,
        units=[
            (
                "always",
                [
                    ("บทนำ", "viewed", {}),
                    (
                        "แบบทดสอบ",
                        "quiz",
                        {
                            "body": [
                                {
                                    "type": "quiz",
                                    "value": {
                                        "quiz": "exambank.quiz:3",
                                        "required_to_complete": True,
                                    },
                                }
                            ]
                        },
                    ),
                ],
            )
        ],
        owner_school=school,
    )
    other = make_user(
        "stu9",
        roles.STUDENT,
        first_name="ด.ช.ก้อง",
        school=school,
        grade_level=GradeLevel.objects.get(code="ป.6"),
        classroom="2",
    )
    first = lessons_of(course)[0]
    open_lesson(student, first, enrol(student, course))
    record_quiz_result(student, "exambank.quiz:3", 0.75, True)
    enrol(other, course)
    return course


def test_report_rows_are_students_and_cells_are_lessons(client, teacher, student, report_course):
    client.force_login(teacher)
    response = client.get(f"/lms/courses/{report_course.pk}/report/")
    assert response.status_code == 200
    report = response.context["report"]
    assert [r.username for r in report.rows] == ["stu1", "stu9"]
    mine = report.rows[0]
    assert [c.status for c in mine.cells] == ["complete", "complete"]
    assert mine.cells[1].score == 0.75 and mine.percent == 100
    assert report.rows[1].percent == 0


def test_report_filters_by_class(client, teacher, report_course):
    from core.models import GradeLevel

    client.force_login(teacher)
    grade = GradeLevel.objects.get(code="ป.6")
    response = client.get(f"/lms/courses/{report_course.pk}/report/?grade={grade.pk}&room=2")
    assert [r.username for r in response.context["report"].rows] == ["stu9"]


def test_teachers_see_only_their_school(client, report_course, make_user, school):
    from core.models import School

    elsewhere = School.objects.create(
        code="9",
        name="ไกล",
        network=school.network,
        district="x",
        size_class="small",
        link_type="adsl",
    )
    outsider = make_user("t9", roles.TEACHER, school=elsewhere)
    client.force_login(outsider)
    response = client.get(f"/lms/courses/{report_course.pk}/report/?school={school.pk}")
    assert response.context["report"].rows == []


def test_students_cannot_read_reports(client, student, report_course):
    client.force_login(student)
    assert client.get(f"/lms/courses/{report_course.pk}/report/").status_code == 403


def test_csv_export_opens_in_excel_with_thai(client, teacher, report_course):
    client.force_login(teacher)
    response = client.get(f"/lms/courses/{report_course.pk}/report/?format=csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff") and "attachment" in response["Content-Disposition"]
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0].split(",")[4:] == ["บทนำ", "แบบทดสอบ", "ร้อยละ (%)"]
    assert lines[1].startswith(
        "stu1,เด็กหญิงมาลี ใจดี,โรงเรียนบ้านทดสอบ,ป.5/1,เสร็จ (done),เสร็จ (done) 75%,100"
    )


def test_xlsx_export(client, teacher, report_course):
    from openpyxl import load_workbook

    client.force_login(teacher)
    response = client.get(f"/lms/courses/{report_course.pk}/report/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("ชื่อผู้ใช้ (username)", "ชื่อ (name)")
    assert rows[1][0] == "stu1" and rows[1][-1] == 100 and rows[2][0] == "stu9"


@pytest.fixture
def training(index):
    return build_course(
        index,
        units=[("always", [("แนวคิด", "viewed", {})])],
        kind=CourseKind.TRAINING,
        title="การจัดการเรียนรู้เชิงรุก",
        hours="12.0",
    )


def test_finishing_a_training_course_issues_a_certificate(teacher, training):
    open_lesson(teacher, lessons_of(training)[0], enrol(teacher, training))
    certificate = Certificate.objects.get(user=teacher, course=training)
    assert certificate.holder_name == "สมศรี สอนดี" and str(certificate.hours) == "12.0"
    assert issue_certificate(teacher, training) == certificate
    assert len(certificate.code) == 10


def test_students_cannot_enrol_in_teacher_training(client, student, training):
    from lms.models import Enrolment

    client.force_login(student)
    client.post(f"/lms/courses/{training.pk}/enrol/")
    assert not Enrolment.objects.exists()


def test_certificate_pdf_carries_thai_text_and_the_code(client, teacher, training):
    open_lesson(teacher, lessons_of(training)[0], enrol(teacher, training))
    certificate = Certificate.objects.get()
    client.force_login(teacher)
    response = client.get(f"/lms/certificates/{certificate.code}.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert {"Laksaman", "Laksaman-Bold"} <= embedded_fonts(response.content)
    assert page_count(response.content) == 1
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils (pdftotext) is installed by scripts/ensure-system.sh"
    text = subprocess.run(
        [pdftotext, "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    # Text extraction splits some shaped clusters (a tone mark placed over a
    # vowel comes out after the next letter), so compare words that have none.
    for expected in ["เกียรติบัตร", "สมศรี สอนดี", "การจัดการเรียนรู้เชิงรุก", "12", certificate.code]:
        assert expected in text
    be_year = str(certificate.issued_at.year + 543)
    assert be_year in text


def test_only_those_in_scope_download_a_certificate(client, teacher, training, make_user):
    certificate = issue_certificate(teacher, training)
    client.force_login(make_user("nosy", roles.TEACHER))
    assert client.get(f"/lms/certificates/{certificate.code}.pdf").status_code == 404
    client.force_login(make_user("sup", roles.SUPERVISOR))
    assert client.get(f"/lms/certificates/{certificate.code}.pdf").status_code == 200


def test_public_page_verifies_codes(client, teacher, training):
    certificate = issue_certificate(teacher, training)
    page = client.get(f"/lms/verify/?code={certificate.code.lower()}").content.decode()
    assert 'data-verified="yes"' in page and "สมศรี สอนดี" in page
    page = client.get("/lms/verify/?code=NOPE").content.decode()
    assert 'data-verified="no"' in page and "สมศรี" not in page

import pytest

from core.demo import DEMO_PASSWORD, demo_logins_text, load_demo
from core.models import HomePage, School, SectionPage, User


@pytest.mark.django_db
def test_demo_loads_once_and_builds_the_site(demo_site, settings):
    assert demo_site.get_url() == "/"
    assert {p.section for p in SectionPage.objects.all()} == {"media", "courses", "exams"}
    assert School.objects.count() == 6
    assert User.objects.get(username="teacher").check_password(DEMO_PASSWORD)
    assert load_demo() is False  # marker written: second run only prints logins
    assert HomePage.objects.count() == 1
    assert "teacher" in demo_logins_text()


@pytest.mark.django_db
def test_home_page_is_thai_first(client, demo_site):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="th">' in html
    assert "ศูนย์รวมสื่อการเรียนรู้" in html and "คลังข้อสอบ" in html
    assert "คณิตศาสตร์" in html and "กลุ่มสาระการเรียนรู้" in html
    assert "เข้าสู่ระบบ" in html  # "Log in" from our Thai catalogue


@pytest.mark.django_db
def test_english_is_available(client, demo_site):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Mathematics" in html and "Subject groups" in html


@pytest.mark.django_db
def test_section_page_and_404(client, demo_site):
    media = SectionPage.objects.get(section="media")
    assert client.get(media.get_url()).status_code == 200
    missing = client.get("/ไม่มีหน้านี้/")
    assert missing.status_code == 404
    assert "ไม่พบหน้า" in missing.content.decode()


@pytest.mark.django_db
def test_unicode_slugs_allowed(demo_site):
    page = demo_site.add_child(instance=SectionPage(title="สื่อภาษาไทย", slug="สื่อภาษาไทย"))
    assert page.url_path.endswith("/สื่อภาษาไทย/")
    page.full_clean()


@pytest.mark.django_db
def test_admin_is_thai_for_a_teacher(client, demo_site):
    assert client.login(username="teacher", password=DEMO_PASSWORD)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert 'lang="th"' in response.content.decode()


@pytest.mark.django_db
def test_student_cannot_reach_admin(client, demo_site):
    assert client.login(username="student", password=DEMO_PASSWORD)
    response = client.get("/admin/")
    assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_system_status_page_sends_a_heartbeat(
    client, demo_site, settings, django_capture_on_commit_callbacks
):
    from core.models import WorkerHeartbeat

    settings.CELERY_TASK_ALWAYS_EAGER = True
    from khlang.celery import app

    app.conf.task_always_eager = True
    try:
        assert client.login(username="admin", password=DEMO_PASSWORD)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/admin/system-status/")
        assert response.status_code == 302
        beat = WorkerHeartbeat.objects.get()
        assert beat.completed_at is not None
        page = client.get("/admin/system-status/").content.decode()
        assert "ทำงานล่าสุดเมื่อ" in page
    finally:
        app.conf.task_always_eager = False


@pytest.mark.django_db
def test_system_status_needs_area_admin(client, demo_site):
    assert client.login(username="teacher", password=DEMO_PASSWORD)
    assert client.get("/admin/system-status/").status_code == 302


def test_healthz(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_sections_lead_to_their_services(client, demo_site):
    media = client.get(SectionPage.objects.get(section="media").get_url()).content.decode()
    exams = client.get(SectionPage.objects.get(section="exams").get_url()).content.decode()
    assert 'href="/media-center/"' in media and 'href="/search/"' in media
    assert 'href="/exams/quizzes/"' in exams

"""What the main pages cost a first-time visitor, in Chromium: `python -m bench.pages`.

A scratch site (embedded default: SQLite, the demo, one real transcoded video in a
demo lesson) is served as `make run` serves it (hashed, compressed static files
through whitenoise). Each page is opened with an empty browser cache:

* bytes transferred before Play on the lesson and media pages (``*_before_play``);
* axe-core's serious and critical violations on the student and teacher pages;
* HTTP errors (status ≥ 400) and console errors on every page;
* English words left on the admin screens a teacher walks through.

The last line is one JSON object; the notes (which rule, which word, which URL)
go to stderr.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Words that stay as they are in Thai screens: names and technical terms.
ENGLISH_ALLOWED = {
    "khlang", "wagtail", "learning", "tutor", "online", "training", "hls", "mp4", "pdf",
    "url", "html", "csv", "gift", "aiken", "moodle", "xml", "youtube", "email", "english",
    "khl", "demo", "admin", "teacher", "student", "supervisor", "schooladmin",
}  # fmt: skip
TEACHER_SCREENS = [
    "/admin/",
    "/admin/pages/",
    "/admin/media/",
    "/admin/images/",
    "/admin/documents/",
    "/admin/workflows/tasks/index/",
    "/admin/reports/locked/",
    "/admin/media/video/add/",
    "{lesson_edit}",
    "{lesson_add}",
    # The teacher's own lesson, sent for approval: the editor, its history, the unit.
    "{lesson_own_edit}",
    "{lesson_own_history}",
    "{lesson_unit_listing}",
    "/admin/account/",
    # Finding a lesson by its Thai name, as a teacher does from the admin's search.
    "/admin/pages/search/?q=%E0%B9%80%E0%B8%A8%E0%B8%A9%E0%B8%AA%E0%B9%88%E0%B8%A7%E0%B8%99",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def build_site(env: dict, var_dir: str) -> dict:
    """Demo content plus one transcoded video placed in a demo lesson; returns URLs."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.files import File
    from wagtail.models import Collection

    from exambank.models import Quiz
    from lms.models import LessonPage
    from media_center.actions import start_processing
    from media_center.models import MediaItem
    from transcoding import samples
    from transcoding.models import TranscodeJob
    from transcoding.tasks import transcode_media_task

    clip = samples.make_clip(Path(var_dir) / "lesson.mp4", width=1280, height=720, seconds=8)
    item = MediaItem(
        title="เศษส่วนจากวิดีโอ", type="video", licence="cc-by", copyright_holder="สพท.",
        visibility="public", collection=Collection.get_first_root_node(),
    )  # fmt: skip
    with clip.open("rb") as handle:
        item.file.save("lesson.mp4", File(handle), save=True)
    start_processing(item)
    for job in TranscodeJob.objects.filter(media_item=item):
        transcode_media_task.apply(args=(job.pk,)).get()
    item.refresh_from_db()
    lesson = LessonPage.objects.live().first()
    video = {"type": "video", "value": {"media": item.pk, "caption": ""}}
    lesson.body = [video, *lesson.body.raw_data]
    lesson.save_revision().publish()
    from django.db import transaction

    from core.models import User
    from lms.actions import enrol
    from lms.models import CoursePage

    with transaction.atomic():
        enrol(User.objects.get(username="student"), CoursePage.objects.ancestor_of(lesson).get())
    quiz = Quiz.objects.first()
    own = own_lesson_in_moderation(lesson.get_parent(), item, quiz)
    return {
        "home": "/",
        "media_library": "/media-center/",
        "media_item": f"/media-center/{item.pk}/",
        "lesson": lesson.url,
        "quiz": f"/exams/quiz/{quiz.pk}/" if quiz else "",
        "dashboard": "/lms/my/",
        "lesson_edit": f"/admin/pages/{lesson.pk}/edit/",
        "lesson_add": f"/admin/pages/add/lms/lessonpage/{lesson.get_parent().pk}/",
        "lesson_own_edit": f"/admin/pages/{own.pk}/edit/",
        "lesson_own_history": f"/admin/pages/{own.pk}/history/",
        "lesson_unit_listing": f"/admin/pages/{own.get_parent().pk}/",
    }


def own_lesson_in_moderation(unit, item, quiz):
    """A lesson the demo teacher wrote (video and quiz) and sent for approval."""
    from core.models import User
    from lms import quiz_bridge
    from lms.models import LessonPage

    teacher = User.objects.get(username="teacher")
    body = [{"type": "video", "value": {"media": item.pk, "caption": ""}}]
    refs = [ref for ref, _ in quiz_bridge.choices()] if quiz else []
    if refs:
        body.append({"type": "quiz", "value": {"quiz": refs[0], "required_to_complete": True}})
    draft = LessonPage(title="เศษส่วนจากวิดีโอ ฉบับครู", live=False, owner=teacher, body=body)
    unit.add_child(instance=draft)
    draft.save_revision(user=teacher)
    draft.get_workflow().start(draft, teacher)
    return draft


def content_strings() -> list[str]:
    """Every title and file name stored in the demo site: words a teacher or the
    area wrote (``O-NET``, ``Active Learning``), which the English count skips."""
    from django.apps import apps
    from django.db import models

    found: set[str] = set()
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        names = [f.name for f in fields if f.name in ("title", "name")]
        files = [f.name for f in fields if isinstance(f, models.FileField)]
        if not names and not files:
            continue
        for row in model.objects.values(*names, *files):
            for name, value in row.items():
                if not value:
                    continue
                found.add(Path(str(value)).name if name in files else str(value))
    # Longest first, so a title is taken out before a shorter one inside it.
    return sorted((s for s in found if re.search(r"[A-Za-z]{3,}", s)), key=len, reverse=True)


def say(text: str) -> None:
    print(f"[pages] {text}", file=sys.stderr, flush=True)


def wait_up(url: str) -> None:
    for _ in range(120):
        try:
            urllib.request.urlopen(url + "healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("server did not start")


class Watch:
    """Bytes, HTTP errors and console errors of one page load."""

    def __init__(self, page) -> None:
        self.bytes = 0
        self.errors: list[str] = []
        self.console: list[str] = []
        self.segments = 0
        page.on("requestfinished", self._finished)
        page.on("response", self._response)
        page.on("console", lambda m: m.type == "error" and self.console.append(m.text))
        page.on("pageerror", lambda e: self.console.append(str(e)))

    def _finished(self, request) -> None:
        sizes = request.sizes()
        self.bytes += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        if re.search(r"\.(ts|m4s)(\?|$)", request.url):
            self.segments += 1

    def _response(self, response) -> None:
        if response.status >= 400 and not response.url.endswith("favicon.ico"):
            self.errors.append(f"{response.status} {response.url}")


def axe_serious(page) -> list[str]:
    # Evaluated through the DevTools protocol: a <script> tag would be an inline
    # script, which the site's Content-Security-Policy rightly blocks.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.length)"
    )
    return found


ENGLISH_JS = r"""([allowed, content]) => {
  // What teachers wrote (titles, file names) is not interface text: taken out first.
  const strip = (text) => content.reduce((t, c) => t.split(c).join(" "), text);
  const words = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const skip = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "CODE", "TEMPLATE"]);
  const visible = (el) =>
    el && el.offsetParent !== null && !el.closest("[hidden],[aria-hidden=true]");
  let node;
  while ((node = walker.nextNode())) {
    const parent = node.parentElement;
    if (!parent || skip.has(parent.tagName) || !visible(parent)) continue;
    for (const w of strip(node.textContent).match(/[A-Za-z]{3,}/g) || []) {
      const text = node.textContent.trim().slice(0, 60);
      if (!allowed.includes(w.toLowerCase())) words.push(w + " ← " + text);
    }
  }
  return words;
}"""


def log_in(page, base: str, username: str) -> None:
    from core.demo import DEMO_PASSWORD

    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def measure(context, base: str, path: str) -> tuple[Watch, list[str], int]:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    watch = Watch(page)
    page.goto(base + path, wait_until="networkidle")
    page.wait_for_timeout(1000)  # anything that would fetch the stream early shows by now
    serious = axe_serious(page)
    players = page.locator(".player-box").count()
    page.close()
    return watch, serious, players


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path

    var_dir = tempfile.mkdtemp(prefix="khlang-bench-pages-")
    env = {
        **os.environ, "KHLANG_VAR_DIR": var_dir, "KHLANG_ENV": "test",
        "KHLANG_STATIC_HASHED": "1", "DJANGO_SETTINGS_MODULE": "khlang.settings",
        "CELERY_TASK_ALWAYS_EAGER": "1", "DEBUG": "0",
    }  # fmt: skip
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    say("building the site")
    urls = build_site(env, var_dir)
    content = content_strings()
    say(f"site built: {urls}")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nostatic"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    result: dict = {}
    notes: dict = {"axe": {}, "http_errors": [], "console_errors": [], "english": []}
    try:
        wait_up(base + "/")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            student = browser.new_context(locale="th-TH")
            log_in(student.new_page(), base, "student")
            axe_total = http_errors = console_errors = 0
            for name, path in urls.items():
                if not path or name.startswith("lesson_"):
                    continue
                say(f"student opens {path}")
                watch, serious, players = measure(student, base, path)
                result[f"{name}_bytes"] = watch.bytes
                if name in ("lesson", "media_item"):
                    key = "lesson_video" if name == "lesson" else "media_item"
                    result[f"{key}_bytes_before_play"] = watch.bytes
                    result[f"{key}_segments_before_play"] = watch.segments
                    result[f"{key}_players"] = players
                axe_total += len(serious)
                http_errors += len(watch.errors)
                console_errors += len(watch.console)
                notes["axe"][name] = serious
                notes["http_errors"] += watch.errors
                notes["console_errors"] += watch.console
            teacher = browser.new_context(locale="th-TH")
            tpage = teacher.new_page()
            log_in(tpage, base, "teacher")
            english = 0
            for path in TEACHER_SCREENS:
                path = path.format(**urls)
                say(f"teacher opens {path}")
                watch = Watch(tpage)
                tpage.goto(base + path, wait_until="networkidle")
                words = tpage.evaluate(ENGLISH_JS, [sorted(ENGLISH_ALLOWED), content])
                english += len(words)
                notes["english"] += [f"{path}: {w}" for w in words]
                http_errors += len(watch.errors)
                notes["http_errors"] += watch.errors
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    result.update(
        english_strings_on_teacher_pages=english,
        axe_serious=axe_total,
        http_errors=http_errors,
        console_errors=console_errors,
    )
    print(json.dumps(notes, ensure_ascii=False, indent=1), file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()

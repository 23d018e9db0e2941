"""A whole class starts the same quiz at once: Moodle's known weak point.

    python -m bench.quiz [--quick] [--students N] [--questions N]

Serves the site with gunicorn (real processes, 127.0.0.1 only) on PostgreSQL
(KHLANG_BENCH_DATABASE_URL, default a scratch database ``khlang_bench_quiz`` on
the local server; created once and kept, --fresh drops it first). Simulated
students, one thread each, start within a 10-second window, save every
answer, and submit. Think time is compressed: a student spends ~30–60 s on a
question, here ``--think`` seconds on average (3 s; 1.2 s with --quick; 0 for
a stampede with no pause). Some students retry their start and double-click
submit, as real ones do. Then the database is checked: every answer is stored
and each student has exactly one finished attempt. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

from ._setup import django_on_scratch_database, summary_ms

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("KHLANG_BENCH_PORT", "8120"))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/khlang_bench_quiz"


def ensure_database(url: str, fresh: bool) -> None:
    """Create the scratch database; kept between runs (migrating it costs a minute)."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def clear_previous_run() -> None:
    from core.models import AccessLog, UsageEvent, User
    from exambank.models import Category, Question, Quiz

    Quiz.objects.filter(title="bench").delete()
    Question.objects.filter(category__name="bench").delete()
    Category.objects.filter(name="bench").delete()
    User.objects.filter(username__startswith="bench").delete()
    UsageEvent.objects.filter(service="exambank").delete()
    AccessLog.objects.all().delete()


def build_fixture(students: int, questions: int) -> tuple[int, list[tuple[str, str]]]:
    """A 40-question quiz and logged-in sessions; returns (quiz id, [(username, session)])."""
    from django.test import Client

    from core.models import User
    from exambank.actions import save_question
    from exambank.models import Category, Question, Quiz, QuizSlot

    category = Category.objects.create(name="bench")
    quiz = Quiz.objects.create(title="bench", time_limit_seconds=3600, attempts_allowed=1)
    for n in range(questions):
        choices = [
            {"id": c, "text": f"ตัวเลือก {c}", "fraction": 1.0 if c == "a" else 0.0} for c in "abcd"
        ]
        question = Question(category=category, qtype="multichoice", name=f"ข้อ {n + 1}",
                            text=f"<p>ข้อที่ {n + 1}: เลือกคำตอบที่ถูกต้อง</p>",
                            data={"single": True, "choices": choices})  # fmt: skip
        save_question(question)
        QuizSlot.objects.create(quiz=quiz, order=n, question=question)
    users = User.objects.bulk_create(User(username=f"bench{i:04d}") for i in range(students))
    sessions = []
    for user in users:
        client = Client()
        client.force_login(user)
        sessions.append((user.username, client.cookies["sessionid"].value))
    return quiz.pk, sessions


class Student(threading.Thread):
    def __init__(self, index, username, session, quiz_id, questions, start_at, results, rng_seed):
        super().__init__(daemon=True)
        self.think = 0.0
        self.index, self.username, self.session = index, username, session
        self.quiz_id, self.questions, self.start_at = quiz_id, questions, start_at
        self.results = results
        self.rng = random.Random(rng_seed)
        self.csrf = secrets.token_hex(16)  # 32 characters: a valid CSRF secret

    def request(self, conn, method, path, body=None):
        headers = {
            "Cookie": f"sessionid={self.session}; csrftoken={self.csrf}",
            "X-CSRFToken": self.csrf,
            "Host": f"127.0.0.1:{PORT}",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.perf_counter()
        conn.request(
            method, path, body=urlencode(body) if body is not None else None, headers=headers
        )
        response = conn.getresponse()
        response.read()
        return response, time.perf_counter() - began

    def record(self, step, seconds, ok):
        with self.results["lock"]:
            self.results[step].append(seconds)
            if not ok:
                self.results["errors"] += 1

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        try:
            delay = self.start_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            key = secrets.token_hex(8)
            tries = 2 if self.index % 10 == 0 else 1  # a retried start (slow network)
            for _ in range(tries):
                response, spent = self.request(conn, "POST", f"/exams/quiz/{self.quiz_id}/start/",
                                               {"start_key": key})  # fmt: skip
                location = response.getheader("Location", "")
                ok = response.status == 302 and "/exams/attempt/" in location
                page, page_time = (
                    self.request(conn, "GET", urlparse(location).path) if ok else (None, 0)
                )
                self.record("start", spent + page_time, ok and page.status == 200)
            if not ok:
                return
            attempt = urlparse(location).path.rstrip("/").split("/")[-1]
            for position in range(1, self.questions + 1):
                time.sleep(self.rng.uniform(0.5, 1.5) * self.think)  # think time, compressed
                answer = "abcd"[(self.index + position) % 4]
                response, spent = self.request(
                    conn, "POST", f"/exams/attempt/{attempt}/save/",
                    {"position": position, "seq": position, f"q{position}": answer},
                )  # fmt: skip
                self.record("save", spent, response.status == 200)
            clicks = 2 if self.index % 7 == 0 else 1  # a double click on submit
            for _ in range(clicks):
                response, spent = self.request(
                    conn, "POST", f"/exams/attempt/{attempt}/submit/", {}
                )
                self.record("submit", spent, response.status == 302)
        except Exception as exc:  # noqa: BLE001 - every failure is counted, none hidden
            with self.results["lock"]:
                self.results["errors"] += 1
                self.results["failures"].append(f"{self.username}: {exc!r}")
        finally:
            conn.close()


def wait_for_server(process, deadline_s: float = 60) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


def verify(quiz_id: int, students: int, questions: int) -> dict:
    from django.db.models import Count, Q

    from core.models import User
    from exambank.models import AttemptSlot

    per_user = User.objects.filter(username__startswith="bench").annotate(
        attempts=Count("quiz_attempts", filter=Q(quiz_attempts__quiz_id=quiz_id)),
        finished=Count("quiz_attempts", filter=Q(quiz_attempts__state="finished")),
    )
    wrong_attempts = sum(1 for u in per_user if u.attempts != 1 or u.finished != 1)
    stored = {
        (username, position): response
        for username, position, response in AttemptSlot.objects.filter(
            attempt__quiz_id=quiz_id
        ).values_list("attempt__user__username", "position", "response")
    }
    lost = 0
    for i in range(students):
        for position in range(1, questions + 1):
            if stored.get((f"bench{i:04d}", position)) != "abcd"[(i + position) % 4]:
                lost += 1
    return {"students_without_exactly_one_finished_attempt": wrong_attempts, "lost_answers": lost}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--students", type=int)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    parser.add_argument("--think", type=float, help="mean seconds between answers")
    args = parser.parse_args()
    students = args.students or (60 if args.quick else 300)
    window = 5.0 if args.quick else 10.0
    think = args.think if args.think is not None else (1.2 if args.quick else 3.0)
    url = os.environ.get("KHLANG_BENCH_DATABASE_URL", DEFAULT_DB)
    ensure_database(url, args.fresh)
    var_dir = django_on_scratch_database(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    clear_previous_run()
    quiz_id, sessions = build_fixture(students, args.questions)
    from django.db import connections

    connections.close_all()
    env = {**os.environ, "DATABASE_URL": url, "KHLANG_VAR_DIR": var_dir, "KHLANG_ENV": "test",
           "CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING",
           # Production's access-log batching (the test default writes one row per request).
           "KHLANG_ACCESS_LOG_BATCH_SIZE": "50"}  # fmt: skip
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "khlang.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(args.threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for_server(server)
        results = {"start": [], "save": [], "submit": [], "errors": 0, "failures": [],
                   "lock": threading.Lock()}  # fmt: skip
        began = time.monotonic() + 0.5
        rng = random.Random(1)
        threads = [
            Student(
                i,
                username,
                session,
                quiz_id,
                args.questions,
                began + rng.uniform(0, window),
                results,
                i,
            )  # fmt: skip
            for i, (username, session) in enumerate(sessions)
        ]
        for thread in threads:
            thread.think = think
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        elapsed = time.monotonic() - began
    finally:
        server.terminate()
        server.wait(timeout=30)
    check = verify(quiz_id, students, args.questions)
    requests = sum(len(results[s]) for s in ("start", "save", "submit"))
    for step in ("start", "save", "submit"):
        print(f"{step:7} n={len(results[step]):6} {summary_ms(results[step])}")
    for failure in results["failures"][:10]:
        print("failure:", failure)
    print(f"requests={requests} elapsed={elapsed:.1f}s rps={requests / elapsed:.1f} {check}")
    stats = {s: summary_ms(results[s]) for s in ("start", "save", "submit")}
    print(
        json.dumps(
            {
                "bench": "quiz",
                "students": students,
                "questions": args.questions,
                "think_s": think,
                "errors": results["errors"]
                + check["students_without_exactly_one_finished_attempt"],
                "lost_answers": check["lost_answers"],
                "start_p50_ms": stats["start"]["p50_ms"],
                "start_p95_ms": stats["start"]["p95_ms"],
                "start_p99_ms": stats["start"]["p99_ms"],
                "save_p50_ms": stats["save"]["p50_ms"],
                "save_p95_ms": stats["save"]["p95_ms"],
                "save_p99_ms": stats["save"]["p99_ms"],
                "submit_p50_ms": stats["submit"]["p50_ms"],
                "submit_p95_ms": stats["submit"]["p95_ms"],
                "submit_p99_ms": stats["submit"]["p99_ms"],
                "requests_per_s": round(requests / elapsed, 1),
                "server": f"gunicorn gthread {args.workers}x{args.threads}",
                "goal_start_save_p95_ms": 300,
                "goal_submit_p95_ms": 500,
            }
        )
    )


if __name__ == "__main__":
    main()

"""A whole class starts the same quiz at once: Moodle's known weak point.

    python -m bench.quiz [--quick] [--students N] [--questions N]

Serves the site with gunicorn (real processes, 127.0.0.1 only) on PostgreSQL
(KHLANG_BENCH_DATABASE_URL, default a scratch database ``khlang_bench_quiz`` on
the local server; created once and kept, --fresh drops it first), with the
cache on KHLANG_BENCH_REDIS_URL and Celery on KHLANG_BENCH_BROKER_URL when
given, as in production. Simulated students, asyncio tasks with one
keep-alive connection each, start within a 10-second window (5 s with
--quick), open the question page, save every answer, and submit. Think
time is compressed: a student spends ~30–60 s on a question, here
``--think`` seconds on average (3 s; 0.8 s with --quick; 0 for a stampede
with no pause). Some students retry their start and double-click
submit, as real ones do. Then the database is checked: every answer is stored
and each student has exactly one finished attempt. The CPU the server
processes used per request is reported too: on a shared machine it says
more than the times. Last line: one JSON object.

Why this module is long: one self-contained scenario (set-up, server, load
client, report) reads best in one file.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import secrets
import subprocess
import sys
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


class Connection:
    """One student's keep-alive HTTP/1.1 connection, as a browser keeps one.

    A few lines of asyncio instead of a thread and http.client per student:
    the load generator shares the two cores with the server and PostgreSQL,
    and 300 threads fighting over one interpreter lock would add their own
    queueing to every measured time.
    """

    def __init__(self, session: str):
        self.csrf = secrets.token_hex(16)  # 32 characters: a valid CSRF secret
        self.head = (
            f"Host: 127.0.0.1:{PORT}\r\nCookie: sessionid={session}; csrftoken={self.csrf}\r\n"
            f"X-CSRFToken: {self.csrf}\r\n"
        )
        self.reader = self.writer = None

    async def request(self, method: str, path: str, form: dict | None = None):
        """Returns (status, headers, seconds); reconnects once if the server closed the line."""
        body = urlencode(form or {}).encode()
        head = f"{method} {path} HTTP/1.1\r\n{self.head}"
        if method == "POST":
            head += "Content-Type: application/x-www-form-urlencoded\r\n"
        data = f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", PORT)
            began = time.perf_counter()
            try:
                self.writer.write(data)
                status, headers = await self._response()
                return status, headers, time.perf_counter() - began
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _response(self):
        lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding") == "chunked":
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                await self.reader.readexactly(size + 2)
            await self.reader.readuntil(b"\r\n")
        else:
            await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def student(index, username, session, quiz_id, questions, start_at, think, results):
    """One student: start (some retry it), answer every question, submit (some twice)."""
    rng = random.Random(index)
    conn = Connection(session)
    loop = asyncio.get_running_loop()

    def record(step, seconds, ok):
        results[step].append(seconds)
        if not ok:
            results["errors"] += 1
            results["failures"].append(f"{username}: {step} failed")

    try:
        await asyncio.sleep(max(0.0, start_at - loop.time()))
        key = secrets.token_hex(8)
        tries = 2 if index % 10 == 0 else 1  # a retried start (slow network)
        for _ in range(tries):
            status, headers, spent = await conn.request(
                "POST", f"/exams/quiz/{quiz_id}/start/", {"start_key": key}
            )
            location = urlparse(headers.get("location", "")).path
            ok = status == 302 and "/exams/attempt/" in location
            page_ok, page_time = False, 0.0
            if ok:  # the question page the redirect leads to is part of starting
                page_status, _, page_time = await conn.request("GET", location)
                page_ok = page_status == 200
            record("start", spent + page_time, ok and page_ok)
        if not ok:
            return
        attempt = location.rstrip("/").split("/")[-1]
        for position in range(1, questions + 1):
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think)  # think time, compressed
            answer = "abcd"[(index + position) % 4]
            status, _, spent = await conn.request(
                "POST", f"/exams/attempt/{attempt}/save/",
                {"position": position, "seq": position, f"q{position}": answer},
            )  # fmt: skip
            record("save", spent, status == 200)
        clicks = 2 if index % 7 == 0 else 1  # a double click on submit
        for _ in range(clicks):
            status, _, spent = await conn.request("POST", f"/exams/attempt/{attempt}/submit/", {})
            record("submit", spent, status == 302)
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none hidden
        results["errors"] += 1
        results["failures"].append(f"{username}: {exc!r}")
    finally:
        conn.close()


async def warm_up(sessions, quiz_id: int, connections: int) -> None:
    """A running site is warm when a class arrives: each worker thread has loaded the
    URL configuration and templates and opened its database connection, and the
    students are looking at the quiz's page, waiting to be told to start. A few
    rounds of concurrent views of that page (which changes nothing) do that
    before the clock starts."""

    async def views(session):
        conn = Connection(session)
        try:
            for _ in range(3):
                await conn.request("GET", f"/exams/quiz/{quiz_id}/")
        finally:
            conn.close()

    await asyncio.gather(*(views(sessions[i % len(sessions)][1]) for i in range(connections)))


async def run_students(sessions, quiz_id, questions, window, think, results) -> float:
    loop = asyncio.get_running_loop()
    began = loop.time() + 0.5
    arrivals = random.Random(1)
    await asyncio.gather(
        *(
            student(
                i,
                username,
                session,
                quiz_id,
                questions,
                began + arrivals.uniform(0, window),
                think,
                results,
            )  # fmt: skip
            for i, (username, session) in enumerate(sessions)
        )
    )
    return loop.time() - began


def _cpu_seconds(pid: int) -> float:
    """User + system CPU a live process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(master: int) -> float:
    """CPU of the gunicorn master and its workers so far."""
    total = _cpu_seconds(master)
    for task in Path(f"/proc/{master}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += _cpu_seconds(int(child))
    return total


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
    # Two cores run the server, PostgreSQL and this client: a worker per core
    # plus one to use the time another spends waiting on a commit, and a few
    # threads each so a request waiting on the database does not hold the line.
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    parser.add_argument("--think", type=float, help="mean seconds between answers")
    args = parser.parse_args()
    students = args.students or (60 if args.quick else 300)
    window = 5.0 if args.quick else 10.0
    think = args.think if args.think is not None else (0.8 if args.quick else 3.0)
    url = os.environ.get("KHLANG_BENCH_DATABASE_URL", DEFAULT_DB)
    # Production runs the cache on Redis and Celery on Redis or RabbitMQ. Given
    # these, the server uses them (the quiz snapshot is then shared by every
    # worker, and the lessons' result messages are one cheap publish); without
    # them, the embedded defaults (per-process cache, SQLite-file broker).
    cache_url = os.environ.get("KHLANG_BENCH_REDIS_URL", "")
    broker_url = os.environ.get("KHLANG_BENCH_BROKER_URL", "")
    broker_given = bool(broker_url)
    broker_kind = urlparse(broker_url).scheme or "embedded sqlite"
    for name, value in (("REDIS_URL", cache_url), ("CELERY_BROKER_URL", broker_url)):
        if value:
            os.environ[name] = value
        else:
            os.environ.pop(name, None)
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
        results = {"start": [], "save": [], "submit": [], "errors": 0, "failures": []}
        asyncio.run(warm_up(sessions, quiz_id, 2 * args.workers * args.threads))
        server_cpu = server_cpu_seconds(server.pid)
        client_cpu = time.process_time()
        elapsed = asyncio.run(
            run_students(sessions, quiz_id, args.questions, window, think, results)
        )
        client_cpu = time.process_time() - client_cpu
        server_cpu = server_cpu_seconds(server.pid) - server_cpu
    finally:
        server.terminate()
        server.wait(timeout=30)
    if broker_given:
        from khlang.celery import app as celery_app

        celery_app.control.purge()  # nobody consumes the lessons' result messages here
    check = verify(quiz_id, students, args.questions)
    requests = sum(len(results[s]) for s in ("start", "save", "submit"))
    for step in ("start", "save", "submit"):
        print(f"{step:7} n={len(results[step]):6} {summary_ms(results[step])}")
    for failure in results["failures"][:10]:
        print("failure:", failure)
    print(f"requests={requests} elapsed={elapsed:.1f}s rps={requests / elapsed:.1f} {check}")
    per_request = {
        "server_cpu_ms_per_request": round(1000 * server_cpu / max(1, requests), 2),
        "client_cpu_ms_per_request": round(1000 * client_cpu / max(1, requests), 2),
    }
    print(per_request)
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
                **per_request,
                "server": f"gunicorn gthread {args.workers}x{args.threads}",
                "cache": "redis" if cache_url else "locmem",
                "broker": broker_kind,
                "goal_start_save_p95_ms": 300,
                "goal_submit_p95_ms": 500,
            }
        )
    )


if __name__ == "__main__":
    main()

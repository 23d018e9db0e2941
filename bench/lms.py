"""Lesson page, dashboard and watch-time heartbeats under concurrent students.

    python -m bench.lms [--quick] [--database-url URL] [--port 8130]

1. Builds a realistic area in a scratch PostgreSQL database (100 schools,
   20,000 students, 200 courses, 2,000 lessons, ~4 enrolments per student with
   some progress; --quick: 5,000 students and shorter runs), pages by bulk
   INSERT with computed tree paths, people and progress by COPY; the migrated
   schema is kept as a template database so a second run clones it instead of
   migrating again.
2. Counts queries per request for each endpoint in-process (same code path).
3. Starts a real gunicorn server (gthread workers) on 127.0.0.1, warms it
   with one untimed pass (30 students: dashboard and two lessons), and runs
   simulated students as asyncio tasks, each a bounded loop over one
   keep-alive connection: open the dashboard, open a lesson, then watch it,
   sending a heartbeat every 15 s, then the next lesson. Arrivals are spread
   over the first 15 s. Runs at 50 and at 200 concurrent students; then a
   saturation run (50 students asking for lesson pages with no pause) gives
   the most lesson pages per second. The load client shares the two cores
   with the server, so its own CPU use is reported per run.
Prints per-endpoint requests/s and p50/p95/p99 per level; the last line is one
JSON object. Timings depend on what else the machine runs at the time.

Why this module is long: one self-contained scenario (set-up, server, load
client, report) reads best in one file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ._setup import percentile

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/khlang_lms_bench"
HEARTBEAT_SECONDS = 15.0
ARRIVAL_SPREAD = 15.0
# The server keeps an idle connection this long (above the heartbeat interval,
# as a browser's connection to the site would be kept); the client drops its
# own a little earlier so it never sends on a connection being closed.
KEEP_ALIVE_SECONDS = 20
CLIENT_IDLE_SECONDS = KEEP_ALIVE_SECONDS - 2


# --- the database ------------------------------------------------------------------


def _admin_sql(url: str, *statements: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _schema_key() -> str:
    """Names of every migration file: a changed set means a stale template."""
    import hashlib

    names = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("*/migrations/0*.py"))
    import wagtail

    names.append(wagtail.__version__)
    return hashlib.sha1("\n".join(names).encode()).hexdigest()[:16]


def prepare_database(url: str) -> float:
    """A fresh database with the schema; returns seconds spent."""
    import psycopg

    started = time.perf_counter()
    name = urlsplit(url).path.lstrip("/")
    template = f"{name}_tpl_{_schema_key()}"
    parts = urlsplit(url)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        have = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
    if not have:
        _admin_sql(url, f'DROP DATABASE IF EXISTS "{template}"', f'CREATE DATABASE "{template}"')
        env = {**os.environ, "DATABASE_URL": parts._replace(path=f"/{template}").geturl()}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    _admin_sql(
        url,
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}" TEMPLATE "{template}"',
    )
    return time.perf_counter() - started


# --- simulated students --------------------------------------------------------------


@dataclass
class Student:
    session: str
    csrf: str
    lessons: list[tuple[str, int, int]]  # (url, lesson id, media id)


@dataclass
class Stats:
    timings: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)
    client_cpu_percent: float = 0.0  # of one core, used by this load generator

    def add(self, endpoint: str, seconds: float, ok: bool, note: str = "") -> None:
        self.timings.setdefault(endpoint, []).append(seconds)
        if not ok:
            self.errors[endpoint] = self.errors.get(endpoint, 0) + 1
            if len(self.samples) < 5:
                self.samples.append(f"{endpoint}: {note}")


def make_students(area, count: int, seed: int = 11) -> list[Student]:
    """Sessions for ``count`` enrolled students, each with video lessons to watch."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from core.models import User
    from lms.access import page_url

    rng = random.Random(seed)
    video_lessons: dict[int, list[tuple[str, int, int]]] = {}
    for lesson_id, (url_path, media_id, course_id, unit_no) in area.lessons.items():
        if media_id and unit_no == 1:
            url = page_url(url_path, area.home_url_path)
            video_lessons.setdefault(course_id, []).append((url, lesson_id, media_id))
    candidates = [uid for uid, courses in area.enrolled.items() if courses]
    chosen = rng.sample(candidates, count)
    users = {u.pk: u for u in User.objects.filter(pk__in=chosen)}
    students = []
    for user_id in chosen:
        store = SessionStore()
        store[SESSION_KEY] = str(user_id)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = users[user_id].get_session_auth_hash()
        store.create()
        lessons = [item for c in area.enrolled[user_id] for item in video_lessons.get(c, [])]
        students.append(Student(store.session_key, secrets.token_hex(16), lessons))
    return students


class Connection:
    """One simulated browser's keep-alive HTTP/1.1 connection to the server.

    Reused between requests like a browser's (the server keeps idle connections
    for KEEP_ALIVE_SECONDS, longer than the heartbeat interval); opened again
    when the server has closed it. Reads exactly Content-Length bytes, so no
    request waits for a connection to close.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used_at = 0.0

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, student: Student, body: bytes = b""):
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Cookie: sessionid={student.session}; csrftoken={student.csrf}\r\n"
            f"X-CSRFToken: {student.csrf}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        if self.writer is not None and time.monotonic() - self.used_at > CLIENT_IDLE_SECONDS:
            self.close()  # the server is about to drop it; do not race its close
        for attempt in (1, 2):
            reused = self.writer is not None
            if not reused:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            try:
                self.writer.write(head)
                await self.writer.drain()
                status, data, keep = await self._response()
            except (asyncio.IncompleteReadError, ConnectionError):
                self.close()
                if reused and attempt == 1:
                    continue  # closed by the server while idle: once more, fresh
                raise
            self.used_at = time.monotonic()
            if not keep:
                self.close()
            return status, data
        raise ConnectionError("unreachable")

    async def _response(self) -> tuple[int, bytes, bool]:
        header = await self.reader.readuntil(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        length = int(fields.get("content-length", "0"))
        data = await self.reader.readexactly(length) if length else b""
        return status, data, fields.get("connection", "").lower() != "close"


async def timed(
    stats: Stats, conn: Connection, endpoint: str, method: str, path: str, student, body=b"",
    also="",
):  # fmt: skip
    started = time.perf_counter()
    try:
        status, data = await asyncio.wait_for(conn.request(method, path, student, body), 30)
        ok, note = status == 200, f"HTTP {status} {data[-200:]!r}"
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
        conn.close()
        ok, note = False, repr(error)
    stats.add(endpoint, time.perf_counter() - started, ok, note)
    if also:  # the same request, counted once more under a second name
        stats.timings.setdefault(also, []).append(time.perf_counter() - started)


async def studying(student: Student, port: int, until: float, stats: Stats, rng) -> None:
    """Arrive, open the dashboard and a lesson, watch it reporting every 15 s, repeat.

    Heartbeats sent once every student has arrived (and the burst of first
    page loads has drained) are also counted as "heartbeat_steady".
    """
    steady_from = time.monotonic() + ARRIVAL_SPREAD + 5
    conn = Connection(port)
    await asyncio.sleep(rng.uniform(0, ARRIVAL_SPREAD))
    try:
        await _study(student, conn, until, steady_from, stats, rng)
    finally:
        conn.close()


async def _study(student: Student, conn, until: float, steady_from: float, stats, rng) -> None:
    while time.monotonic() < until:
        await timed(stats, conn, "dashboard", "GET", "/lms/my/", student)
        url, lesson_id, media_id = rng.choice(student.lessons)
        await timed(stats, conn, "lesson", "GET", url, student)
        played, start = 0.0, rng.choice([0.0, 0.0, 120.0])  # some resume mid-video
        for _ in range(rng.randint(2, 4)):
            if time.monotonic() + HEARTBEAT_SECONDS > until:
                return  # the run ends before the next report is due
            await asyncio.sleep(HEARTBEAT_SECONDS)
            played += HEARTBEAT_SECONDS
            report = {
                "lesson": lesson_id,
                "media": media_id,
                "ranges": [[start, start + played]],
                "position": start + played,
                "duration": 600,
            }
            body = json.dumps(report).encode()
            steady = "heartbeat_steady" if time.monotonic() >= steady_from else ""
            await timed(stats, conn, "heartbeat", "POST", "/lms/heartbeat/", student, body, steady)


async def hammering(student: Student, port: int, until: float, stats: Stats, rng) -> None:
    conn = Connection(port)
    try:
        while time.monotonic() < until:
            url, _lesson, _media = rng.choice(student.lessons)
            await timed(stats, conn, "lesson", "GET", url, student)
    finally:
        conn.close()


async def warming(student: Student, port: int, until: float, stats: Stats, rng) -> None:
    """Open the dashboard and two lessons once, untimed: every worker has loaded its
    templates and URL resolvers, and the shared caches hold these courses."""
    conn = Connection(port)
    try:
        await timed(stats, conn, "dashboard", "GET", "/lms/my/", student)
        for url, _lesson, _media in student.lessons[:2]:
            await timed(stats, conn, "lesson", "GET", url, student)
    finally:
        conn.close()


def run_level(students, port: int, seconds: float, behaviour, seed: int) -> tuple[Stats, float]:
    """Run ``behaviour`` for every student at once; the stats note the client's own CPU."""
    stats = Stats()
    rng = random.Random(seed)

    async def all_of_them():
        until = time.monotonic() + seconds
        await asyncio.gather(*(behaviour(s, port, until, stats, rng) for s in students))

    started, cpu = time.perf_counter(), time.process_time()
    asyncio.run(all_of_them())
    elapsed = time.perf_counter() - started
    stats.client_cpu_percent = round(100 * (time.process_time() - cpu) / elapsed, 1)
    return stats, elapsed


def figures(stats: Stats, elapsed: float) -> dict[str, dict]:
    out = {}
    for endpoint, values in sorted(stats.timings.items()):
        ms = [v * 1000 for v in values]
        out[endpoint] = {
            "requests": len(values),
            "rps": round(len(values) / elapsed, 2),
            "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1),
            "errors": stats.errors.get(endpoint, 0),
        }
    return out


# --- queries per request ---------------------------------------------------------------


def queries_per_request(student: Student) -> dict[str, int]:
    """Queries each endpoint runs for a warm, logged-in student (in-process)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.cookies["sessionid"] = student.session
    url, lesson_id, media_id = student.lessons[0]
    report = json.dumps({"lesson": lesson_id, "media": media_id, "ranges": [[0, 10]]})
    requests = {
        "lesson": lambda: client.get(url),
        "dashboard": lambda: client.get("/lms/my/"),
        "heartbeat": lambda: client.post("/lms/heartbeat/", report, "application/json"),
    }
    counts = {}
    for name, call in requests.items():
        assert call().status_code == 200, name  # warm caches and create the progress row
        with CaptureQueriesContext(connection) as captured:
            response = call()
        assert response.status_code == 200, name
        counts[name] = len(captured)
    return counts


# --- the server --------------------------------------------------------------------------


def start_server(port: int, workers: int, threads: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "khlang.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
            "--workers", str(workers), "--threads", str(threads),
            "--backlog", "2048", "--log-level", "warning", "--timeout", "60",
            "--keep-alive", str(KEEP_ALIVE_SECONDS),
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--database-url", default=os.environ.get("KHLANG_BENCH_DATABASE_URL", DEFAULT_DATABASE)
    )
    parser.add_argument("--port", type=int, default=8130)
    # Two cores: one process per core plus one, so a worker waiting on the GIL
    # or the database does not leave a core idle; a few threads each overlap
    # database round trips (more threads only queue on the GIL).
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    quick = args.quick
    seconds = 25.0 if quick else 90.0
    students_in_area = 5_000 if quick else 20_000
    started = time.perf_counter()

    os.environ.setdefault("KHLANG_ENV", "test")
    import tempfile

    os.environ["KHLANG_VAR_DIR"] = tempfile.mkdtemp(prefix="khlang-bench-")
    os.environ["KHLANG_ACCESS_LOG_BATCH_SIZE"] = "50"  # the production default
    schema_seconds = prepare_database(args.database_url)
    from ._setup import django_on_scratch_database

    django_on_scratch_database(args.database_url)
    from ._lms_area import build_area

    t0 = time.perf_counter()
    area = build_area(schools=100, students=students_in_area, courses=200, lessons_per_unit=5)
    build_seconds = time.perf_counter() - t0
    print(f"area {area.counts} built in {build_seconds:.1f}s (schema {schema_seconds:.1f}s)")

    students = make_students(area, 200)
    queries = queries_per_request(students[0])
    print(f"queries per request: {queries}")

    from django.db import connections

    connections.close_all()
    env = {**os.environ, "DATABASE_URL": args.database_url, "DEBUG": "false"}
    server = start_server(args.port, args.workers, args.threads, env)
    results: dict[str, dict] = {}
    samples: list[str] = []
    client_cpu: dict[str, float] = {}
    try:
        # A server that has just started has loaded no template and cached
        # nothing; a site in use has. One untimed pass warms every worker.
        stats, _elapsed = run_level(students[:30], args.port, 0, warming, 3)
        warm_errors = sum(stats.errors.values())
        samples += stats.samples
        for level in (50, 200):
            stats, elapsed = run_level(students[:level], args.port, seconds, studying, level)
            results[f"study_{level}"] = figures(stats, elapsed)
            client_cpu[f"study_{level}"] = stats.client_cpu_percent
            samples += stats.samples
            print(
                f"{level} students, {elapsed:.0f}s (load client {stats.client_cpu_percent}% "
                f"of a core): {results[f'study_{level}']}"
            )
        stats, elapsed = run_level(students[:50], args.port, 8 if quick else 20, hammering, 7)
        results["saturation_50"] = figures(stats, elapsed)
        client_cpu["saturation_50"] = stats.client_cpu_percent
        samples += stats.samples
        print(f"saturation, 50 students without pauses: {results['saturation_50']}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    for sample in samples:
        print("error sample:", sample)
    from core import access_log

    access_log.flush()
    connections.close_all()
    _admin_sql(
        args.database_url,
        f'DROP DATABASE IF EXISTS "{urlsplit(args.database_url).path.lstrip("/")}" WITH (FORCE)',
    )

    def p95(run: str, endpoint: str) -> float | None:
        return results.get(run, {}).get(endpoint, {}).get("p95_ms")

    errors = sum(f["errors"] for run in results.values() for f in run.values())
    errors += warm_errors
    per_level = {
        run: {name: {k: v for k, v in f.items() if k != "errors"} for name, f in ends.items()}
        for run, ends in results.items()
    }
    result = {
        "bench": "lms",
        "quick": quick,
        "lesson_p95_ms_50": p95("study_50", "lesson"),
        "dashboard_p95_ms_50": p95("study_50", "dashboard"),
        "heartbeat_p95_ms_200": p95("study_200", "heartbeat"),
        "lesson_p95_ms_200": p95("study_200", "lesson"),
        "heartbeat_p95_ms_50": p95("study_50", "heartbeat"),
        "heartbeat_steady_p95_ms_200": p95("study_200", "heartbeat_steady"),
        "lesson_rps_saturated_50": results["saturation_50"].get("lesson", {}).get("rps"),
        "lesson_p95_ms_saturated_50": p95("saturation_50", "lesson"),
        "queries_per_request": queries,
        "per_level": per_level,
        "client_cpu_percent": client_cpu,
        "area": area.counts,
        "build_seconds": round(build_seconds, 1),
        "server": f"gunicorn gthread {args.workers}x{args.threads}",
        "errors": errors,
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()

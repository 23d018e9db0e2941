"""A capacity model from measured unit costs: `python -m bench.capacity [--quick]`.

Measured on this machine, in this run:
  - transcoding: CPU seconds (this process and its ffmpeg children) per minute
    of a 720p camera-like clip through the real pipeline (per-title ladder,
    every rung, poster, sprite, download copy), and per rung the bytes one
    minute of watching moves (the rung's measured average bitrate);
  - web: CPU milliseconds of one request through the whole Django stack (test
    client, demo content on a scratch SQLite database) for a lesson page, a
    media page, a search query and a quiz's start, autosave and submit.
Then, for each scale in bench/capacity.yaml (an area, a province, the whole
country), the hosts needed at peak and the egress, with and without school
mirrors serving their own LAN. docs/capacity.md explains the model and its
limits. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench._setup import django_on_scratch_database

SCALES = Path(__file__).with_name("capacity.yaml")


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def transcode_costs(seconds: int) -> dict:
    from bench._natural import make_natural_clip
    from transcoding import pipeline

    work = Path(tempfile.mkdtemp(prefix="khlang-capacity-"))
    clip = make_natural_clip(work / "lesson.mp4", "lecture", 1280, 720, seconds=seconds)
    before = cpu_seconds()
    result = pipeline.transcode(clip, work / "out")
    spent = cpu_seconds() - before
    minutes = result.duration / 60
    return {
        "source": "1280x720 lecture",
        "rungs": [v["name"] for v in result.variants],
        "cpu_s_per_video_minute": round(spent / minutes, 2),
        "bytes_per_minute_watched": {
            v["name"]: round(v["average_kbps"] * 1000 / 8 * 60) for v in result.variants
        },
    }


def _cpu_ms(call, repeats: int) -> float:
    """Median CPU milliseconds of ``call`` (the process's own CPU: the request
    runs in this process through the test client)."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        call()
        times.append((time.process_time() - start) * 1000)
    return round(statistics.median(times), 2)


def web_costs(repeats: int) -> dict:
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from core.demo import load_demo
    from core.models import User
    from exambank.models import Quiz
    from lms.models.pages import LessonPage
    from media_center.models import MediaItem

    call_command("migrate", verbosity=0)
    load_demo()
    student = User.objects.get(username="student")
    client = Client()
    client.force_login(student)
    costs: dict = {}
    lesson = LessonPage.objects.live().first()
    if lesson is not None:
        costs["lesson_view_cpu_ms"] = _cpu_ms(lambda: client.get(lesson.url), repeats)
    item = MediaItem.objects.filter(status="ready").first()
    if item is not None:
        page = reverse("media_center:detail", args=[item.pk])
        costs["media_view_cpu_ms"] = _cpu_ms(lambda: client.get(page), repeats)
    search = reverse("search") + "?q=คณิตศาสตร์"
    costs["search_query_cpu_ms"] = _cpu_ms(lambda: client.get(search), repeats)
    costs.update(quiz_costs(client, Quiz.objects.first(), repeats))
    return costs


def quiz_costs(client, quiz, repeats: int) -> dict:
    """Start, autosave and submit of one attempt each time (a fresh attempt per start)."""
    from django.urls import reverse

    if quiz is None:
        return {}
    starts, saves, submits = [], [], []
    for n in range(repeats):
        began = time.process_time()
        started = client.post(reverse("exambank:start", args=[quiz.pk]), {"start_key": f"k{n}"})
        starts.append(time.process_time() - began)
        attempt = int(started["Location"].rstrip("/").split("/")[-1])
        began = time.process_time()
        client.post(reverse("exambank:save", args=[attempt]), {"position": 1, "seq": 1, "q1": "1"})
        saves.append(time.process_time() - began)
        began = time.process_time()
        client.post(reverse("exambank:submit", args=[attempt]))
        submits.append(time.process_time() - began)
    median_ms = lambda values: round(statistics.median(values) * 1000, 2)  # noqa: E731
    return {
        "quiz_start_cpu_ms": median_ms(starts),
        "quiz_save_cpu_ms": median_ms(saves),
        "quiz_submit_cpu_ms": median_ms(submits),
    }


def plan(units: dict, config: dict) -> dict:
    """Hosts and egress at peak for every scale (pure: tests and docs use it)."""
    hosts, viewing, exam = config["hosts"], config["viewing"], config["exam_day"]
    web, video = units["web"], units["transcode"]
    per_minute = video["bytes_per_minute_watched"]
    rung = viewing["rung_watched"] if viewing["rung_watched"] in per_minute else min(per_minute)
    bits_per_viewer = per_minute[rung] * 8 / 60
    page_ms = web.get("lesson_view_cpu_ms", web.get("media_view_cpu_ms", 0))
    out = {}
    for name, scale in config["scales"].items():
        viewers = scale["students"] * scale["share_watching_at_peak"]
        page_rate = viewers * viewing["lesson_views_per_viewer_hour"] / 3600
        search_rate = viewers * viewing["searches_per_viewer_hour"] / 3600
        examinees = scale["students"] * scale["exam_concurrency"]
        save_rate = examinees * exam["saves_per_student_minute"] / 60
        start_rate = examinees / (5 * 60)  # a sitting starts within five minutes
        web_cpu = (
            page_rate * page_ms
            + search_rate * web["search_query_cpu_ms"]
            + save_rate * web.get("quiz_save_cpu_ms", 0)
            + start_rate * (web.get("quiz_start_cpu_ms", 0) + web.get("quiz_submit_cpu_ms", 0))
        ) / 1000  # cores busy at peak (viewing and an exam sitting at once)
        usable = hosts["target_utilisation"]
        encode_cores = (scale["new_video_hours_per_day"] * 60 * video["cpu_s_per_video_minute"]) / (
            scale["encode_window_hours"] * 3600
        )
        egress = viewers * bits_per_viewer / 1e9
        on_lan = scale["share_schools_with_mirror"] * scale["share_viewing_at_school"]
        requests = page_rate + search_rate + save_rate + start_rate
        out[name] = {
            "peak_viewers": round(viewers),
            "peak_requests_per_second": round(requests, 1),
            "web_hosts": max(1, math.ceil(web_cpu / (hosts["web_cores"] * usable))),
            "transcode_hosts": max(1, math.ceil(encode_cores / (hosts["worker_cores"] * usable))),
            "database_hosts": max(1, math.ceil(requests / hosts["db_requests_per_second"])),
            "search_hosts": max(1, math.ceil(search_rate / hosts["search_queries_per_second"])),
            "peak_egress_gbps": round(egress, 3),
            "peak_egress_gbps_with_mirrors": round(egress * (1 - on_lan), 3),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a shorter clip, fewer repeats")
    parser.add_argument("--scales", default=str(SCALES), help="the YAML of scales")
    args = parser.parse_args()
    django_on_scratch_database()
    import yaml  # from the test extra: the production image imports this module without it

    config = yaml.safe_load(Path(args.scales).read_text(encoding="utf-8"))
    started = time.monotonic()
    units = {
        "transcode": transcode_costs(10 if args.quick else 30),
        "web": web_costs(5 if args.quick else 20),
    }
    result = {
        "bench": "capacity",
        "quick": args.quick,
        "unit_costs": units,
        "scales": plan(units, config),
        "seconds": round(time.monotonic() - started, 1),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())

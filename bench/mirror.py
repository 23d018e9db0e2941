"""School mirror sync over a throttled link.

    python -m bench.mirror [--quick]

Runs a central and a mirror as two real processes (own SQLite databases and
media folders) with a throttling TCP proxy between them (bench/_link.py), and a
library of media items (MediaItem rows, ready, each with an HLS folder of
240p/360p/480p renditions), sent through the media center's own mirror source.
The mirror keeps up to 360p, so 480p renditions never cross the link.

Measured in this run:
  first sync      bytes over the link, time with the link unthrottled, and the
                  time projected at 512 and 256 kbps (bytes / (cap x measured
                  throughput ratio)): at those caps a first sync takes hours,
                  so it is projected, not waited for;
  incremental     one item re-encoded, synced at 512 kbps and (another item)
                  at 256 kbps: bytes over the link / changed bytes, feed and
                  status report included; throughput = file bytes / time on the link;
  resume          one item changed, the sync process killed (SIGKILL) at 50%
                  of its bytes, then run again: bytes the second run moved
                  beyond what was missing, in chunks; the second run goes over
                  an open link with the mirror's own 512 kbps token bucket,
                  which measures the client cap too;
  school cases    (bench/_mirror_cases.py) the school's USB bundle against what its
                  mirror holds (bundle_bytes_vs_selection); 20 new accounts and a
                  renamed one with a re-encoded item on a full disk
                  (applied_records_when_disk_full, of file_less_records_...); two
                  items deleted and one renamed after that bundle was made, then
                  the old bundle imported (resurrected_records); a second school
                  behind a real satellite-like link (network namespace, tc tbf
                  256 kbit/s, nftables 1 % loss each way, 600 ms round trip):
                  first sync, a sync killed at half a changed item, its resume
                  (throughput_vs_cap_satellite, satellite_resume_extra_chunks;
                  null with the reason when not root);
  results         a school day (200 students, 25 events each) pushed at 256 kbps.
Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _mirror_cases as cases  # noqa: E402
from bench._link import ThrottledLink  # noqa: E402
from core.waiting import wait_for  # noqa: E402
from mirror.devsites import SitePair, cached_template  # noqa: E402
from mirror.signing import load_private_key, public_key_text  # noqa: E402

CHUNK = 64 * 1024
SCHOOL = "1058100001"
SUBJECTS = ["ค", "ว", "ท", "อ"]
SELECTED = ["ค", "ว", "ท"]  # the school's subjects: อ stays on central
GRADES = ["ป.4", "ป.5", "ป.6"]

TIMED_SYNC = """
import json, time
from mirror.sync import SyncManager
started = time.monotonic()
manager = SyncManager()
result = manager.run(force=True)
print("RESULT " + json.dumps({"seconds": time.monotonic() - started,
      "bytes": result.bytes_fetched, "files": result.files_fetched,
      "fetch_seconds": result.fetch_seconds,
      "client_throughput_bps": manager.client.file_throughput_bps()}))
"""

TIMED_PUSH = """
import json, time
from mirror.push import PushManager
started = time.monotonic()
result = PushManager().run()
print("RESULT " + json.dumps({"seconds": time.monotonic() - started, "sent": result.sent,
      "accepted": result.accepted}))
"""

SCHOOL_DAY = """
import datetime as dt
from django.utils import timezone
from core.models import School, User
from django.db import transaction
from core.usage import record_event
school = School.objects.get(code="{school}")
day = timezone.now().replace(hour=8, minute=0, second=0, microsecond=0)
actions = ["view", "watch", "watch", "complete", "attempt"]
with transaction.atomic():
    for n in range(200):
        name = f"day-student-{{n:03d}}"
        user, _ = User.objects.get_or_create(username=name, defaults={{"school": school}})
        for i in range(25):
            action = actions[i % 5]
            record_event(
                service="media", action=action, user=user,
                seconds=30.0 if action == "watch" else 0,
                value=80.0 if action == "attempt" else None,
                time=day + dt.timedelta(minutes=i * 12),
                key=f"day:{{n}}:{{i}}", site="school-1",
            )
print("events", 200 * 25)
"""


def result_of(output: str) -> dict:
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


FIRST_ITEM_ID = 1001  # the library's media items take ids from here (the demo's are below)

LIBRARY_ROWS = """
import json
from core.models import GradeLevel, SubjectGroup
from media_center.models import MediaItem
info = {{"variants": [{{"name": f"{{h}}p", "height": h}} for h in (240, 360, 480)]}}
for item in json.loads(open({path!r}, encoding="utf-8").read()):
    row = MediaItem.objects.create(
        pk=item["id"], title=item["title"], type="video", licence="cc-by",
        copyright_holder="bench", status="ready", rendition_version="v1", height=480,
        rendition_info=info,
    )
    row.subject_groups.set(SubjectGroup.objects.filter(code=item["subject"]))
    row.grade_levels.set(GradeLevel.objects.filter(code=item["grade"]))
"""


def build_library(root: Path, count: int, quick: bool, rng: random.Random) -> list[dict]:
    """Rendition folders under central's ``protected/renditions/<id>/``."""
    from bench._mirror_library import make_item

    items = []
    scale = 0.15 if quick else 1.0  # --quick: items of 0.25–0.7 MB instead of 1.7–4.7 MB
    for index in range(count):
        item_id = FIRST_ITEM_ID + index
        key = "v1"
        sizes = {
            240: int(rng.randint(200_000, 500_000) * scale),
            360: int(rng.randint(500_000, 1_200_000) * scale),
            480: int(rng.randint(1_000_000, 3_000_000) * scale),
        }
        make_item(root / str(item_id), key, sizes, seed=index)
        items.append(
            {
                "id": item_id,
                "key": key,
                "title": f"สื่อการเรียนรู้ {index + 1}",
                "folder": str(root / str(item_id) / key),
                "subject": rng.choice(SUBJECTS),
                "grade": rng.choice(GRADES),
                "sizes": sizes,
            }
        )
    return items


def change_item(item: dict, rng: random.Random, dropped=("480p",)) -> int:
    """Re-encode one item (new bytes, same sizes); returns the bytes a mirror
    that leaves out the ``dropped`` rungs needs (360p mirror by default)."""
    from bench._mirror_library import make_item

    make_item(Path(item["folder"]).parent, item["key"], item["sizes"], seed=rng.randint(0, 10**9))
    folder = Path(item["folder"])
    kept = [p for p in folder.rglob("*") if p.is_file() and p.parts[-2] not in dropped]
    return sum(p.stat().st_size for p in kept)


def item_files(item: dict, dropped=("480p",)) -> dict[str, int]:
    """sha → size of an item's files a mirror without the ``dropped`` rungs keeps."""
    files = {}
    for path in Path(item["folder"]).rglob("*"):
        if path.is_file() and path.parts[-2] not in dropped:
            data = path.read_bytes()
            files[hashlib.sha256(data).hexdigest()] = len(data)
    return files


def missing_bytes(store_root: Path, files: dict[str, int]) -> int:
    """What the mirror's disk still lacks of ``files`` (whole and partial copies count)."""
    total = 0
    for sha, size in files.items():
        if (store_root / sha[:2] / sha[2:4] / sha).exists():
            continue
        partial = store_root / "partial" / f"{sha}.part"
        total += size - (partial.stat().st_size if partial.exists() else 0)
    return total


def transfer_rows(central, after: int) -> list[tuple]:
    with sqlite3.connect(central.database) as db:
        return db.execute(
            "SELECT id, sha, start, bytes_sent FROM mirror_transferlog WHERE id > ? ORDER BY id",
            (after,),
        ).fetchall()


def last_transfer(central) -> int:
    with sqlite3.connect(central.database) as db:
        return db.execute("SELECT COALESCE(MAX(id), 0) FROM mirror_transferlog").fetchone()[0]


def timed_sync(pair, link, kbps: int, client_kbps: int = 0) -> dict:
    """One sync with the link at ``kbps`` and the mirror's own cap at ``client_kbps``."""
    link.set_rate(kbps)
    link.reset_counters()
    cap = {"KHLANG_MIRROR_BANDWIDTH_KBPS": str(client_kbps)}
    run = result_of(pair.mirror.shell(TIMED_SYNC, **cap))
    run["link_bytes"] = link.down_bytes + link.up_bytes
    run["throughput_bps"] = link.file_throughput_bps()
    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    rng = random.Random(7)
    count = 50
    folder = Path(tempfile.mkdtemp(prefix="khlang-bench-mirror-"))
    # The migrated template is cached between runs (keyed by the migrations).
    pair = SitePair.create(folder, template=cached_template())
    link = None
    try:
        central, mirror = pair.central, pair.mirror
        renditions = central.folder / "protected" / "renditions"
        items = build_library(renditions, count, args.quick, rng)
        catalogue = central.folder / "bench-library.json"
        catalogue.write_text(json.dumps(items, ensure_ascii=False))
        library_bytes = sum(sum(item["sizes"].values()) for item in items)
        central.shell(
            LIBRARY_ROWS.format(path=str(catalogue))
            + "from django.core.management import call_command\n"
            "from mirror.feed import refresh_feed\n"
            "call_command('load_demo')\n"
            f"call_command('mirror_register', 'school-1', '--school', '{SCHOOL}', "
            f"'--public-key', '{pair.mirror_public_key}', '--max-height', '360', "
            f"'--subjects', '{','.join(SELECTED)}')\n"
            "refresh_feed()\n"
        )
        print(f"set-up: {time.monotonic() - started:.1f} s")
        central.env["ALLOWED_HOSTS"] = "127.0.0.1,localhost,10.203.0.1"  # satellite host end
        central.start_server()
        link = ThrottledLink(central.port)
        pair.point_mirror_at(link.url)
        print(f"library: {count} items, {library_bytes / 1e6:.1f} MB (all renditions)")

        first = timed_sync(pair, link, 0)
        print(f"first sync (unthrottled): {first}")
        selected = [item for item in items if item["subject"] in SELECTED]
        others = [item for item in items if item["subject"] not in SELECTED]
        bundle = cases.bundle_vs_selection(pair, SCHOOL)
        print(f"school bundle: {bundle['bundle_bytes']} B for a selection of "
              f"{bundle['selection_bytes']} B")  # fmt: skip

        changed_512 = change_item(selected[10], rng)
        incr_512 = timed_sync(pair, link, 512)
        print(f"incremental @512k: changed {changed_512} B, {incr_512}")
        changed_256 = change_item(selected[20], rng)
        incr_256 = timed_sync(pair, link, 256)
        print(f"incremental @256k: changed {changed_256} B, {incr_256}")

        # Resume: kill the sync at 50% of the changed bytes, then run it again.
        changed_resume = change_item(selected[30], rng)
        link.set_rate(512)
        link.reset_counters()
        before_kill = last_transfer(central)
        process = mirror.popen("mirror_sync", "--force")
        try:
            wait_for(lambda: link.file_bytes >= changed_resume / 2, 300, "50% of the item")
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        first_half = link.file_bytes
        wait_for(
            lambda: all(row[3] > 0 for row in transfer_rows(central, before_kill)),
            30, "central to close the cut transfer",
        )  # fmt: skip
        missing = missing_bytes(mirror.folder / "content", item_files(selected[30]))
        resumed_from = last_transfer(central)
        # The second run crosses an open link, capped by the mirror's token bucket.
        resumed = timed_sync(pair, link, 0, client_kbps=512)
        second_rows = transfer_rows(central, resumed_from)
        second_bytes = sum(row[3] for row in second_rows)
        resumed_bytes = sum(row[2] for row in second_rows)
        resume_extra_chunks = math.ceil(max(second_bytes - missing, 0) / CHUNK)
        print(
            f"resume: changed {changed_resume} B, first run {first_half} B on the link, "
            f"{missing} B still missing after the kill; second run sent {second_bytes} B "
            f"in {len(second_rows)} files (one continued from byte {resumed_bytes})"
        )

        # A full disk: accounts and text still arrive; then an old bundle after
        # deletions and a rename must bring nothing back.
        link.set_rate(0)
        full = cases.disk_full(
            pair, SCHOOL, selected[5]["id"], lambda: change_item(selected[5], rng)
        )
        print(f"disk full: {full}")
        gone = [selected[1]["id"], selected[2]["id"]]
        revived = cases.resurrection(pair, bundle["bundle"], gone, selected[3]["id"])
        print(f"old bundle after deletions: {revived}")

        # A second school behind a satellite-like link (namespace, tc, loss, delay).
        def register_satellite(site) -> None:
            key = public_key_text(load_private_key(site.env["KHLANG_MIRROR_SIGNING_KEY"]))
            central.manage(
                "mirror_register", "school-sat", "--school", SCHOOL, "--public-key", key,
                "--max-height", "240", "--subjects", "อ",
            )  # fmt: skip

        low = ("360p", "480p")
        sat = cases.satellite_link(
            pair, cached_template(), register_satellite,
            lambda: change_item(others[0], rng, dropped=low),
            lambda site: missing_bytes(site.folder / "content", item_files(others[0], low)),
        )  # fmt: skip

        # A school day of results, up through the link at 256 kbps.
        mirror.shell(SCHOOL_DAY.format(school=SCHOOL))
        link.set_rate(256)
        link.reset_counters()
        push = result_of(mirror.shell(TIMED_PUSH))
        push_link = link.down_bytes + link.up_bytes
        print(f"results @256k: {push}, {push_link} B on the link")

        throughputs = [incr_512["throughput_bps"] / 512_000, incr_256["throughput_bps"] / 256_000]
        ratio = min(throughputs)
        first_bytes = first["link_bytes"]
        summary = {
            "bench": "mirror",
            "quick": args.quick,
            "items": count,
            "library_bytes_all_renditions": library_bytes,
            "first_sync_bytes": first_bytes,
            "first_sync_s_unthrottled": round(first["seconds"], 2),
            "first_sync_s_512k_projected": round(first_bytes * 8 / (512_000 * ratio), 1),
            "first_sync_s_256k_projected": round(first_bytes * 8 / (256_000 * ratio), 1),
            "incremental_changed_bytes_512k": changed_512,
            "incremental_link_bytes_512k": incr_512["link_bytes"],
            "incremental_s_512k": round(incr_512["seconds"], 2),
            "incremental_changed_bytes_256k": changed_256,
            "incremental_link_bytes_256k": incr_256["link_bytes"],
            "incremental_s_256k": round(incr_256["seconds"], 2),
            "incremental_bytes_ratio": round(
                max(incr_512["link_bytes"] / changed_512, incr_256["link_bytes"] / changed_256), 4
            ),
            "resume_changed_bytes": changed_resume,
            "resume_second_run_bytes": second_bytes,
            "resume_missing_bytes": missing,
            "resume_extra_chunks": resume_extra_chunks,
            "resume_s_512k": round(resumed["seconds"], 2),
            "throughput_vs_cap_512k": round(throughputs[0], 3),
            "throughput_vs_cap_256k": round(throughputs[1], 3),
            "throughput_vs_cap": round(ratio, 3),
            "client_cap_throughput_vs_cap_512k": round(
                resumed["bytes"] * 8 / resumed["fetch_seconds"] / 512_000, 3
            ),
            "results_events": push["sent"],
            "results_link_bytes_256k": push_link,
            "results_upload_s_256k": round(push["seconds"], 2),
            "bundle_bytes": bundle["bundle_bytes"],
            "selection_bytes": bundle["selection_bytes"],
            "bundle_bytes_vs_selection": bundle["bundle_bytes_vs_selection"],
            "file_less_records_when_disk_full": full["file_less_records_when_disk_full"],
            "applied_records_when_disk_full": full["applied_records_when_disk_full"],
            "resurrected_records": revived["resurrected_records"],
            **sat,
            "wall_s": round(time.monotonic() - started, 1),
        }
        print(json.dumps(summary, ensure_ascii=False))
    finally:
        if link:
            link.close()
        pair.stop()


if __name__ == "__main__":
    main()

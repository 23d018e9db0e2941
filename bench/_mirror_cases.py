"""The school cases of bench.mirror: a school's bundle against its selection, a
full disk, an old bundle after deletions, and a real satellite-like link.

Each function runs on the SitePair of bench/mirror.py after its first sync and
returns the figures it adds to the summary.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.waiting import wait_for
from mirror import satellite
from mirror.devsites import ROOT

CHUNK = 64 * 1024


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def store_bytes(site) -> int:
    """What the mirror's store holds now (its selection, once a sync is done)."""
    content = site.folder / "content"
    return sum(
        p.stat().st_size for p in content.rglob("*") if p.is_file() and p.parent.name != "partial"
    )


def bundle_vs_selection(pair, school: str) -> dict:
    """Central's bundle for the school, against what the school's mirror holds."""
    bundle = Path(tempfile.mkdtemp(prefix="khlang-bench-bundle-"))
    pair.central.manage("mirror_export_bundle", str(bundle / "usb"), "--school", school)
    total, selection = folder_bytes(bundle / "usb"), store_bytes(pair.mirror)
    return {
        "bundle": bundle / "usb",
        "bundle_bytes": total,
        "selection_bytes": selection,
        "bundle_bytes_vs_selection": round(total / selection, 4),
    }


DISK_FULL_CHANGES = """
from core.models import School, User
from media_center.models import MediaItem
school = School.objects.get(code="{school}")
for n in range({count}):
    User.objects.create_user(username=f"new-pupil-{{n:02d}}", password="x", school=school)
User.objects.filter(username="student").update(first_name="เปลี่ยนชื่อ")
MediaItem.objects.filter(pk={item}).update(title="แก้ชื่อ")
"""

COUNT_APPLIED = """
from core.models import User
print("APPLIED", User.objects.filter(username__startswith="new-pupil-").count()
      + User.objects.filter(username="student", first_name="เปลี่ยนชื่อ").count())
"""


def disk_full(pair, school: str, item_id: int, change_item) -> dict:
    """File-less changes (accounts, a name) with a re-encoded item on a disk
    with no room for its files: the accounts must arrive all the same."""
    count = 20
    pair.central.shell(DISK_FULL_CHANGES.format(school=school, count=count, item=item_id))
    change_item()
    used = store_bytes(pair.mirror)
    failed = pair.mirror.manage(
        "mirror_sync", "--force", check=False, KHLANG_MIRROR_DISK_QUOTA_BYTES=str(used + 4096)
    )
    output = pair.mirror.shell(COUNT_APPLIED)
    applied = int(
        next(line for line in output.splitlines() if line.startswith("APPLIED")).split()[1]
    )
    message = next((line for line in failed.stderr.splitlines() if "disk" in line), "")
    pair.mirror.manage("mirror_sync", "--force")  # room again: the rest arrives
    return {
        "file_less_records_when_disk_full": count + 1,
        "applied_records_when_disk_full": applied,
        "disk_full_message": message[-300:],
    }


RESURRECTION_CHANGES = """
from media_center.models import MediaItem
MediaItem.objects.filter(pk__in={gone}).delete()
MediaItem.objects.filter(pk={changed}).update(title="ชื่อใหม่หลังชุด USB")
"""

RESURRECTED = """
from media_center.models import MediaItem
back = MediaItem.objects.filter(pk__in={gone}).count()
undone = MediaItem.objects.filter(pk={changed}).exclude(title="ชื่อใหม่หลังชุด USB").count()
print("RESURRECTED", back + undone)
"""


def resurrection(pair, old_bundle: Path, gone: list[int], changed: int) -> dict:
    """Two items deleted and one renamed on central after a bundle was made; the
    mirror syncs, then the old bundle is imported: nothing may come back."""
    pair.central.shell(RESURRECTION_CHANGES.format(gone=gone, changed=changed))
    pair.mirror.manage("mirror_sync", "--force")
    pair.mirror.manage("mirror_import_bundle", str(old_bundle))
    output = pair.mirror.shell(RESURRECTED.format(gone=gone, changed=changed))
    line = next(line for line in output.splitlines() if line.startswith("RESURRECTED"))
    return {"resurrected_records": int(line.split()[1])}


TIMED_SYNC = """
import json, time
from mirror.sync import SyncManager
manager = SyncManager()
started = time.monotonic()
result = manager.run(force=True)
print("RESULT " + json.dumps({"seconds": time.monotonic() - started,
      "bytes": result.bytes_fetched, "throughput_bps": manager.client.file_throughput_bps()}))
"""


def _in_namespace(link, site, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        link.command([sys.executable, "manage.py", *args]),
        cwd=ROOT, env=site.environ(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )  # fmt: skip


def _timed(link, site) -> dict:
    process = _in_namespace(link, site, "shell", "-c", TIMED_SYNC)
    output, _ = process.communicate(timeout=3600)
    line = next((line for line in output.splitlines() if line.startswith("RESULT ")), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"sync over the satellite link failed:\n{output[-3000:]}")
    return json.loads(line[len("RESULT ") :])


def satellite_link(pair, template: Path, register, change_item, missing_after) -> dict:
    """A second school on a 256 kbit/s, 600 ms, 1 % loss link in a namespace:
    first sync, a sync killed at half of a changed item, and its resume."""
    why = satellite.available()
    if why:
        print(f"satellite link skipped: {why}")
        return {"throughput_vs_cap_satellite": None, "satellite_skipped": why}
    site = pair.another_mirror("satellite-school", "school-sat", template)
    register(site)
    kbit = 256
    with satellite.SatelliteLink(pair.central.port, prefix="khmir", subnet="10.203.0") as link:
        site.env["KHLANG_MIRROR_CENTRAL_URL"] = link.url
        first = _timed(link, site)
        print(f"satellite first sync: {first}")
        changed = change_item()
        before = link.down_bytes
        process = _in_namespace(link, site, "mirror_sync", "--force")
        try:
            wait_for(lambda: link.down_bytes - before >= changed / 2, 1200, "half the item")
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        missing = missing_after(site)
        link.reset_counters()
        started = time.monotonic()
        resumed = _timed(link, site)
        extra = math.ceil(max(resumed["bytes"] - missing, 0) / CHUNK)
        print(
            f"satellite resume: {missing} B missing, {resumed} ({time.monotonic() - started:.0f} s)"
        )
    return {
        "satellite_first_sync_bytes": first["bytes"],
        "satellite_first_sync_s": round(first["seconds"], 1),
        "throughput_vs_cap_satellite": round(first["throughput_bps"] / (kbit * 1000), 3),
        "satellite_resume_throughput_vs_cap": round(resumed["throughput_bps"] / (kbit * 1000), 3),
        "satellite_resume_extra_chunks": extra,
    }

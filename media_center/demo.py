"""Demo media for `make run`: a generated lesson clip, a tone and a link.

The clip is made with ffmpeg's test pattern (nothing is downloaded) and goes
through the same upload path as a teacher's file, so the running worker encodes
it and the player has something to play.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files import File

from core.models import GradeLevel, School, SubjectGroup, User
from transcoding import samples

from .actions import school_collection
from .models import Licence, MediaItem, MediaKind, Visibility

DEMO_SCHOOL = "1058100001"


def load_demo_media() -> int:
    """Create the demo items once; returns how many were created."""
    if MediaItem.objects.filter(import_key__startswith="demo:").exists():
        return 0
    school = School.objects.filter(code=DEMO_SCHOOL).first()
    teacher = User.objects.filter(username="teacher").first()
    common = {
        "licence": Licence.CC_BY,
        "copyright_holder": "คลัง Khlang (ตัวอย่าง)",
        "visibility": Visibility.PUBLIC,
        "owner_school": school,
        "owner_area": school.network.area if school else None,
        "uploaded_by_user": teacher,
    }
    if school:
        common["collection"] = school_collection(school)
    created = []
    with tempfile.TemporaryDirectory() as folder:
        clips = [
            ("demo:clip", "ภาพทดสอบและเสียงสัญญาณ (วิดีโอตัวอย่าง)", MediaKind.VIDEO,
             samples.make_clip(Path(folder) / "demo.mp4", width=640, height=360, seconds=12)),
            ("demo:tone", "เสียงสัญญาณ 440 Hz (เสียงตัวอย่าง)", MediaKind.AUDIO,
             samples.make_clip(Path(folder) / "tone.m4a", video=False, seconds=8)),
        ]  # fmt: skip
        for key, title, kind, path in clips:
            item = MediaItem(title=title, type=kind, import_key=key, **common)
            with path.open("rb") as handle:
                item.file.save(path.name, File(handle), save=False)
            item.save()  # PENDING with a file: queued for processing on commit
            created.append(item)
    link = MediaItem.objects.create(
        title="eDLTV (ลิงก์ภายนอก)", type=MediaKind.LINK, import_key="demo:link",
        external_url="https://www.dltv.ac.th/", **common,
    )  # fmt: skip
    created.append(link)
    maths = SubjectGroup.objects.filter(code="ค").first()
    grade = GradeLevel.objects.filter(code="ป.1").first()
    for item in created:
        if maths:
            item.subject_groups.add(maths)
        if grade:
            item.grade_levels.add(grade)
    return len(created)


# Found by core.demo.load_demo: this app's place among the apps, then its loader.
DEMO_ORDER = 50
load_demo_content = load_demo_media

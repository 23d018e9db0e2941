"""On a full disk the files of what students opened most come first, then the
smallest, so the room there is holds as many usable records as it can."""

import pytest

from core.usage import record_event
from media_center.models import MediaItem
from mirror.store import FileStore
from mirror.sync import by_priority

pytestmark = pytest.mark.django_db


def entry(version: int, key: str, size: int) -> dict:
    sha = f"{version:02d}" + "a" * 62
    return {"version": version, "source": "media_center.item", "key": key, "action": "upsert",
            "files": [{"sha": sha, "size": size, "role": "file"}]}  # fmt: skip


def test_what_students_open_most_comes_first_then_the_smallest(mirror_conf, make_user):
    items = [
        MediaItem.objects.create(
            title=f"สื่อ {n}", type="video", licence="cc-by", copyright_holder="สพท.", status="ready"
        )  # fmt: skip
        for n in range(3)
    ]
    student = make_user("s")
    for _ in range(3):
        record_event(service="media", action="view", obj=items[2], user=student)
    record_event(service="media", action="view", obj=items[1], user=student)
    waiting = [
        entry(1, str(items[0].pk), 10),
        entry(2, str(items[1].pk), 5_000),
        entry(3, str(items[2].pk), 90_000),
        entry(4, "999", 20),  # never opened here
    ]
    ordered = by_priority(waiting, FileStore(), {})
    assert [e["version"] for e in ordered] == [3, 2, 1, 4]

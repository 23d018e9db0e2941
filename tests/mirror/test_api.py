"""Central's API through Django's test client, signed as a mirror signs."""

import json
import time
import uuid

import pytest

from mirror.models import TransferLog
from mirror.signing import load_private_key, request_message, sign
from mirror.store import FileStore

pytestmark = pytest.mark.django_db


def signed(client, conf, method, path, body=b"", mirror_id="school-1", key=None, **headers):
    stamp = f"{time.time():.3f}"
    private = load_private_key(key or conf["mirror_key"])
    auth = {
        "X-Khlang-Mirror": mirror_id,
        "X-Khlang-Time": stamp,
        "X-Khlang-Signature": sign(private, request_message(method, path, stamp, body)),
        **headers,
    }
    if method == "GET":
        return client.get(path, headers=auth)
    return client.post(path, data=body, content_type="application/json", headers=auth)


def test_feed_needs_a_valid_signature_from_a_known_unrevoked_mirror(
    client, registered, mirror_conf
):
    from mirror.actions import revoke_mirror
    from mirror.signing import generate_private_key

    response = signed(client, mirror_conf, "GET", "/mirror/api/feed/?since=0&refresh=1")
    assert response.status_code == 200
    assert json.loads(response.content)["entries"]
    stranger = signed(
        client, mirror_conf, "GET", "/mirror/api/feed/?since=0", key=generate_private_key()
    )
    assert stranger.status_code == 403 and "signature" in stranger.json()["error"]
    unknown = signed(client, mirror_conf, "GET", "/mirror/api/feed/?since=0", mirror_id="nobody")
    assert unknown.status_code == 403
    revoke_mirror(registered)
    revoked = signed(client, mirror_conf, "GET", "/mirror/api/feed/?since=0")
    assert revoked.status_code == 403 and "revoked" in revoked.json()["error"]


def test_files_resume_from_a_range_and_the_bytes_are_counted(client, registered, mirror_conf):
    data = bytes(range(256)) * 1000
    sha = FileStore().put_bytes(data)
    whole = signed(client, mirror_conf, "GET", f"/mirror/api/files/{sha}")
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == data
    part = signed(client, mirror_conf, "GET", f"/mirror/api/files/{sha}", Range="bytes=1000-")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 1000-{len(data) - 1}/{len(data)}"
    assert b"".join(part.streaming_content) == data[1000:]
    logs = list(TransferLog.objects.order_by("pk").values_list("start", "bytes_sent"))
    # The server handed the whole file to the socket, but the mirror resuming at
    # 1000 proves only 1000 bytes arrived: central logs what was actually sent.
    assert logs == [(0, 1000), (1000, len(data) - 1000)]
    assert sum(sent for _, sent in logs) == len(data)
    beyond = signed(
        client, mirror_conf, "GET", f"/mirror/api/files/{sha}", Range=f"bytes={len(data)}-"
    )
    assert beyond.status_code == 416
    assert signed(client, mirror_conf, "GET", "/mirror/api/files/..%2Fx").status_code == 404


def test_results_pushed_twice_are_counted_once(client, registered, mirror_conf, make_user, school):
    from core.models import UsageEvent

    make_user("student1", school=school)
    rows = [
        {
            "event_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"e{i}")),
            "time": "2026-11-20T09:00:00+07:00",
            "service": "media",
            "action": "watch",
            "object_type": "wagtailmedia.media",
            "object_id": "7",
            "username": "student1",
            "school": school.code,
            "seconds": 30,
        }
        for i in range(5)
    ]
    body = json.dumps(rows).encode()
    first = signed(client, mirror_conf, "POST", "/mirror/api/results/usage_event/", body)
    assert first.json() == {"accepted": 5, "duplicates": 0}
    again = signed(client, mirror_conf, "POST", "/mirror/api/results/usage_event/", body)
    assert again.json() == {"accepted": 0, "duplicates": 5}
    assert UsageEvent.objects.count() == 5
    event = UsageEvent.objects.first()
    assert event.site == "school-1" and event.school_id == school.pk
    assert event.user_id == school.members.get(username="student1").pk


def test_bad_result_rows_are_refused_whole_naming_row_and_field(client, registered, mirror_conf):
    from core.models import UsageEvent

    rows = [{"event_id": str(uuid.uuid4()), "time": "2026-11-20T09:00:00+07:00",
             "service": "media", "action": "view"}, {"event_id": "x", "time": "soon"}]  # fmt: skip
    response = signed(
        client, mirror_conf, "POST", "/mirror/api/results/usage_event/", json.dumps(rows).encode()
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(e.startswith("แถวที่ 2") and "service missing" in e for e in errors)
    assert UsageEvent.objects.count() == 0


def test_the_contact_time_is_written_at_most_once_a_minute(client, registered, mirror_conf):
    """A mirror relaying a live class signs a request every second or two."""
    import datetime as dt

    from mirror.models import Mirror

    signed(client, mirror_conf, "GET", "/mirror/api/feed/?since=0")
    first = Mirror.objects.get(pk=registered.pk).last_contact
    assert first is not None
    signed(client, mirror_conf, "GET", "/mirror/api/feed/?since=0")
    assert Mirror.objects.get(pk=registered.pk).last_contact == first
    earlier = first - dt.timedelta(minutes=2)
    Mirror.objects.filter(pk=registered.pk).update(last_contact=earlier)
    signed(client, mirror_conf, "GET", "/mirror/api/feed/?since=0")
    assert Mirror.objects.get(pk=registered.pk).last_contact > first

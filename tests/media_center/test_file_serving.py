"""Sending media files: byte ranges, nginx hand-off, links bound to their user."""

import pytest
from django.test import Client

from media_center.files import file_url, make_token
from media_center.models import MediaItem, Status, Visibility
from media_center.ranges import UNSATISFIABLE, parse_range

DATA = bytes(range(256)) * 40  # 10 240 bytes with a known pattern


@pytest.fixture
def item(school, teacher, protected):
    item = MediaItem.objects.create(
        title="น้ำ", type="video", licence="cc-by", copyright_holder="สพป.", duration=4,
        owner_school=school, visibility=Visibility.SCHOOL, status=Status.READY,
        uploaded_by_user=teacher, rendition_version="v1",
        rendition_info={"download": "download.mp4"},
    )  # fmt: skip
    folder = protected / "renditions" / str(item.pk) / "v1"
    folder.mkdir(parents=True)
    (folder / "download.mp4").write_bytes(DATA)
    (folder / "master.m3u8").write_text("#EXTM3U\n")
    return item


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_range_header_parsing():
    assert parse_range("", 100) is None
    assert parse_range("bytes=0-9", 100) == (0, 9)
    assert parse_range("bytes=90-", 100) == (90, 99)
    assert parse_range("bytes=-10", 100) == (90, 99)
    assert parse_range("bytes=50-1000", 100) == (50, 99)  # clipped to the end
    assert parse_range("bytes=100-", 100) == UNSATISFIABLE
    assert parse_range("bytes=-0", 100) == UNSATISFIABLE
    assert parse_range("bytes=9-3", 100) is None  # invalid: whole file
    assert parse_range("bytes=0-1,5-6", 100) is None  # several ranges: whole file
    assert parse_range("items=0-1", 100) is None


def test_download_answers_byte_ranges(client, teacher, item):
    client.force_login(teacher)
    url = file_url(item, "download.mp4", teacher)
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert body(whole) == DATA and whole["Content-Disposition"].startswith("attachment")
    part = client.get(url, HTTP_RANGE="bytes=1000-1999")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 1000-1999/{len(DATA)}"
    assert part["Content-Length"] == "1000" and body(part) == DATA[1000:2000]
    tail = client.get(url, HTTP_RANGE="bytes=-100")
    assert tail.status_code == 206 and body(tail) == DATA[-100:]
    past = client.get(url, HTTP_RANGE=f"bytes={len(DATA)}-")
    assert past.status_code == 416 and past["Content-Range"] == f"bytes */{len(DATA)}"
    # A client resuming against a file that changed since gets the whole new file.
    stale = client.get(url, HTTP_RANGE="bytes=10-", HTTP_IF_RANGE="Mon, 01 Jan 2001 00:00:00 GMT")
    assert stale.status_code == 200 and body(stale) == DATA
    same = client.get(url, HTTP_RANGE="bytes=10-", HTTP_IF_RANGE=whole["Last-Modified"])
    assert same.status_code == 206 and body(same) == DATA[10:]


def test_behind_nginx_the_file_is_handed_over_after_the_checks(client, teacher, item, settings):
    settings.MEDIA_CENTER = {**settings.MEDIA_CENTER, "ACCEL_REDIRECT_PREFIX": "/protected-files/"}
    client.force_login(teacher)
    response = client.get(file_url(item, "download.mp4", teacher), HTTP_RANGE="bytes=0-9")
    assert response.status_code == 200 and response.content == b""  # nginx sends the bytes
    assert response["X-Accel-Redirect"] == f"/protected-files/renditions/{item.pk}/v1/download.mp4"
    assert response["Content-Type"] == "video/mp4"
    # Refusals are still Django's: no hand-off for someone the link is not for.
    client.logout()
    refused = client.get(file_url(item, "download.mp4", teacher))
    assert refused.status_code == 403 and "X-Accel-Redirect" not in refused


def test_without_the_setting_django_sends_the_file(client, teacher, item, settings):
    settings.MEDIA_CENTER = {**settings.MEDIA_CENTER, "ACCEL_REDIRECT_PREFIX": ""}
    client.force_login(teacher)
    response = client.get(file_url(item, "master.m3u8", teacher))
    assert "X-Accel-Redirect" not in response and body(response) == b"#EXTM3U\n"


def test_a_copied_link_does_not_work_for_another_user(teacher, item, make_user, school):
    """A school-only item: a colleague may watch it, but not through the teacher's link."""
    colleague = make_user("kru2", role="teacher", school=school)
    owner, other, anonymous = Client(), Client(), Client()
    owner.force_login(teacher)
    other.force_login(colleague)
    url = file_url(item, "master.m3u8", teacher)
    assert owner.get(url).status_code == 200
    copied = other.get(url)
    assert copied.status_code == 403 and "someone else" in copied.content.decode()
    assert anonymous.get(url).status_code == 403
    # The colleague's own page gives them their own working link.
    page = other.get(f"/media-center/{item.pk}/")
    own = page.context["sources"]["hls"]
    assert own != url and other.get(own).status_code == 200
    assert owner.get(own).status_code == 403
    # The same user's link keeps working only while they may see the item.
    MediaItem.objects.filter(pk=item.pk).update(visibility=Visibility.PRIVATE)
    assert other.get(own).status_code == 403
    assert owner.get(url).status_code == 200  # the uploader still may


def test_public_links_are_unbound_and_unbound_links_still_check_rights(teacher, item, make_user):
    outsider = make_user("outsider", role="teacher")
    stranger = Client()
    stranger.force_login(outsider)
    # No user given (lesson pages build URLs from model properties): the
    # viewer's rights decide on every request.
    unbound = file_url(item, "master.m3u8")
    assert stranger.get(unbound).status_code == 403
    MediaItem.objects.filter(pk=item.pk).update(visibility=Visibility.PUBLIC)
    item.refresh_from_db()
    shared = file_url(item, "master.m3u8", teacher)
    assert shared == file_url(item, "master.m3u8")  # not bound to anyone
    assert stranger.get(shared).status_code == 200 and Client().get(shared).status_code == 200


def test_expired_links_are_refused(client, teacher, item, settings):
    client.force_login(teacher)
    url = file_url(item, "master.m3u8", teacher)
    settings.MEDIA_CENTER = {**settings.MEDIA_CENTER, "URL_TTL_SECONDS": -1}
    assert client.get(url).status_code == 403
    forged = make_token(item.pk, "v1", teacher.pk)[:-4] + "AAAA"
    settings.MEDIA_CENTER = {**settings.MEDIA_CENTER, "URL_TTL_SECONDS": 3600}
    assert client.get(f"/media-center/files/{forged}/master.m3u8").status_code == 403


def test_nginx_has_the_internal_locations_the_settings_name():
    """Both ways nginx hands out a file Django has vetted: from the local disk
    (KHLANG_ACCEL_REDIRECT_PREFIX=/protected-files/) and from object storage
    (the compose file's KHLANG_STORE_ACCEL_PREFIX), each internal, the store's cached."""
    import re
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2]
    nginx = (root / "deploy/nginx.conf").read_text()
    disk = re.search(re.escape("location /protected-files/ {") + r"(.*?)\}", nginx, re.S)
    assert disk and "internal;" in disk.group(1)
    assert "alias /srv/khlang/var/protected/;" in disk.group(1)

    compose = yaml.safe_load((root / "docker-compose.yml").read_text())
    prefix = compose["x-khlang"]["environment"]["KHLANG_STORE_ACCEL_PREFIX"]
    store = re.search(
        r"location ~ \^" + re.escape(prefix) + r"/.*?\{(.*?)\n        \}", nginx, re.S
    )
    assert store and "internal;" in store.group(1)
    assert "proxy_cache khlang_store;" in store.group(1)
    assert "proxy_set_header Cookie" in store.group(
        1
    )  # the viewer's session never reaches the store

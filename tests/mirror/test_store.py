import hashlib

import pytest

from mirror.errors import DiskFullError, IntegrityError
from mirror.store import FileStore


def test_a_file_is_named_by_its_hash_and_stored_once(tmp_path, mirror_conf):
    store = FileStore(tmp_path / "store")
    source = tmp_path / "clip.bin"
    source.write_bytes(b"abc" * 1000)
    sha = store.put_file(source)
    assert sha == hashlib.sha256(b"abc" * 1000).hexdigest()
    assert store.path_for(sha).read_bytes() == b"abc" * 1000
    assert store.put_file(source) == sha
    assert list(store.shas()) == [sha]
    assert store.missing([sha, "0" * 64]) == ["0" * 64]


def test_a_partial_file_with_the_wrong_hash_is_rejected_and_removed(tmp_path, mirror_conf):
    store = FileStore(tmp_path / "store")
    sha = hashlib.sha256(b"right").hexdigest()
    partial = store.partial_path(sha)
    partial.parent.mkdir(parents=True)
    partial.write_bytes(b"wrong")
    with pytest.raises(IntegrityError, match="tampered") as caught:
        store.commit_partial(sha)
    assert "เสียหาย" in caught.value.thai
    assert not partial.exists() and not store.has(sha)


def test_verify_drops_a_stored_file_that_changed(tmp_path, mirror_conf):
    store = FileStore(tmp_path / "store")
    sha = store.put_bytes(b"lesson")
    path = store.path_for(sha)
    path.chmod(0o644)
    path.write_bytes(b"lesson!")
    assert store.verify(sha) is False
    assert not store.has(sha)


@pytest.mark.parametrize("name", ["../etc/passwd", "/abs", "A" * 64, "ab"])
def test_names_that_are_not_sha256_are_refused(tmp_path, name, mirror_conf):
    with pytest.raises(IntegrityError):
        FileStore(tmp_path).path_for(name)


def test_quota_reports_a_full_disk_in_thai_then_english(tmp_path, settings, mirror_conf):
    settings.KHLANG_MIRROR = {**settings.KHLANG_MIRROR, "DISK_QUOTA_BYTES": 1000}
    store = FileStore(tmp_path / "store")
    store.put_bytes(b"x" * 600)
    assert store.available_bytes() == 400
    with pytest.raises(DiskFullError) as caught:
        store.ensure_room(500)
    message = str(caught.value)
    assert message.startswith("พื้นที่ดิสก์ไม่พอ") and "not enough disk space" in message


def test_the_quota_follows_writes_and_removals_without_walking_again(
    tmp_path, settings, mirror_conf
):
    settings.KHLANG_MIRROR = {**settings.KHLANG_MIRROR, "DISK_QUOTA_BYTES": 1000}
    store = FileStore(tmp_path / "store")
    first = store.put_bytes(b"a" * 300)
    assert store.available_bytes() == 700
    store.put_bytes(b"b" * 200)
    assert store.available_bytes() == 500
    store.remove(first)
    assert store.available_bytes() == 800
    assert FileStore(tmp_path / "store").used_bytes() == 200  # a fresh walk agrees

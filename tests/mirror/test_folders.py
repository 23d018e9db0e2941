import pytest

from mirror.errors import IntegrityError
from mirror.sources.folders import folder_manifest, manifest_refs, materialize_folder, safe_relative
from mirror.store import FileStore

pytestmark = pytest.mark.django_db


def _package(root, text):
    (root / "240p").mkdir(parents=True)
    (root / "480p").mkdir()
    (root / "master.m3u8").write_text("#EXTM3U\n")
    (root / "240p" / "seg0.ts").write_bytes(b"low " + text)
    (root / "480p" / "seg0.ts").write_bytes(b"high " + text)


def test_a_folder_travels_as_a_manifest_and_is_swapped_in_whole(tmp_path, mirror_conf):
    source = tmp_path / "hls"
    _package(source, b"v1")
    manifest = folder_manifest(source)
    assert sorted(manifest) == ["240p/seg0.ts", "480p/seg0.ts", "master.m3u8"]
    store = FileStore()
    refs = {r.role: r for r in manifest_refs(manifest, store, {"240p/": 240, "480p/": 480})}
    assert refs["240p/seg0.ts"].height == 240 and refs["master.m3u8"].height is None

    target = tmp_path / "mirror" / "item"
    materialize_folder(manifest, target, store)
    assert (target / "480p" / "seg0.ts").read_bytes() == b"high v1"
    kept = {manifest["master.m3u8"], manifest["240p/seg0.ts"]}
    materialize_folder(manifest, target, store, kept=kept)
    assert not (target / "480p").exists() and (target / "240p" / "seg0.ts").exists()
    assert sorted(p.name for p in target.parent.iterdir()) == ["item"]  # no leftovers


@pytest.mark.parametrize("name", ["../escape", "/etc/passwd", "a/../../b", "a\\..\\b", ""])
def test_manifest_names_cannot_leave_their_folder(name):
    with pytest.raises(IntegrityError):
        safe_relative(name)

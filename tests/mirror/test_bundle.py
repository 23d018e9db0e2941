import json
import os

import pytest

from mirror.bundle import MANIFEST, bundle_file, check_bundle_tree, import_bundle
from mirror.errors import IntegrityError, MirrorError

pytestmark = pytest.mark.django_db


def test_a_folder_without_a_manifest_is_reported_as_incomplete(tmp_path, mirror_conf):
    with pytest.raises(MirrorError, match="incomplete or not a Khlang bundle"):
        import_bundle(tmp_path)


def test_symlinks_anywhere_in_a_bundle_are_refused(tmp_path, mirror_conf):
    (tmp_path / "files" / "ab").mkdir(parents=True)
    os.symlink("/etc/passwd", tmp_path / "files" / "ab" / ("ab" + "0" * 62))
    with pytest.raises(IntegrityError, match="symlink"):
        check_bundle_tree(tmp_path)


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "ab/../../x", ""])
def test_file_names_are_built_from_hashes_only(tmp_path, name):
    with pytest.raises(IntegrityError):
        bundle_file(tmp_path, name)


def test_entries_must_match_the_manifest_and_carry_centrals_signature(tmp_path, mirror_conf):
    from mirror.store import sha256_file

    entries = [{"version": 1, "source": "core.area", "key": "X", "action": "upsert",
                "payload": {"code": "X", "name": "x", "name_en": ""}, "files": [],
                "signature": "AAAA"}]  # fmt: skip
    (tmp_path / "entries.json").write_text(json.dumps(entries))
    manifest = {"format": 1, "entries_sha256": "0" * 64}
    (tmp_path / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IntegrityError, match="does not match"):
        import_bundle(tmp_path)
    manifest["entries_sha256"] = sha256_file(tmp_path / "entries.json")
    (tmp_path / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IntegrityError, match="bad signature"):
        import_bundle(tmp_path)

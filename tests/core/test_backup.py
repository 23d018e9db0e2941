"""`manage.py backup` then `manage.py restore` gives back the same data and files
(embedded default here; PostgreSQL in tests/integration/test_backup.py)."""

import pytest
from django.core.management import CommandError, call_command


def round_trip(tmp_path, settings) -> None:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MEDIA_CENTER = {**settings.MEDIA_CENTER, "PROTECTED_ROOT": str(tmp_path / "protected")}
    (tmp_path / "media/images").mkdir(parents=True)
    (tmp_path / "media/images/a.jpg").write_bytes(b"picture")
    (tmp_path / "protected/renditions/1").mkdir(parents=True)
    (tmp_path / "protected/renditions/1/seg.ts").write_bytes(b"video" * 1000)
    kept = User.objects.create(username="kept-teacher")
    archive = tmp_path / "site.tar"
    call_command("backup", str(archive))

    kept.delete()
    User.objects.create(username="added-after-backup")
    (tmp_path / "media/images/a.jpg").unlink()
    (tmp_path / "media/images/new.jpg").write_bytes(b"later")
    call_command("restore", str(archive), "--noinput")

    assert User.objects.filter(username="kept-teacher").exists()
    assert not User.objects.filter(username="added-after-backup").exists()
    assert (tmp_path / "media/images/a.jpg").read_bytes() == b"picture"
    assert not (tmp_path / "media/images/new.jpg").exists()
    assert (tmp_path / "protected/renditions/1/seg.ts").read_bytes() == b"video" * 1000


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_on_sqlite(tmp_path, settings):
    round_trip(tmp_path, settings)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_an_unsafe_archive_and_changes_nothing(tmp_path, settings):
    import io
    import json
    import tarfile

    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media").mkdir()
    (tmp_path / "media/keep.txt").write_text("x")
    bad = tmp_path / "bad.tar"
    with tarfile.open(bad, "w") as archive:
        for name, data in [("manifest.json", json.dumps({"format": 1, "engine": "sqlite"})),
                           ("../escape.txt", "boom")]:  # fmt: skip
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data.encode()))
    with pytest.raises(CommandError, match="unsafe entry"):
        call_command("restore", str(bad), "--noinput")
    assert (tmp_path / "media/keep.txt").exists() and not (tmp_path / "escape.txt").exists()

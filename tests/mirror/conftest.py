import pytest

from mirror.signing import generate_private_key, load_private_key, public_key_text


@pytest.fixture
def mirror_conf(settings, tmp_path):
    """Central's and one mirror's keys, a private store and media folder."""
    central_key, mirror_key = generate_private_key(), generate_private_key()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KHLANG_MIRROR = {
        **settings.KHLANG_MIRROR,
        "SIGNING_KEY": central_key,
        "CENTRAL_PUBLIC_KEY": public_key_text(load_private_key(central_key)),
        "STORE_DIR": str(tmp_path / "store"),
        "MIN_FREE_BYTES": 0,
        "DISK_QUOTA_BYTES": 0,
    }
    return {"central_key": central_key, "mirror_key": mirror_key}


@pytest.fixture
def registered(mirror_conf, school):
    from mirror.actions import register_mirror

    public = public_key_text(load_private_key(mirror_conf["mirror_key"]))
    return register_mirror("school-1", school.code, public)

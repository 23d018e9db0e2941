import pytest

from transcoding import samples


@pytest.fixture
def protected(settings, tmp_path):
    settings.MEDIA_CENTER = {**settings.MEDIA_CENTER, "PROTECTED_ROOT": str(tmp_path / "protected")}
    return tmp_path / "protected"


@pytest.fixture
def eager_celery():
    from khlang.celery import app

    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = False


@pytest.fixture(scope="session")
def clip(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mc-clips")
    return samples.make_clip(folder / "lesson.mp4", width=320, height=180, seconds=2)


@pytest.fixture
def teacher(make_user, school):
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:  # flushed by a transactional test
        Collection.add_root(name="Root")
    return make_user("kru", role="teacher", school=school)


def tus_upload(client, data: bytes, filename="lesson.mp4", pieces=2):
    """Upload through the tus endpoints the way tus-js-client does; returns the id."""
    import base64

    meta = "filename " + base64.b64encode(filename.encode()).decode()
    created = client.post(
        "/media-center/tus/",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_LENGTH=str(len(data)),
        HTTP_UPLOAD_METADATA=meta,
    )
    assert created.status_code == 201, created
    location = created["Location"]
    step = max(1, len(data) // pieces + 1)
    offset = 0
    while offset < len(data):
        response = client.generic(
            "PATCH",
            location,
            data[offset : offset + step],
            content_type="application/offset+octet-stream",
            HTTP_UPLOAD_OFFSET=str(offset),
            HTTP_TUS_RESUMABLE="1.0.0",
        )
        assert response.status_code == 204, response
        offset = int(response["Upload-Offset"])
    return location.rstrip("/").split("/")[-1]

from media_center.models import MediaItem, Status
from transcoding.models import TranscodeJob


def test_demo_media_is_loaded_once_and_queued(demo_site):
    from media_center.demo import load_demo_media

    items = {i.import_key: i for i in MediaItem.objects.all()}
    assert set(items) == {"demo:clip", "demo:tone", "demo:link"}
    assert items["demo:link"].status == Status.READY
    assert items["demo:clip"].status == Status.PROCESSING and items["demo:clip"].licence
    assert TranscodeJob.objects.filter(media_item=items["demo:clip"]).exists()
    assert items["demo:clip"].collection.name.endswith("(1058100001)")
    assert load_demo_media() == 0

"""The real ffmpeg on small generated clips of several shapes."""

import json

import m3u8
import pytest

from transcoding import ffmpeg, pipeline, samples
from transcoding.probe import ProbeError


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clips")
    return {
        "landscape": samples.make_clip(folder / "landscape.mp4", width=640, height=360, seconds=3),
        "portrait_51": samples.make_clip(
            folder / "portrait.mp4", width=180, height=320, seconds=2, audio_channels=6
        ),
        "tiny_silent": samples.make_clip(
            folder / "tiny.mp4", width=96, height=64, audio_channels=0
        ),
        "anamorphic": samples.make_clip(folder / "dv.mp4", width=480, height=360, sar="4:3"),
        "audio": samples.make_clip(folder / "tone.m4a", video=False, audio_channels=1, seconds=3),
    }


def load_master(out):
    master = m3u8.load(str(out / "master.m3u8"))
    assert master.is_variant
    return master


def segment_starts(playlist):
    starts, t = [], 0.0
    for segment in playlist.segments:
        starts.append(round(t, 2))
        t += segment.duration
    return starts


def test_landscape_ladder_playlists_alignment_and_extras(clips, tmp_path):
    out = tmp_path / "v1"
    seen = []
    result = pipeline.transcode(clips["landscape"], out, on_progress=seen.append)
    master = load_master(out)
    resolutions = [p.stream_info.resolution for p in master.playlists]
    assert resolutions == [(256, 144), (426, 240), (640, 360)]
    rungs = [m3u8.load(str(out / p.uri)) for p in master.playlists]
    assert len({tuple(segment_starts(r)) for r in rungs}) == 1  # segments line up across rungs
    for rung in rungs:
        assert sum(s.duration for s in rung.segments) == pytest.approx(3.0, abs=0.15)
        assert rung.is_endlist and rung.playlist_type == "vod"
    # The satellite rung: measured peak, audio and container included.
    assert master.playlists[0].stream_info.bandwidth <= 200_000
    assert result.lowest_peak_kbps <= 200
    assert 0 < seen[-1] <= 1.0
    low = ffmpeg.probe(out / "144p" / rungs[0].segments[0].uri)
    assert low.audio.channels == 1 and low.audio.sample_rate == 24000
    download = ffmpeg.probe(out / "download.mp4")
    assert (download.width, download.height) == (640, 360)
    assert (out / "download.mp4").read_bytes()[4:8] == b"ftyp"
    assert b"moov" in (out / "download.mp4").read_bytes()[:4096]  # faststart: index first
    assert ffmpeg.probe(out / "poster.jpg").is_image
    assert (out / "sprite_001.jpg").exists()
    assert "sprite_001.jpg#xywh=160,0,160,90" in (out / "thumbnails.vtt").read_text()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "video" and len(manifest["variants"]) == 3


def test_portrait_with_surround_audio_is_downmixed(clips, tmp_path):
    out = tmp_path / "p"
    pipeline.transcode(clips["portrait_51"], out, with_extras=False)
    master = load_master(out)
    assert [p.stream_info.resolution for p in master.playlists] == [(144, 256), (180, 320)]
    segment = m3u8.load(str(out / "144p/index.m3u8")).segments[0].uri
    assert ffmpeg.probe(out / "144p" / segment).audio.channels == 1


def test_portrait_previews_are_portrait_and_never_upscaled(clips, tmp_path):
    from PIL import Image

    out = tmp_path / "p"
    pipeline.transcode(clips["portrait_51"], out)
    with Image.open(out / "thumbnail.jpg") as thumb, Image.open(out / "poster.jpg") as poster:
        assert thumb.size == (180, 320) and poster.size == (180, 320)
    with Image.open(out / "sprite_001.jpg") as sheet:
        assert sheet.size == (90, 160)  # one tile for a two-second clip, portrait


def test_output_folder_with_characters_the_muxer_would_cut_at(clips, tmp_path):
    # The variants' file names travel inside the tee muxer's own syntax, where
    # | : ' [ ] and spaces mean something: a school's media folder may hold any.
    out = tmp_path / "ครู's media [1] a|b:c" / "v1"
    out.parent.mkdir()
    pipeline.transcode(clips["portrait_51"], out, with_extras=False)
    segments = m3u8.load(str(out / "144p/index.m3u8")).segments
    assert segments and (out / "144p" / segments[0].uri).exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["v1"]  # nothing written beside


def test_tiny_video_without_audio(clips, tmp_path):
    out = tmp_path / "t"
    result = pipeline.transcode(clips["tiny_silent"], out)
    master = load_master(out)
    assert [p.stream_info.resolution for p in master.playlists] == [(96, 64)]  # not upscaled
    assert (
        master.playlists[0].stream_info.codecs.startswith("avc1.")
        and "mp4a" not in master.playlists[0].stream_info.codecs
    )
    assert ffmpeg.probe(out / result.download).audio is None


def test_non_square_pixels_come_out_square(clips, tmp_path):
    out = tmp_path / "a"
    pipeline.transcode(clips["anamorphic"], out, with_extras=False)
    top = ffmpeg.probe(out / "360p" / m3u8.load(str(out / "360p/index.m3u8")).segments[0].uri)
    assert (top.width, top.height) == (640, 360)
    assert top.video.sar == 1


def test_audio_only_media_becomes_audio_hls(clips, tmp_path):
    out = tmp_path / "m"
    result = pipeline.transcode(clips["audio"], out)
    master = load_master(out)
    assert [p.stream_info.codecs for p in master.playlists] == ["mp4a.40.2", "mp4a.40.2"]
    assert master.playlists[0].stream_info.bandwidth <= 60_000
    assert result.kind == "audio" and result.download == "download.m4a" and not result.poster


def test_corrupt_file_is_refused_before_encoding(clips, tmp_path):
    bad = samples.make_corrupt(tmp_path / "bad.mp4", clips["landscape"])
    with pytest.raises(ProbeError) as info:
        pipeline.transcode(bad, tmp_path / "never")
    assert "เสียหาย" in str(info.value) and "damaged" in str(info.value)
    assert not (tmp_path / "never").exists()
    text = tmp_path / "notes.mp4"
    text.write_text("not a video at all")
    with pytest.raises(ProbeError):
        ffmpeg.probe(text)


def test_chunks_encoded_apart_join_into_one_seamless_rendition(tmp_path):
    from transcoding import avsync
    from transcoding.ladder import plan_ladder
    from transcoding.pipeline import encode_chunk, join_chunks, plan_chunks

    source = samples.make_sync_clip(tmp_path / "long.mp4", width=320, height=180, seconds=18)
    info = ffmpeg.probe(source)
    ladder = plan_ladder(info)
    pieces = plan_chunks(info.duration, ladder.segment_seconds, 4)
    assert pieces == [(0.0, 4.0), (4.0, 4.0), (8.0, 4.0), (12.0, 4.0), (16.0, 2.0)]
    out = tmp_path / "joined"
    chunk_dirs = [out / "chunks" / str(i) for i in range(len(pieces))]
    for i, (start, length) in reversed(list(enumerate(pieces))):  # any order, as workers finish
        encode_chunk(source, chunk_dirs[i], ladder, start, length, last=i == len(pieces) - 1)
    result = join_chunks(source, chunk_dirs, out, info, ladder)
    playlist = m3u8.load(str(out / "144p/index.m3u8"))
    assert [round(s.duration) for s in playlist.segments] == [4, 4, 4, 4, 2]
    # A segment from the middle decodes on its own: it opens with the stream's
    # parameter sets and a keyframe.
    middle = ffmpeg.probe(out / "144p" / playlist.segments[1].uri)
    assert (middle.width, middle.height) == (256, 144)
    # Decoded end to end, the joined rendition and the download hold every
    # source frame once, and the sound stays on the picture to the last mark.
    frame_ms = 1000 / 25
    original = avsync.measure(source, samples.SYNC_PERIOD)
    assert len(original.flashes) == 4
    for made in [f"{name}/index.m3u8" for name in ladder.variant_names] + [result.download]:
        sync = avsync.measure(out / made, samples.SYNC_PERIOD)
        assert sync.frames == original.frames, made
        assert len(sync.offsets_ms) == len(original.flashes), made
        assert abs(sync.drift_ms) <= 1, (made, sync.offsets_ms)
    download = avsync.measure(out / result.download, samples.SYNC_PERIOD)
    assert abs(download.offsets_ms[-1] - original.offsets_ms[-1]) <= frame_ms
    # Chunked items get seek previews and a poster, as short ones do.
    assert result.sprite_vtt and (out / "sprite_001.jpg").exists()
    assert result.poster and (out / "poster.jpg").exists()
    assert result.lowest_peak_kbps <= 200
    assert not (out / "chunks" / "0").exists()

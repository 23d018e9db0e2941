from fractions import Fraction
from pathlib import Path

from transcoding.chunks import chunk_command, join_command
from transcoding.commands import (
    MID_RUNG_X264_PARAMS,
    RUNG_X264_PARAMS,
    SMALL_RUNG_X264_PARAMS,
    hls_command,
    plan_sprite,
    poster_command,
    poster_time,
    scale_parents,
    tee_output,
)
from transcoding.ladder import plan_ladder
from transcoding.pipeline import sprite_vtt
from transcoding.probe import AudioStream, ProbeResult, VideoStream


def probe(width=1280, height=720, channels=2, video=True):
    v = VideoStream("h264", width, height, Fraction(1), 25.0, 0, False) if video else None
    a = AudioStream("aac", channels, 48000) if channels else None
    return ProbeResult("mp4", 20.0, 1, v, a)


def value(args, flag):
    return args[args.index(flag) + 1]


def selected_streams(args):
    """The streams each tee output takes, in order (``select=v\\\\:0,a\\\\:1`` → ``v:0,a:1``)."""
    return [
        part.split("select=", 1)[1].split(":f=", 1)[0].replace("\\\\", "")
        for part in value(args, "tee").split("|")
    ]


def test_one_process_splits_once_for_every_rung():
    ladder = plan_ladder(probe())
    args = hls_command("ffmpeg", "in.mp4", "/out", ladder)
    assert args.count("-i") == 1
    graph = value(args, "-filter_complex")
    assert graph.count("[0:v:0]") == 1 and graph.count("scale=") == 5
    # 480p and 720p from the decoded source; 360p, 240p and 144p each from the
    # rung twice their size (720p, 480p, 360p), never a smaller step.
    assert scale_parents(ladder) == [2, 3, 4, None, None]
    assert "[src]split=2[s3][s4]" in graph
    assert "[r4]split=2[v4][c4_2]" in graph and "[c4_2]scale=640:360" in graph
    # Three distinct audio renditions (satellite mono, 96k and 128k stereo) are
    # encoded once each and shared by the variants that carry them.
    assert args.count("0:a:0") == 3
    assert [value(args, f"-b:a:{i}") for i in range(3)] == ["32k", "96k", "128k"]
    assert value(args, "-f") == "tee"
    assert selected_streams(args) == ["v:0,a:0", "v:1,a:1", "v:2,a:1", "v:3,a:2", "v:4,a:2"]
    # Keyframes at every segment boundary on every rung, no scene-cut keyframes.
    assert value(args, "-force_key_frames") == "expr:gte(t,n_forced*4)"
    assert value(args, "-sc_threshold") == "0"
    assert value(args, "-flags:v") == "+global_header"  # as the HLS muxer alone asks
    assert value(args, "-g") == "100"
    # 144p and 240p at medium; 360p and 480p faster with the diamond search;
    # 720p the tuned veryfast; the last three with medium's long lookahead.
    presets = [value(args, f"-preset:v:{i}") for i in range(5)]
    assert presets == ["medium", "medium", "faster", "faster", "veryfast"]
    assert "rc-lookahead=40" in value(args, "-x264-params:v:2")
    assert value(args, "-x264-params:v:1") == SMALL_RUNG_X264_PARAMS
    assert value(args, "-x264-params:v:2") == MID_RUNG_X264_PARAMS
    assert value(args, "-x264-params:v:3") == MID_RUNG_X264_PARAMS
    assert value(args, "-x264-params:v:4") == RUNG_X264_PARAMS
    # A preset configured by hand applies, as it is, to every rung above 240 lines.
    slow = hls_command("ffmpeg", "in.mp4", "/out", ladder, preset="slow")
    assert [value(slow, f"-preset:v:{i}") for i in range(5)] == ["medium"] * 2 + ["slow"] * 3
    assert "-x264-params:v:4" not in slow
    assert value(args, "-maxrate:v:0") == "100k" and value(args, "-bufsize:v:0") == "100k"
    assert value(args, "-ac:a:0") == "1" and value(args, "-b:a:0") == "32k"
    assert ":hls_time=4:" in value(args, "tee")


def test_easy_title_scales_every_rung_from_the_source():
    """Two bicubic steps soften a slide's text past what an easy title's small
    rungs keep (1.2 dB on the lecture's 240p): its rungs are scaled in one step."""
    easy = plan_ladder(probe(), bitrate_factor=0.45)
    assert scale_parents(easy) == [None] * 5
    graph = value(hls_command("ffmpeg", "in.mp4", "/out", easy), "-filter_complex")
    assert "[src]split=5[s0][s1][s2][s3][s4]" in graph
    assert "[s1]scale=426:240:flags=bicubic" in graph and "[c" not in graph
    chunk = value(chunk_command("ffmpeg", "in.mp4", "/c", easy, 8.0, 8.0), "-filter_complex")
    assert chunk == graph
    # As hard as camera footage (factor 1, also the fixed ladder): the cascade.
    assert scale_parents(plan_ladder(probe(), bitrate_factor=1.0)) == [2, 3, 4, None, None]


def test_sprite_branch_and_chunk_video_only():
    ladder = plan_ladder(probe(640, 360))
    sprite = plan_sprite(20.0, 640, 360)
    args = hls_command("ffmpeg", "in.mp4", "/out", ladder, sprite=sprite)
    assert "[src]split=3[s1][s2][sp]" in value(args, "-filter_complex")
    assert "[sprite]" in value(args, "-filter_complex")
    assert args[-1] == "/out/sprite_%03d.jpg"
    chunk = chunk_command("ffmpeg", "in.mp4", "/c", ladder, 8.0, 8.0)
    assert value(chunk, "-ss") == "8.000" and value(chunk, "-t") == "8.000"
    # Video only, one transport stream per rung, stamped with absolute times
    # and never shifted on its own (the first chunk would overlap the second).
    assert chunk.count("-an") == 3 and "0:a:0" not in chunk
    assert [a for a in chunk if a.endswith(".ts")] == ["/c/144p.ts", "/c/240p.ts", "/c/360p.ts"]
    assert chunk.count("-output_ts_offset") == 3 and value(chunk, "-output_ts_offset") == "8.000"
    assert value(chunk, "-avoid_negative_ts") == "disabled"
    joined = join_command(
        "ffmpeg", "in.mp4", [Path("/c0"), Path("/c1")], "/o", ladder, sprite=sprite
    )
    assert value(joined, "-i") == "concat:/c0/144p.ts|/c1/144p.ts"
    assert value(joined, "-c:v") == "copy" and joined.count("-map") == 3 + 2 + 1
    # The sound once for the whole item, from the source; tiles from a small rung.
    assert joined[joined.index("in.mp4") - 4 : joined.index("in.mp4")] == [
        "-vn",
        "-sn",
        "-dn",
        "-i",
    ]
    assert "3:a:0" in joined
    assert value(joined, "-filter_complex").startswith("[0:v:0]fps=")


def test_no_audio_and_audio_only():
    silent = hls_command("ffmpeg", "in.mp4", "/o", plan_ladder(probe(channels=0)))
    assert "0:a:0" not in silent and selected_streams(silent) == ["v:0", "v:1", "v:2", "v:3", "v:4"]
    audio = hls_command("ffmpeg", "in.m4a", "/o", plan_ladder(probe(video=False)))
    assert "-filter_complex" not in audio and "-vn" in audio
    assert selected_streams(audio) == ["a:0", "a:1"]
    assert "/o/audio128k/index.m3u8" in value(audio, "tee")


def test_tee_output_escapes_both_rounds():
    # A backslash guards each character the tee muxer would otherwise cut at;
    # option values are read twice, so their guards are guarded again.
    spec = tee_output("/m/a|b c/index.m3u8", {"select": "v:0", "hls_segment_filename": "/m/x'y"})
    assert spec == "[select=v\\\\:0:hls_segment_filename=/m/x\\\\\\'y]/m/a\\|b\\ c/index.m3u8"


def test_poster_and_sprite_track():
    assert poster_time(2.0) == 0.2 and poster_time(600) == 10.0
    args = poster_command("ffmpeg", "in.mp4", "/o", 1.0, 1080, 1920)
    assert "scale=720:1280" in value(args, "-filter_complex")
    sprite = plan_sprite(5.0, 1280, 720)
    assert (sprite.interval, sprite.width, sprite.height) == (2.0, 160, 90)
    vtt = sprite_vtt(sprite, 5.0, "sprite_%03d.jpg")
    assert vtt.startswith("WEBVTT")
    assert "00:00:04.000 --> 00:00:05.000\nsprite_001.jpg#xywh=320,0,160,90" in vtt
    long = plan_sprite(3600, 1280, 720)
    assert long.interval * long.per_sheet >= 3600
    assert (long.columns, long.rows) == (10, 10)


def test_previews_fit_the_picture_and_the_grid_fits_the_count():
    # Three thumbnails make a 3 x 1 sheet; 25 make 10 x 3.
    assert (plan_sprite(5.0, 1280, 720).columns, plan_sprite(5.0, 1280, 720).rows) == (3, 1)
    assert (plan_sprite(50.0, 1280, 720).columns, plan_sprite(50.0, 1280, 720).rows) == (10, 3)
    portrait = plan_sprite(60.0, 1080, 1920)
    assert (portrait.width, portrait.height) == (90, 160)  # as tall as landscape is wide
    tiny = plan_sprite(60.0, 96, 64)
    assert (tiny.width, tiny.height) == (96, 64)  # never scaled up
    graph = value(poster_command("ffmpeg", "in.mp4", "/o", 1.0, 1080, 1920), "-filter_complex")
    assert "scale=720:1280" in graph and "scale=180:320" in graph
    graph = value(poster_command("ffmpeg", "in.mp4", "/o", 1.0, 180, 320), "-filter_complex")
    assert "scale=180:320" in graph and graph.count("scale=180:320") == 2  # poster and thumb
    graph = value(poster_command("ffmpeg", "in.mp4", "/o", 1.0, 1280, 720), "-filter_complex")
    assert "scale=1280:720" in graph and "scale=320:180" in graph


def test_parallel_chunks_share_the_cores():
    from transcoding.pipeline import chunk_threads

    assert chunk_threads(0, 1, cores=2) == 2
    assert chunk_threads(0, 2, cores=2) == 1
    assert chunk_threads(0, 3, cores=8) == 2
    assert chunk_threads(0, 4, cores=2) == 1  # never zero
    assert chunk_threads(3, 2, cores=2) == 3  # an explicit setting wins
    args = hls_command("ffmpeg", "in.mp4", "/o", plan_ladder(probe()), threads=1)
    assert value(args, "-threads") == "1" and value(args, "-filter_complex_threads") == "1"
    assert value(args, "-threads:v") == "1"

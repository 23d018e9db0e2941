from transcoding.hls import VariantStats, codecs_string, master_playlist, peak_kbps


def test_peak_uses_windows_of_half_to_one_and_a_half_targets():
    # A dense short last segment alone is below half the target: it is judged
    # together with the segment before it, as RFC 8216 says.
    segments = [(4.0, 50_000), (4.0, 60_000), (1.0, 30_000)]
    assert peak_kbps(segments, 4.0) == round((60_000 + 30_000) * 8 / 5.0 / 1000, 1)
    assert peak_kbps([(4.0, 100_000)], 4.0) == 200.0
    assert peak_kbps([(1.0, 10_000)], 4.0) == 80.0  # shorter than half a target
    assert peak_kbps([], 4.0) == 0.0


def stats(name, peak):
    return VariantStats(
        name,
        f"{name}/index.m3u8",
        256,
        144,
        "avc1.4d400c,mp4a.40.2",
        4,
        1,
        peak,
        peak - 10,
        4,
        (4.0,),
    )


def test_master_lists_lowest_first_with_measured_bandwidth():
    text = master_playlist([stats("360p", 500.0), stats("144p", 150.5)])
    lines = text.splitlines()
    assert lines[0] == "#EXTM3U"
    assert "BANDWIDTH=150500" in lines[3] and lines[4] == "144p/index.m3u8"
    assert codecs_string(None, False, True) == "mp4a.40.2"

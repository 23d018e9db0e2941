"""A media library for bench.mirror: HLS-like rendition folders of random bytes.

Each folder is written where a media item's finished encode lives
(``renditions/<item id>/<version>/``: ``master.m3u8`` and ``<height>p/`` rungs),
so the items travel through the media center's own mirror source
(media_center/mirror_sources.py) exactly as encoded videos do.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

HEIGHTS = [240, 360, 480]


def make_item(root: Path, key: str, sizes: dict[int, int], seed: int) -> None:
    """Write an item's renditions: a playlist and segments of random bytes."""
    folder = root / key
    shutil.rmtree(folder, ignore_errors=True)
    for height, total in sizes.items():
        rendition = folder / f"{height}p"
        rendition.mkdir(parents=True)
        segments = max(total // 200_000, 1)
        names = []
        for index in range(segments):
            name = f"seg{index:03d}.ts"
            (rendition / name).write_bytes(os.urandom(total // segments))
            names.append(name)
        lines = ["#EXTM3U", "#EXT-X-TARGETDURATION:6"]
        lines += [f"#EXTINF:6.0,\n{name}" for name in names] + ["#EXT-X-ENDLIST", f"#{seed}"]
        (rendition / "index.m3u8").write_text("\n".join(lines) + "\n")
    master = ["#EXTM3U"] + [
        f"#EXT-X-STREAM-INF:BANDWIDTH={h * 1000},RESOLUTION={h * 16 // 9}x{h}\n{h}p/index.m3u8"
        for h in sizes
    ]
    (folder / "master.m3u8").write_text("\n".join(master) + "\n")

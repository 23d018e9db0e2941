"""A media-like library for bench.mirror: items with HLS-like rendition folders.

Loaded on both benchmark sites through KHLANG_MIRROR_EXTRA_SOURCES; it is the
shape the media app's own source takes (see mirror/README.md): each item is a
folder ``<key>/<height>p/…`` sent as a manifest of sha256 names, rebuilt and
swapped in atomically on the mirror.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from django.conf import settings

from mirror.sources.base import Record, SyncSource
from mirror.sources.folders import folder_manifest, manifest_refs, materialize_folder
from mirror.store import FileStore

HEIGHTS = [240, 360, 480]


def catalogue_path() -> Path:
    return Path(settings.VAR_DIR) / "bench-library.json"


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


class LibrarySource(SyncSource):
    name = "bench.media_item"
    order = 50

    def records(self):
        path = catalogue_path()
        items = json.loads(path.read_text()) if path.exists() else []
        store = FileStore()
        for item in items:
            manifest = folder_manifest(Path(item["folder"]))
            heights = {f"{h}p/": h for h in HEIGHTS}
            yield Record(
                item["key"],
                {"title": item["title"], "manifest": manifest},
                manifest_refs(manifest, store, heights),
                scope={"subjects": [item["subject"]], "grades": [item["grade"]]},
            )

    def apply(self, key, payload, files, store) -> None:
        kept = {ref["sha"] for ref in files if store.has(ref["sha"])}
        target = Path(settings.MEDIA_ROOT) / "library" / key
        materialize_folder(payload["manifest"], target, store, kept=kept)

    def delete(self, key: str) -> None:
        shutil.rmtree(Path(settings.MEDIA_ROOT) / "library" / key, ignore_errors=True)

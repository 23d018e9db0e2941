"""Picture quality of a rendition against its source, and what a rung costs in bytes.

VMAF where the ffmpeg build has libvmaf, else PSNR and SSIM (Debian's ffmpeg
has no libvmaf). Each figure keeps the name of what it holds: ``psnr_db``,
``ssim``, ``vmaf``. The source is scaled to the rung's size with the same
bicubic scaler the pipeline uses, so only the encode is measured.
"""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path

import m3u8

from transcoding import ffmpeg


@functools.cache
def has_vmaf() -> bool:
    result = subprocess.run(
        [ffmpeg.ffmpeg_binary(), "-hide_banner", "-filters"], capture_output=True, text=True
    )
    return bool(re.search(r"\blibvmaf\b", result.stdout))


def quality(rendition: Path, source: Path, width: int, height: int) -> dict:
    """{"psnr_db", "ssim"[, "vmaf"]} of ``rendition`` against ``source`` at its size."""
    outputs = ["psnr", "ssim"] + (["libvmaf=n_subsample=5"] if has_vmaf() else [])
    n = len(outputs)
    graph = (
        f"[1:v]scale={width}:{height}:flags=bicubic,setsar=1,split={n}"
        + "".join(f"[r{i}]" for i in range(n))
        + f";[0:v]setsar=1,split={n}"
        + "".join(f"[o{i}]" for i in range(n))
        + ";"
        + ";".join(f"[o{i}][r{i}]{name}" for i, name in enumerate(outputs))
    )
    result = subprocess.run(
        [ffmpeg.ffmpeg_binary(), "-hide_banner", "-nostdin", "-i", str(rendition)]
        + ["-i", str(source), "-lavfi", graph, "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    log = result.stderr
    psnr = re.search(r"PSNR .*average:([0-9.]+|inf)", log)
    ssim = re.search(r"SSIM .*All:([0-9.]+)", log)
    figures = {
        "psnr_db": float(psnr.group(1)) if psnr and psnr.group(1) != "inf" else 99.0,
        "ssim": float(ssim.group(1)) if ssim else 0.0,
    }
    vmaf = re.search(r"VMAF score: ([0-9.]+)", log)
    if vmaf:
        figures["vmaf"] = float(vmaf.group(1))
    return figures


def rung_bytes(playlist: Path) -> int:
    """Bytes of every segment of one variant (video, audio, container)."""
    parsed = m3u8.load(str(playlist))
    return sum((playlist.parent / s.uri).stat().st_size for s in parsed.segments)

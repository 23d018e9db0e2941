"""Live classes: `python -m bench.live [--quick] [--seconds N]`.

Why this module is long: one run is a whole class (publisher, ingest, player,
recording), so every figure is taken on the same stream.

A publisher (ffmpeg, as OBS) pushes a 720p test pattern with a tone over RTMP
to the ingest's ffmpeg (transcoding.live, as live.ingest runs it). Burned into
the picture: a readable clock (drawtext) and the same clock as 16 black or
white squares (the publisher's time in tenths of a second, one bit a square),
which survive the 144p rung's encoding. Chromium plays the live stream
through the site's own player (khlang-player.js with its live settings),
served by a plain HTTP server, and every half second reads the squares off
the frame on screen.

- ``glass_to_glass_latency_s``: median of (wall time a frame is on screen)
  minus (wall time the publisher sent it); the publisher sends in real time
  (``-re``) from a start taken just before it was launched, so the figure
  includes the publisher's own encode, as a teacher's laptop does.
- ``lowest_rung_peak_kbps``: RFC 8216 peak of the 144p rung over every segment
  of the run, audio and MPEG-TS overhead included.
- ``encode_cpu_per_live_minute``: CPU seconds of the ingest process (decode,
  every rung, the recording copy) per minute of class.
- ``recording_ready_s``: from the publisher's end to the recording transcoded
  into the on-demand ladder (join plus the VOD pipeline), without queueing.
- ``upstream_bytes_per_school_ratio``: bytes the central sends for one school
  with 30 players behind its relay (live.relay, over real HTTP), divided by
  the bytes one player alone fetches from the central, both following the
  144p rung for the whole class at the same time.

Live encoding and playing need the cores in real time: the JSON carries the
machine's load average (before, after) beside the figures, since a machine
loaded by other work delays the encode and the player, and so the latency.

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from ._nginx import free_port
from ._setup import django_on_scratch_database

ROOT = Path(__file__).resolve().parents[1]
BITS = 16
BOX = 64  # pixels of a clock square at 720p (12.8 at 144p)
BOX_Y = 640

PAGE = """<!doctype html><html><body>
<div class="player-box" id="box" data-video-id="player" data-live="1"
     data-hls="/hls/index.m3u8" data-src="" data-hls-lib="/static/hls.min.js"></div>
<script src="/static/khlang-player.js"></script>
<script>
window.addEventListener("load", function () {
  KhlangPlayer.start(document.getElementById("box"), function (v) {
    v.muted = true;
    if (v.khlangHls) v.khlangHls.on("hlsError", function (_e, d) {
      console.error("hls " + d.details + (d.fatal ? " fatal" : "") + " " + (d.url || ""));
    });
  });
});
window.readClock = function () {
  var v = document.getElementById("player");
  if (!v || v.readyState < 2 || !v.videoWidth) return null;
  var c = document.createElement("canvas");
  c.width = v.videoWidth; c.height = v.videoHeight;
  var g = c.getContext("2d");
  g.drawImage(v, 0, 0, c.width, c.height);
  var sx = c.width / 1280, sy = c.height / 720, value = 0;
  for (var k = 0; k < %(bits)d; k++) {
    var x = Math.round((k * %(box)d + %(box)d / 2) * sx);
    var y = Math.round((%(y)d + %(box)d / 2) * sy);
    var p = g.getImageData(x, y, 1, 1).data;
    if (p[0] + p[1] + p[2] > 384) value += Math.pow(2, k);
  }
  return {tenths: value, now: Date.now() / 1000, level: v.khlangHls ? v.khlangHls.currentLevel : -1,
          time: v.currentTime};
};
</script></body></html>
"""


def clock_filter() -> str:
    """A readable clock and the same time in tenths as 16 squares (bit k: square k)."""
    parts = [
        "drawtext=text='%{pts\\:hms}':fontsize=48:fontcolor=white:box=1:boxcolor=black:x=20:y=20",
        f"drawbox=x=0:y={BOX_Y}:w={BITS * BOX}:h={BOX}:color=black:t=fill",
    ]
    for k in range(BITS):
        parts.append(
            f"drawbox=x={k * BOX}:y={BOX_Y}:w={BOX}:h={BOX}:color=white:t=fill:"
            f"enable='eq(mod(floor(floor(t*10)/{2**k}),2),1)'"
        )
    return ",".join(parts)


def publisher(url: str, seconds: float) -> subprocess.Popen:
    return subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
         "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
         "-t", str(seconds), "-vf", clock_filter(),
         "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "50",
         "-b:v", "1500k", "-c:a", "aac", "-b:a", "96k", "-f", "flv", url],
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    site = folder / "site"
    (site / "static").mkdir(parents=True)
    (site / "hls").symlink_to(folder / "hls")
    shutil.copy(ROOT / "node_modules/hls.js/dist/hls.min.js", site / "static/hls.min.js")
    shutil.copy(
        ROOT / "media_center/static/media_center/khlang-player.js", site / "static/khlang-player.js"
    )
    (site / "index.html").write_text(PAGE % {"bits": BITS, "box": BOX, "y": BOX_Y})

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def end_headers(self):
            self.send_header("Cache-Control", "no-cache")
            super().end_headers()

    port = free_port()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(Quiet, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, port


def segment_sizes(rung_dir: Path, seen: dict[str, tuple[float, int]]) -> None:
    """Record each segment once it is listed (complete), before it is deleted."""
    import m3u8

    playlist_path = rung_dir / "index.m3u8"
    if not playlist_path.exists():
        return
    for segment in m3u8.loads(playlist_path.read_text()).segments:
        path = rung_dir / segment.uri
        if segment.uri not in seen and path.exists():
            seen[segment.uri] = (float(segment.duration), path.stat().st_size)


def viewer(get, stop: threading.Event, rung: str = "144p") -> int:
    """A player on one rung: the playlist every second, each new segment once."""
    import m3u8

    fetched = len(get("index.m3u8"))
    done: set[str] = set()
    while not stop.is_set():
        try:
            text = get(f"{rung}/index.m3u8")
            fetched += len(text)
            for segment in m3u8.loads(text.decode()).segments:
                if segment.uri not in done:
                    fetched += len(get(f"{rung}/{segment.uri}"))
                    done.add(segment.uri)
        except Exception:  # the playlist names a segment just deleted: next round
            pass
        stop.wait(1.0)
    return fetched


def _school(base: str, folder: str, stop, players: int, results) -> None:
    """In a process of its own (the GIL of thirty players must not slow the
    server the browser reads from): one player straight from the central, and
    ``players`` behind one school relay."""
    from live.relay import Relay, http_fetch

    relay = Relay(base, Path(folder))
    alone: list[int] = []
    local_stop = threading.Event()

    def direct(name: str) -> bytes:
        return http_fetch(base + name)

    threads = [threading.Thread(target=lambda: alone.append(viewer(direct, local_stop)))]
    threads += [
        threading.Thread(target=viewer, args=(relay.get, local_stop)) for _ in range(players)
    ]
    for thread in threads:
        thread.start()
    stop.wait()
    local_stop.set()
    for thread in threads:
        thread.join()
    results.put({"alone": alone[0], "school": relay.bytes_fetched})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 30-second class")
    parser.add_argument("--seconds", type=float, default=60.0)
    options = parser.parse_args()
    seconds = 30.0 if options.quick else options.seconds
    django_on_scratch_database()
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
    from transcoding import live as live_hls
    from transcoding import pipeline
    from transcoding.hls import peak_kbps

    load_before = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="khlang-bench-live-"))
    ladder = live_hls.live_ladder(360)
    out = work / "hls"
    for rung in ladder.rungs:
        (out / rung.name).mkdir(parents=True)
    (out / "index.m3u8").write_text(live_hls.master_playlist(ladder))
    port = free_port()
    url = f"rtmp://127.0.0.1:{port}/live/benchkey"
    ingest = subprocess.Popen(
        live_hls.live_command(url, out, work / "part-0001.ts", ladder),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=(work / "ingest.log").open("w"),
    )
    time.sleep(1.0)
    sent_from = time.time()
    pub = publisher(url, seconds)
    server, http_port = serve(work)
    seen: dict[str, tuple[float, int]] = {}
    latencies: list[float] = []
    state = None
    rung_playlists = [out / r.name / "index.m3u8" for r in ladder.rungs]
    while not all(p.exists() for p in rung_playlists) and pub.poll() is None:
        time.sleep(0.2)
    context = multiprocessing.get_context("fork")
    stop, results = context.Event(), context.Queue()
    school_process = context.Process(
        target=_school,
        args=(f"http://127.0.0.1:{http_port}/hls/", str(work / "relay"), stop, 30, results),
    )
    school_process.start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        page = browser.new_page(viewport={"width": 640, "height": 400})
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(f"http://127.0.0.1:{http_port}/index.html")
        while pub.poll() is None:
            segment_sizes(out / "144p", seen)
            # Autoplay may be refused before the stream is attached: ask again, muted.
            page.evaluate(
                "() => { var v = document.getElementById('player');"
                " if (v && v.paused && v.readyState >= 2) { v.muted = true; v.play(); } }"
            )
            reading = page.evaluate("window.readClock()")
            state = page.evaluate(
                "() => { var v = document.getElementById('player'); return v ? [v.paused,"
                " v.readyState, v.currentTime, v.buffered.length ? v.buffered.end(0) : -1,"
                " v.khlangHls ? v.khlangHls.currentLevel : -2] : null; }"
            )
            if reading and reading["time"] > 0:
                latencies.append(reading["now"] - (sent_from + reading["tenths"] / 10))
            time.sleep(0.5)
        browser.close()
    live_ended = time.time()
    stop.set()
    school = results.get(timeout=60)
    school_process.join()
    segment_sizes(out / "144p", seen)
    _, status, usage = os.wait4(ingest.pid, 0)
    ingest.returncode = os.waitstatus_to_exitcode(status)
    server.shutdown()
    cpu = usage.ru_utime + usage.ru_stime
    # The recording: the publisher's own stream, joined and put through the VOD pipeline.
    joined = work / "recording.mp4"
    subprocess.run(live_hls.recording_command([work / "part-0001.ts"], joined), check=True)
    pipeline.transcode(joined, work / "vod")
    recording_ready = time.time() - live_ended
    # Readings before the player settled on the live edge (its first seconds) are skipped.
    settled = latencies[len(latencies) // 4 :] or latencies
    segments = [seen[k] for k in sorted(seen)]
    result = {
        "seconds_live": seconds,
        "glass_to_glass_latency_s": round(statistics.median(settled), 2) if settled else None,
        "glass_to_glass_latency_p95_s": round(sorted(settled)[int(0.95 * (len(settled) - 1))], 2)
        if settled
        else None,
        "latency_readings": len(settled),
        "player_errors": problems[:4],
        "player_state_at_end": state,
        "lowest_rung_peak_kbps": peak_kbps(segments, 2) if segments else None,
        "lowest_rung_segments": len(segments),
        "upstream_bytes_per_school_ratio": round(school["school"] / school["alone"], 3),
        "upstream_bytes_one_player": school["alone"],
        "upstream_bytes_school_30_players": school["school"],
        "encode_cpu_per_live_minute": round(cpu / (seconds / 60), 2),
        "recording_ready_s": round(recording_ready, 2),
        "rungs": [r.name for r in ladder.rungs],
        # Real time needs free cores: a loaded machine delays the encode and the player.
        "load_average_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "cores": os.cpu_count(),
    }
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()

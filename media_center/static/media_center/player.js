// The media player: hls.js (adaptive, starting on the lowest rung) where the
// browser lacks HLS, native HLS where it has it, the small MP4 otherwise.
// Reports the ranges actually played, so seeking never inflates watch time.
(function () {
  var video = document.getElementById("player");
  var waiting = document.getElementById("media-processing");
  if (waiting) {
    var poll = setInterval(function () {
      fetch(waiting.dataset.statusUrl).then(function (r) { return r.json(); }).then(function (s) {
        if (s.status === "ready" || s.status === "failed") { clearInterval(poll); location.reload(); }
        else if (s.progress !== null) { document.getElementById("media-progress").value = s.progress; }
      });
    }, 3000);
  }
  if (!video) return;
  var hlsUrl = video.dataset.hls, mp4 = video.dataset.mp4;
  if (window.Hls && Hls.isSupported()) {
    var hls = new Hls({ startLevel: 0, capLevelToPlayerSize: true });
    hls.loadSource(hlsUrl);
    hls.attachMedia(video);
    hls.on(Hls.Events.ERROR, function (_e, data) {
      if (data.fatal && mp4) { hls.destroy(); video.src = mp4; }
    });
  } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = hlsUrl;
  } else if (mp4) {
    video.src = mp4;
  }
  var resume = parseFloat(video.dataset.resume || "0");
  if (resume > 1) {
    video.addEventListener("loadedmetadata", function () {
      if (resume < video.duration - 2) video.currentTime = resume;
    }, { once: true });
  }
  // Keyboard: space/K play-pause, arrows seek, M mute (the element has focus).
  video.addEventListener("keydown", function (e) {
    if (e.key === " " || e.key === "k") { e.preventDefault(); video.paused ? video.play() : video.pause(); }
    else if (e.key === "ArrowRight") { video.currentTime += 5; }
    else if (e.key === "ArrowLeft") { video.currentTime = Math.max(0, video.currentTime - 5); }
    else if (e.key === "m") { video.muted = !video.muted; }
  });
  var ranges = [], start = null, last = 0, seq = 0;
  function close() {
    if (start !== null && last > start) ranges.push([start, last]);
    start = null;
  }
  video.addEventListener("timeupdate", function () {
    var t = video.currentTime;
    if (start === null || t < last || t - last > 2) { close(); start = t; }
    last = t;
  });
  video.addEventListener("seeking", close);
  function send(beacon) {
    close();
    if (!video.paused) start = last;
    if (!ranges.length) return;
    var body = JSON.stringify({ position: video.currentTime, ranges: ranges, seq: ++seq + Date.now() * 1000 });
    ranges = [];
    fetch(video.dataset.watchUrl, {
      method: "POST", body: body, credentials: "same-origin", keepalive: !!beacon,
      headers: { "Content-Type": "application/json", "X-CSRFToken": video.dataset.csrf },
    });
  }
  setInterval(function () { send(false); }, 10000);
  video.addEventListener("pause", function () { send(false); });
  video.addEventListener("ended", function () { send(false); });
  window.addEventListener("pagehide", function () { send(true); });
})();

// The media page: the light player (khlang-player.js) starts on Play; then
// keyboard keys, the seek bar with previews, resume, and reports of the ranges
// actually played, so seeking never inflates watch time.
(function () {
  var waiting = document.getElementById("media-processing");
  if (waiting) {
    var poll = setInterval(function () {
      fetch(waiting.dataset.statusUrl).then(function (r) { return r.json(); }).then(function (s) {
        if (s.status === "ready" || s.status === "failed") { clearInterval(poll); location.reload(); }
        else if (s.progress !== null) { document.getElementById("media-progress").value = s.progress; }
      });
    }, 3000);
  }
  var box = document.getElementById("player-box");
  if (!box) return;
  window.KhlangPlayer.bind(box, setup);
  function setup(video) {
    var resume = parseFloat(box.dataset.resume || "0");
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
    seekBarWithPreviews(video);
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
      fetch(box.dataset.watchUrl, {
        method: "POST", body: body, credentials: "same-origin", keepalive: !!beacon,
        headers: { "Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf },
      });
    }
    setInterval(function () { send(false); }, 10000);
    video.addEventListener("pause", function () { send(false); });
    video.addEventListener("ended", function () { send(false); });
    window.addEventListener("pagehide", function () { send(true); });
  }

  // A seek bar under the video whose thumb shows the sprite tile of the moment
  // under the pointer (hover or drag) or, from the keyboard, of where the
  // arrow keys move it. The tiles come from the WebVTT thumbnails track
  // ("sprite_001.jpg#xywh=x,y,w,h" cues), read by the browser itself.
  function seekBarWithPreviews(video) {
    var bar = document.getElementById("seek-bar");
    var preview = document.getElementById("seek-preview");
    var trackEl = document.getElementById("thumbnails-track");
    if (!bar || !preview || !trackEl) return;
    var thumb = preview.querySelector(".thumb"), label = preview.querySelector(".time");
    trackEl.track.mode = "hidden"; // load the cues without showing them
    var dragging = false;
    function clock(t) {
      t = Math.max(0, Math.floor(t));
      var s = t % 60;
      return Math.floor(t / 60) + ":" + (s < 10 ? "0" : "") + s;
    }
    function cueAt(t) {
      var cues = trackEl.track.cues;
      if (!cues) return null;
      for (var i = 0; i < cues.length; i++) {
        if (t >= cues[i].startTime && t < cues[i].endTime) return cues[i];
      }
      return cues.length && t >= cues[cues.length - 1].endTime ? cues[cues.length - 1] : null;
    }
    function show(t, fraction) {
      var cue = cueAt(t);
      label.textContent = clock(t);
      var m = cue && /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(cue.text.trim());
      if (m) {
        var sheet = new URL(m[1], trackEl.src).href; // relative to the signed track URL
        thumb.style.backgroundImage = 'url("' + sheet + '")';
        thumb.style.backgroundPosition = "-" + m[2] + "px -" + m[3] + "px";
        thumb.style.width = m[4] + "px";
        thumb.style.height = m[5] + "px";
        thumb.dataset.sheet = m[1];
      }
      preview.style.left = (Math.min(1, Math.max(0, fraction)) * 100) + "%";
      preview.hidden = false;
    }
    function ready() {
      if (!isFinite(video.duration) || video.duration <= 0) return;
      bar.max = Math.floor(video.duration);
      bar.disabled = false;
      bar.setAttribute("aria-valuetext", clock(video.currentTime) + " / " + clock(video.duration));
    }
    video.addEventListener("loadedmetadata", ready);
    video.addEventListener("durationchange", ready);
    video.addEventListener("timeupdate", function () {
      if (dragging) return;
      bar.value = Math.floor(video.currentTime);
      bar.setAttribute("aria-valuetext", clock(video.currentTime) + " / " + clock(video.duration || 0));
    });
    bar.addEventListener("pointermove", function (e) {
      var rect = bar.getBoundingClientRect();
      var fraction = (e.clientX - rect.left) / rect.width;
      show(fraction * (video.duration || 0), fraction);
    });
    bar.addEventListener("pointerleave", function () { if (!dragging) preview.hidden = true; });
    bar.addEventListener("pointerdown", function () { dragging = true; });
    window.addEventListener("pointerup", function () { dragging = false; });
    // Dragging or the arrow keys: preview follows, the video moves there.
    bar.addEventListener("input", function () {
      var t = parseFloat(bar.value);
      show(t, bar.max > 0 ? t / bar.max : 0);
      video.currentTime = t;
    });
    bar.addEventListener("keydown", function (e) {
      var step = { ArrowRight: 5, ArrowUp: 5, ArrowLeft: -5, ArrowDown: -5 }[e.key];
      if (!step) return;
      e.preventDefault();
      bar.value = Math.min(bar.max, Math.max(0, parseFloat(bar.value) + step));
      bar.dispatchEvent(new Event("input"));
    });
    bar.addEventListener("blur", function () { preview.hidden = true; });
  }
})();

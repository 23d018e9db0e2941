/* Khlang lesson player: the light player (khlang-player.js) plays the video on
   Play; this script resumes where the learner stopped, and reports the ranges actually played
   (the element's "played" ranges, so seeking never counts twice) to the
   heartbeat endpoint every 15 s while playing, and on pause, end and leave. */
(function () {
  "use strict";
  if (window.khlangLessonPlayer) return;
  window.khlangLessonPlayer = true;
  var INTERVAL_MS = 15000;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function playedRanges(el) {
    var out = [];
    for (var i = 0; i < el.played.length; i++) out.push([el.played.start(i), el.played.end(i)]);
    return out;
  }

  function resumePoints() {
    var node = document.getElementById("lms-resume");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  }

  function showStatus(el, data) {
    var box = document.querySelector('[data-lms-status="' + el.dataset.lesson + '"]');
    if (!box) return;
    var bar = box.querySelector("progress");
    if (bar) bar.value = Math.round((data.fraction || 0) * 100);
    if (data.complete) {
      box.classList.add("complete");
      var label = box.querySelector("[data-label]");
      if (label) label.textContent = box.dataset.completeText;
    }
  }

  function setup(el, resume) {
    if (el.dataset.lmsReady) return;
    el.dataset.lmsReady = "1";
    var at = parseFloat(resume[el.dataset.lmsMedia] || "0");
    if (at > 1) {
      el.addEventListener("loadedmetadata", function () {
        if (at < el.duration - 2) el.currentTime = at;
      }, { once: true });
    }
    if (!el.dataset.heartbeat) return;
    var sending = false, lastSent = "", timer = null;
    function send() {
      var body = JSON.stringify({
        lesson: el.dataset.lesson,
        media: el.dataset.lmsMedia,
        ranges: playedRanges(el),
        position: el.currentTime,
        duration: isFinite(el.duration) ? el.duration : 0
      });
      if (sending || body === lastSent) return;
      sending = true;
      fetch(el.dataset.heartbeat, {
        method: "POST", credentials: "same-origin", keepalive: true, body: body,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() }
      }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { lastSent = body; if (data) showStatus(el, data); })
        .catch(function () {})
        .finally(function () { sending = false; });
    }
    function stop() { clearInterval(timer); timer = null; }
    el.addEventListener("play", function () { if (!timer) timer = setInterval(send, INTERVAL_MS); });
    el.addEventListener("pause", function () { stop(); send(); });
    el.addEventListener("ended", function () { stop(); send(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") send();
    });
  }

  function start() {
    var resume = resumePoints();
    document.querySelectorAll("audio[data-lms-media]").forEach(function (el) { setup(el, resume); });
    // Videos start as a poster and a Play button (khlang-player.js); the
    // <video> made on Play carries the box's lesson data.
    document.querySelectorAll(".player-box[data-lms-media]").forEach(function (box) {
      window.KhlangPlayer.bind(box, function (video) {
        ["lmsMedia", "lesson", "heartbeat"].forEach(function (key) {
          if (box.dataset[key]) video.dataset[key] = box.dataset[key];
        });
        setup(video, resume);
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

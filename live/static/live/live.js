// A live class's page: the media centre's player (khlang-player.js) with a
// "live" badge and a jump-to-live control, and a quiet check of the session's
// state so the page turns into the player when the class begins and into the
// recording's link when it ends.
(function () {
  "use strict";
  var page = document.getElementById("live-session");
  if (!page) return;
  var box = document.getElementById("live-player");
  var badge = document.getElementById("live-badge");
  var jump = document.getElementById("jump-live");
  var BEHIND_SECONDS = 8; // more than this behind the edge: offer the jump

  function liveEdge(video) {
    var hls = video.khlangHls;
    if (hls && hls.liveSyncPosition) return hls.liveSyncPosition;
    var seekable = video.seekable;
    return seekable.length ? seekable.end(seekable.length - 1) : null;
  }

  function follow(video) {
    function update() {
      var edge = liveEdge(video);
      var behind = edge === null ? 0 : edge - video.currentTime;
      var atLive = behind < BEHIND_SECONDS && !video.paused;
      badge.classList.toggle("behind", !atLive);
      jump.hidden = atLive;
    }
    jump.addEventListener("click", function () {
      var edge = liveEdge(video);
      if (edge !== null) video.currentTime = edge;
      var playing = video.play();
      if (playing && playing.catch) playing.catch(function () {});
    });
    video.addEventListener("timeupdate", update);
    // Attendance: the seconds actually played, reported every half minute.
    var played = 0, last = null;
    video.addEventListener("timeupdate", function () {
      var t = video.currentTime;
      if (last !== null && t > last && t - last < 2) played += t - last;
      last = t;
    });
    function report() {
      if (played < 1 || !box.dataset.watchUrl) return;
      var body = new URLSearchParams({ seconds: played.toFixed(1) });
      played = 0;
      fetch(box.dataset.watchUrl, {
        method: "POST", credentials: "same-origin", body: body,
        headers: { "X-CSRFToken": box.dataset.csrf },
      }).catch(function () {});
    }
    window.setInterval(report, 30000);
    window.addEventListener("pagehide", report);
    video.addEventListener("pause", update);
    video.addEventListener("play", update);
  }

  if (box && window.KhlangPlayer) window.KhlangPlayer.bind(box, follow);

  // The state check: the page turns into the player when the class begins and
  // into the recording's link when it ends. On a school's mirror it also says
  // when the link to the central office is cut (the player keeps asking on its
  // own) and nudges the player when the link is back.
  var stateUrl = page.dataset.stateUrl;
  var linkDown = document.getElementById("link-down");
  var QUIET = 10000, WATCHFUL = 3000;
  function shown(s) {
    return s.state + ":" + (s.ready ? "1" : "0") + ":" + (s.recording || "");
  }
  var known = shown({
    state: page.dataset.state, ready: page.dataset.ready === "1", recording: page.dataset.recording,
  });
  function nudge() {
    var video = document.getElementById("player");
    if (video && video.khlangHls) video.khlangHls.startLoad();
  }
  function check() {
    fetch(stateUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) { window.setTimeout(check, QUIET); return; }
        if (s.link_down) {
          if (linkDown) linkDown.hidden = false;
          window.setTimeout(check, WATCHFUL);
          return;
        }
        if (linkDown && !linkDown.hidden) { linkDown.hidden = true; nudge(); }
        if (shown(s) !== known) { window.location.reload(); return; }
        window.setTimeout(check, QUIET);
      })
      .catch(function () { window.setTimeout(check, WATCHFUL); });
  }
  var finished = page.dataset.state === "recorded" && page.dataset.recording;
  if (stateUrl && !finished) window.setTimeout(check, linkDown && !linkDown.hidden ? WATCHFUL : QUIET);
})();

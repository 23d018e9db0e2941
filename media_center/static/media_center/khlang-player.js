// The light player shared by media pages and lessons. Before Play a page holds
// only a poster sized to the player box and a Play button: no <video>, no
// hls.js, no playlist, no segment. Play loads hls.js (once, from its hashed
// static URL) and attaches the stream. The box keeps its aspect ratio and the
// page's width whatever rung plays (see player.css), and hls.js caps the rung
// to that box.
(function () {
  "use strict";
  if (window.KhlangPlayer) return;

  // All hls.js settings in one place. Start on the lowest rung (a satellite
  // link must start at once) and never pick a rung larger than the box.
  var KHLANG_HLS_CONFIG = {
    startLevel: 0,
    capLevelToPlayerSize: true,
    autoStartLoad: true,
    // Keep what was played and buffer half a minute ahead: a segment is
    // fetched once in a session, and never thrown away to fetch it again.
    backBufferLength: Infinity,
    maxBufferLength: 30,
    maxMaxBufferLength: 60,
  };

  // A live stream (data-live on the box): sit two 2-second segments behind
  // the live edge, jump back to it when more than five behind, and keep only
  // a little played picture: a live class is watched, not re-watched.
  var KHLANG_LIVE_CONFIG = {
    liveSyncDurationCount: 2,
    liveMaxLatencyDurationCount: 5,
    backBufferLength: 30,
    maxBufferLength: 10,
  };

  var hlsLoading = null;
  function loadHls(src) {
    if (window.Hls) return Promise.resolve(window.Hls);
    if (!hlsLoading) {
      hlsLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = function () { resolve(window.Hls); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return hlsLoading;
  }

  function applyAspect(box) {
    var ratio = box.dataset.aspect;
    if (ratio) box.style.aspectRatio = ratio; // CSSOM, not an inline attribute
  }

  // Replace the poster with a playing <video>; calls ready(video) once the
  // source is attached.
  function start(box, ready) {
    if (box.dataset.started) return;
    box.dataset.started = "1";
    var img = box.querySelector("img");
    var video = document.createElement("video");
    video.controls = true;
    video.playsInline = true;
    video.preload = "auto";
    video.tabIndex = 0;
    if (box.dataset.videoId) video.id = box.dataset.videoId;
    if (box.dataset.label) video.setAttribute("aria-label", box.dataset.label);
    if (img && img.currentSrc) video.poster = img.currentSrc;
    Array.prototype.forEach.call(box.querySelectorAll("template[data-track]"), function (tpl) {
      video.appendChild(document.importNode(tpl.content, true));
    });
    box.replaceChildren(video);
    var hlsUrl = box.dataset.hls, fallback = box.dataset.src;
    function attached() {
      if (ready) ready(video);
      video.focus();
      var playing = video.play();
      if (playing && playing.catch) playing.catch(function () {});
    }
    if (!hlsUrl) { video.src = fallback; attached(); return; }
    // A browser's own HLS plays video on demand; a live stream goes through
    // hls.js wherever it runs, for its live settings (how far behind the
    // edge) and its live edge (the jump-to-live control).
    var nativeHls = video.canPlayType("application/vnd.apple.mpegurl");
    if (nativeHls && !box.dataset.live) { video.src = hlsUrl; attached(); return; }
    loadHls(box.dataset.hlsLib).then(function (Hls) {
      if (!Hls || !Hls.isSupported()) { video.src = nativeHls ? hlsUrl : fallback; attached(); return; }
      var config = box.dataset.live
        ? Object.assign({}, KHLANG_HLS_CONFIG, KHLANG_LIVE_CONFIG)
        : KHLANG_HLS_CONFIG;
      var hls = new Hls(config);
      hls.on(Hls.Events.ERROR, function (_e, data) {
        if (data.fatal && fallback) { hls.destroy(); video.src = fallback; }
        else if (data.fatal && box.dataset.live) { hls.startLoad(); } // the edge comes back
      });
      hls.loadSource(hlsUrl);
      hls.attachMedia(video);
      video.khlangHls = hls;
      attached();
    }, function () { video.src = fallback; attached(); });
  }

  function bind(box, ready) {
    applyAspect(box);
    var button = box.querySelector("[data-play]");
    if (button) button.addEventListener("click", function () { start(box, ready); });
  }

  window.KhlangPlayer = {
    HLS_CONFIG: KHLANG_HLS_CONFIG, LIVE_CONFIG: KHLANG_LIVE_CONFIG, bind: bind, start: start,
  };
})();

// The classroom screen: a TV in the room shows the period and plays what the
// timetable says, with nobody touching it. Every 15 s (and at each period's
// edge) it asks the server what plays now; a live period plays the live stream
// while the session's state says it is ready, and otherwise the recorded item
// from this site's own disk, saying why. Players are the media centre's
// (khlang-player.js). Times come from the server's clock: a TV's own clock is
// often wrong.
(function () {
  "use strict";
  var root = document.getElementById("screen");
  if (!root || !window.KhlangPlayer) return;

  var POLL_MS = 15000; // what plays now
  var STATE_MS = 5000; // a live period: is the stream there?
  var FETCH_TIMEOUT_MS = 10000; // a request never hangs the screen
  var STALL_MS = 20000; // a live picture frozen this long: play the recording
  var RELOAD_EVERY_MS = 5 * 60000; // at most one reload (to sign in again) this often

  function $(id) { return document.getElementById(id); }
  var stage = $("screen-stage"), message = $("screen-message"), idle = $("screen-idle");
  var soundButton = $("sound-on"), liveBadge = $("screen-live");
  var text = root.dataset;

  var current = null; // the server's last answer
  var shownKey = null; // what that answer asked to play, as last acted on
  var playing = null; // {mode: "live" | "item", id, video}
  var soundOn = true; // ask for sound; a browser that refuses keeps it off until the button
  var skew = 0; // the server's clock minus this TV's
  var clockFormat = null, zone = null;
  var liveTimer = null, edgeTimer = null, inFlight = false, failures = 0;

  function fetchJson(url) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, FETCH_TIMEOUT_MS) : null;
    return fetch(url, { credentials: "same-origin", cache: "no-store", signal: controller && controller.signal })
      .then(function (r) {
        var json = (r.headers.get("content-type") || "").indexOf("json") >= 0;
        if (!r.ok || !json) throw r.status || 1;
        return r.json();
      }, function () { throw 0; })
      .finally(function () { if (timer) window.clearTimeout(timer); });
  }

  // --- The clock and the words on the screen -------------------------------

  function now() { return Date.now() + skew; }

  function tick() {
    if (!clockFormat) return;
    var shown = clockFormat.format(new Date(now()));
    $("screen-clock").textContent = shown;
    $("idle-clock").textContent = shown;
  }

  function setMessage(words) {
    message.textContent = words || "";
    message.hidden = !words;
  }

  function showTexts(s) {
    var period = $("screen-period");
    period.hidden = !s.period;
    if (s.period) {
      $("period-label").textContent = s.period.label;
      $("period-time").textContent = s.period.day + " " + s.period.time;
    }
    var until = s.until ? text.msgUntil.replace("__TIME__", s.until) : (s.next ? "" : text.msgNone);
    $("idle-until").textContent = s.kind === "live" ? "" : until; // a live period waits for its class
    $("idle-next").textContent = s.next
      ? text.msgNext + ": " + s.next.label + " · " + s.next.day + " " + s.next.time : "";
  }

  // --- Players ---------------------------------------------------------------

  function updateSound() {
    var video = playing && playing.video;
    soundButton.hidden = !(video && video.muted);
  }

  function stop() {
    var video = playing && playing.video;
    if (playing && playing.watch) window.clearInterval(playing.watch);
    if (video) {
      if (video.khlangHls) video.khlangHls.destroy();
      video.pause();
      video.removeAttribute("src");
      video.load();
    }
    playing = null;
    stage.replaceChildren();
    liveBadge.hidden = true;
    updateSound();
  }

  function start(source, mode, item) {
    stop();
    idle.hidden = true;
    stage.hidden = false;
    var box = document.createElement("div");
    box.className = "player-box";
    box.dataset.videoId = "screen-video";
    box.dataset.label = source.label;
    box.dataset.hls = source.hls || "";
    box.dataset.src = source.src || "";
    box.dataset.hlsLib = text.hlsLib;
    if (mode === "live") box.dataset.live = "1";
    box.style.aspectRatio = source.aspect || "16 / 9"; // CSSOM, not an inline attribute
    stage.replaceChildren(box);
    var state = { mode: mode, id: item ? item.id : null, video: null, watch: null };
    playing = state;
    liveBadge.hidden = mode !== "live";
    window.KhlangPlayer.start(box, function (video) {
      state.video = video;
      begin(video, state, item);
    });
  }

  function begin(video, state, item) {
    video.controls = false;
    video.muted = !soundOn;
    if (item && item.offset > 5 && item.offset < (item.duration || 0) - 10) {
      // Back after a power cut or a reload: pick up where the period is.
      video.addEventListener("loadedmetadata", function () { video.currentTime = item.offset; }, { once: true });
    }
    video.addEventListener("ended", function () {
      if (playing === state) showIdle(text.msgEnded);
    });
    video.addEventListener("volumechange", updateSound);
    if (state.mode === "live") watchForStall(video, state);
    var started = video.play();
    if (started && started.catch) {
      started.catch(function (error) {
        // A TV browser refuses sound without a click: play muted, offer the button.
        if (error && error.name === "NotAllowedError" && !video.muted) {
          soundOn = false;
          video.muted = true;
          var again = video.play();
          if (again && again.catch) again.catch(function () {});
        }
        updateSound();
      });
    }
    updateSound();
  }

  function watchForStall(video, state) {
    var last = -1, still = 0;
    state.watch = window.setInterval(function () {
      if (playing !== state) return;
      if (video.paused || video.currentTime !== last) { last = video.currentTime; still = 0; return; }
      still += STATE_MS;
      if (still >= STALL_MS) fallBack(text.msgLinkDown);
    }, STATE_MS);
  }

  function playItem(item, note) {
    setMessage(note);
    if (playing && playing.mode === "item" && playing.id === item.id) return; // keeps playing
    start({ hls: item.hls, src: item.src, aspect: item.aspect, label: item.title }, "item", item);
  }

  function playLive(session) {
    setMessage("");
    start({ hls: session.hls, src: "", aspect: "16 / 9", label: session.title }, "live", null);
  }

  function showIdle(note) {
    stop();
    stage.hidden = true;
    idle.hidden = false;
    setMessage(note);
  }

  function fallBack(note) {
    if (current && current.item) playItem(current.item, note);
    else showIdle(note);
  }

  // --- A live period: the stream when it is there, the recording otherwise ----

  function stopLiveWatch() {
    if (liveTimer) window.clearInterval(liveTimer);
    liveTimer = null;
  }

  function checkLive() {
    var session = current && current.session;
    if (!session) return;
    fetchJson(session.state_url).then(function (st) {
      if (!current || !current.session || current.session.id !== session.id) return;
      if (st.state === "live" && st.ready && !st.link_down) {
        if (!playing || playing.mode !== "live") playLive(session);
        return;
      }
      if (st.state === "ended" || st.state === "recorded") poll(); // its recording takes over
      var note = st.link_down ? text.msgLinkDown : (current.item ? text.msgNotLive : text.msgWaiting);
      if (!playing || playing.mode === "live") fallBack(note);
      else setMessage(note);
    }, function () {});
  }

  function watchLive() {
    fallBack(""); // the recording meanwhile; the first answer about the stream says why
    checkLive();
    liveTimer = window.setInterval(checkLive, STATE_MS);
  }

  // --- What plays now ---------------------------------------------------------

  function apply(s) {
    skew = s.now_ms - Date.now();
    if (s.zone !== zone) {
      zone = s.zone;
      var lang = document.documentElement.lang === "en" ? "en-GB" : "th-TH";
      clockFormat = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone });
    }
    current = s;
    showTexts(s);
    tick();
    window.clearTimeout(edgeTimer);
    var wait = s.until_ms ? s.until_ms - now() + 1000 : 0;
    if (wait > 0 && wait < POLL_MS) edgeTimer = window.setTimeout(poll, wait);
    if (s.key === shownKey) return;
    shownKey = s.key;
    stopLiveWatch();
    if (s.kind === "live" && s.session) watchLive();
    else if (s.item) playItem(s.item, s.kind === "fallback" ? text.msgNotLive : "");
    else showIdle("");
  }

  function reloadToSignIn() {
    // The session ended (a new screen link, or it expired): the page's address
    // holds the key, so loading it again signs the screen in again.
    var last = 0;
    try { last = Number(window.sessionStorage.getItem("khlang-screen-reload") || 0); } catch (e) {}
    if (Date.now() - last < RELOAD_EVERY_MS) return;
    try { window.sessionStorage.setItem("khlang-screen-reload", String(Date.now())); } catch (e) {}
    window.location.reload();
  }

  function poll() {
    if (inFlight) return;
    inFlight = true;
    fetchJson(text.nowUrl).then(function (s) {
      failures = 0;
      apply(s);
    }, function (status) {
      failures += 1;
      if (status && failures >= 3) reloadToSignIn(); // answered, but not with our state
    }).finally(function () { inFlight = false; });
  }

  soundButton.addEventListener("click", function () {
    soundOn = true;
    var video = playing && playing.video;
    if (video) {
      video.muted = false;
      var resumed = video.play();
      if (resumed && resumed.catch) resumed.catch(function () {});
    }
    updateSound();
  });

  apply(JSON.parse($("screen-state").textContent));
  window.setInterval(tick, 1000);
  window.setInterval(poll, POLL_MS);
})();

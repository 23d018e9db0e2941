/* Quiz page: save each answer as it changes, autosave every 20 s, keep the timer.
   Written for old browsers too (no modules, no fetch needed, ES5 only). */
(function () {
  var form = document.getElementById("attempt-form");
  if (!form) { return; }
  var saveUrl = form.getAttribute("data-save-url");
  var status = document.getElementById("save-status");
  var dirty = {};
  var seq = Date.now();  /* grows across reloads, so a newer save always wins */
  var submitting = false;

  function csrf() { return form.querySelector("input[name=csrfmiddlewaretoken]").value; }

  function fieldsOf(position) {
    var box = document.getElementById("question-" + position);
    var parts = ["position=" + position];
    var inputs = box.querySelectorAll("input, select, textarea");
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if (!el.name || ((el.type === "radio" || el.type === "checkbox") && !el.checked)) { continue; }
      parts.push(encodeURIComponent(el.name) + "=" + encodeURIComponent(el.value));
    }
    return parts;
  }

  function save(position, done) {
    seq += 1;
    var body = fieldsOf(position).concat(["seq=" + seq]).join("&");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", saveUrl, true);
    xhr.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    xhr.setRequestHeader("X-CSRFToken", csrf());
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      if (xhr.status === 200) {
        delete dirty[position];
        status.textContent = "บันทึกแล้ว / saved";
        var answer = JSON.parse(xhr.responseText);
        if (answer.fraction !== undefined) { showFeedback(position, answer); }
        var legend = document.querySelector("#question-" + position + " legend");
        if (legend && !legend.querySelector(".saved-mark")) {
          legend.insertAdjacentHTML("beforeend", ' <span class="saved-mark">✓</span>');
        }
      } else if (xhr.status === 409) {
        status.textContent = "หมดเวลาหรือส่งแล้ว / time is up or already submitted";
        window.location.reload();
      } else {
        status.textContent = "ยังบันทึกไม่ได้ จะลองใหม่ / not saved yet, will retry";
      }
      if (done) { done(); }
    };
    xhr.send(body);
  }

  /* Immediate-feedback quizzes: the server grades each saved answer. */
  function showFeedback(position, answer) {
    var box = document.getElementById("question-" + position);
    var note = box.querySelector(".instant-feedback");
    if (!note) {
      note = document.createElement("p");
      note.className = "instant-feedback";
      box.appendChild(note);
    }
    var right = answer.fraction !== null && answer.fraction >= 1;
    note.textContent = (answer.fraction === null ? "รอครูตรวจ / waiting for the teacher"
      : right ? "ถูกต้อง / right" : "ยังไม่ถูก / not right") + (answer.feedback ? " · " + answer.feedback : "");
  }

  function questionOf(el) {
    while (el && !(el.getAttribute && el.getAttribute("data-position"))) { el = el.parentNode; }
    return el ? el.getAttribute("data-position") : null;
  }

  function changed(event) {
    var position = questionOf(event.target);
    if (position) { dirty[position] = true; if (event.type === "change") { save(position); } }
  }
  form.addEventListener("change", changed);
  form.addEventListener("input", changed);

  setInterval(function () {
    for (var position in dirty) { if (dirty.hasOwnProperty(position)) { save(position); } }
  }, 20000);

  form.addEventListener("submit", function (event) {
    if (submitting) { event.preventDefault(); return; }  /* a double click sends one submit */
    submitting = true;
    document.getElementById("submit-attempt").disabled = true;
  });

  var timer = document.getElementById("timer");
  if (timer) {
    var end = Date.now() + parseInt(timer.getAttribute("data-remaining"), 10) * 1000;
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      timer.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      if (left === 0 && !submitting) { submitting = true; form.submit(); }
    };
    tick();
    setInterval(tick, 1000);
  }
})();

// Resumable upload (tus): the file goes first, in 5 MiB pieces that survive a
// dropped link; then the form is sent with the upload's id.
(function () {
  var form = document.getElementById("upload-form");
  if (!form) return;
  var input = document.getElementById("file-input");
  var bar = document.getElementById("upload-progress");
  var label = document.getElementById("upload-percent");
  var idField = form.querySelector("input[name=upload_id]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var pending = null;
  form.addEventListener("submit", function (event) {
    var kind = form.querySelector("[name=type]").value;
    if (kind === "link" || idField.value || !input.files.length) return;
    event.preventDefault();
    if (pending) return;
    var file = input.files[0];
    pending = new tus.Upload(file, {
      endpoint: form.dataset.tus,
      // Pieces of 1 MiB take ~33 s at 256 kbit/s (a satellite school) and under
      // a second on fibre: each stays well inside every timeout on the way,
      // and the one request round trip per piece costs < 3 % of the link.
      // The server keeps every byte of a piece cut short (media_center/tus.py).
      chunkSize: 1024 * 1024,
      // Keep trying through a link that drops for minutes (rain fade).
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000, 60000, 60000],
      metadata: { filename: file.name, filetype: file.type },
      headers: { "X-CSRFToken": csrf },
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress: function (sent, total) {
        var percent = Math.floor((sent / total) * 100);
        bar.value = percent;
        label.textContent = percent + "%";
      },
      onError: function (error) {
        label.textContent = "อัปโหลดไม่สำเร็จ / upload failed: " + error;
        pending = null;
      },
      onSuccess: function () {
        idField.value = pending.url.replace(/\/$/, "").split("/").pop();
        form.submit();
      },
    });
    pending.findPreviousUploads().then(function (previous) {
      if (previous.length) pending.resumeFromPreviousUpload(previous[0]);
      pending.start();
    });
  });
})();

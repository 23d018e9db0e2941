// Admin "add audio/video" form: an empty title takes the chosen file's name
// (without folder or extension), as wagtailmedia's own inline script would.
(function () {
  "use strict";
  var file = document.getElementById("id_file");
  var title = document.getElementById("id_title");
  if (!file || !title) return;
  file.addEventListener("change", function () {
    if (title.value !== "") return;
    var name = file.value.split(/[\\/]/).pop() || "";
    title.value = name.replace(/\.[^.]+$/, "");
  });
})();

// Title suggestions for the search box: asks the JSON API as the visitor types
// (at most one request in flight, after a short pause) and fills the datalist.
(function () {
  "use strict";
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-suggestions");
  if (!input || !list || !window.fetch) return;
  var url = input.getAttribute("data-autocomplete-url");
  var timer = null;
  var controller = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var text = input.value.trim();
    if (text.length < 2) { list.textContent = ""; return; }
    timer = setTimeout(function () {
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(text), { signal: controller.signal, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          list.textContent = "";
          data.results.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.title;
            list.appendChild(option);
          });
        })
        .catch(function () { /* a newer request replaced this one */ });
    }, 200);
  });
})();

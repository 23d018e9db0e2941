// Slug suggestions that keep Thai vowel and tone marks.
//
// Wagtail's slug controller (w-slug) keeps letters and digits but drops
// combining marks (Unicode category M), so "สื่อ" became "สอ". Two of its
// documented events are enough to keep them, without touching Wagtail's code:
// * w-slug:applied — after Wagtail writes a suggestion, write it again from the
//   same source text with the marks kept (the rule of core/thai_slugs.py);
// * w-sync:check — when the title is focused, Wagtail asks the slug whether it
//   still follows the title, comparing with its own mark-less suggestion, and
//   would stop following a Thai title after its first save. For Thai text the
//   answer is given here, with the marks kept.
(function () {
  "use strict";
  var MAX = 255;
  var THAI = /[\u0e00-\u0e7f]/;

  function thaiSlug(text) {
    return String(text || "")
      .normalize("NFC")
      .replace(/\u200b/g, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\u0e00-\u0e7f\s_-]/gu, "")
      .trim()
      .replace(/[-\s]+/g, "-")
      .substring(0, MAX)
      .replace(/^[-_]+|[-_]+$/g, "");
  }

  function isSlugField(element) {
    var controllers = (element && element.getAttribute && element.getAttribute("data-controller")) || "";
    return controllers.split(/\s+/).indexOf("w-slug") !== -1;
  }

  document.addEventListener("w-slug:applied", function (event) {
    var detail = event.detail || {};
    var field = event.target;
    if (!field || !detail.sourceValue || !THAI.test(detail.sourceValue)) return;
    var value = thaiSlug(detail.sourceValue);
    if (value && field.value !== value) field.value = value;
  });

  document.addEventListener(
    "w-sync:check",
    function (event) {
      var field = event.target;
      var source = (event.detail || {}).value || "";
      if (!isSlugField(field) || !THAI.test(source + field.value)) return;
      event.stopImmediatePropagation(); // Wagtail's comparison would drop the marks
      if (field.value && field.value !== thaiSlug(source)) event.preventDefault();
    },
    true
  );

  window.khlangThaiSlug = thaiSlug;
})();

// Wagtail's slug suggestion keeps letters and digits but drops combining marks
// (Unicode category M), so "สื่อ" became "สอ". After Wagtail suggests a slug,
// suggest it again from the same source text keeping Thai marks; the server
// accepts such slugs (core/thai_slugs.py).
(function () {
  "use strict";
  var MAX = 255;
  function thaiSlug(text) {
    return String(text || "")
      .normalize("NFC")
      .replace(/\u200b/g, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, "")
      .trim()
      .replace(/[-\s]+/g, "-")
      .substring(0, MAX)
      .replace(/^[-_]+|[-_]+$/g, "");
  }
  document.addEventListener("w-slug:applied", function (event) {
    var detail = event.detail || {};
    var field = event.target;
    if (!field || !detail.sourceValue || !/[\u0e00-\u0e7f]/.test(detail.sourceValue)) return;
    var value = thaiSlug(detail.sourceValue);
    if (value && field.value !== value) field.value = value;
  });
  window.khlangThaiSlug = thaiSlug;
})();

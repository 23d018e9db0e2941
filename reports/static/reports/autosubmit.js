/* Submits a report's filter form when a marked select changes (no inline handler: CSP). */
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
});

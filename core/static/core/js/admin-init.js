/* Starts Wagtail admin widgets that Wagtail itself starts with inline scripts.
 *
 * The Content-Security-Policy allows no inline script, so core/templates/
 * wagtailadmin/ overrides those templates with a hidden marker
 * (data-khlang-init = the global constructor or function, data-khlang-options =
 * its JSON options, data-khlang-target = an element id, data-khlang-construct =
 * call it with `new`); core/admin_csp.py does the same for chooser widgets.
 * This file calls each one once, for the page as loaded and for forms added later (inline panels
 * clone their empty form from a template).
 */
(function () {
  "use strict";
  function start(marker) {
    if (marker.dataset.khlangStarted) { return; }
    var name = marker.dataset.khlangInit;
    var target = marker.dataset.khlangTarget;
    if (target && target.indexOf("__prefix__") !== -1) { return; } // still a template
    var fn = window[name];
    if (typeof fn !== "function") { return; }
    marker.dataset.khlangStarted = "1";
    var options = JSON.parse(marker.dataset.khlangOptions || "{}");
    var args = target ? [target, options] : [options];
    if (marker.dataset.khlangConstruct) {
      new (Function.prototype.bind.apply(fn, [null].concat(args)))(); // eslint-disable-line no-new
    } else {
      fn.apply(window, args);
    }
  }

  function scan(root) {
    if (root.matches && root.matches("[data-khlang-init]")) { start(root); }
    if (root.querySelectorAll) { root.querySelectorAll("[data-khlang-init]").forEach(start); }
  }

  function boot() {
    scan(document);
    new MutationObserver(function (records) {
      records.forEach(function (r) { r.addedNodes.forEach(scan); });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", boot);
  } else {
    boot();
  }
})();

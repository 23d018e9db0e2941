// The question editor's answer rows: the chosen type's rows shown, rows added,
// removed and reordered (drag, or the arrow buttons from the keyboard).
(function () {
  "use strict";

  function showType(editor, qtype) {
    editor.querySelectorAll("[data-qtype-section]").forEach(function (section) {
      var types = section.getAttribute("data-qtype-section").split(" ");
      section.hidden = types.indexOf(qtype) === -1;
    });
  }

  function wireRows(editor) {
    var dragged = null;
    editor.addEventListener("click", function (event) {
      var add = event.target.closest("[data-add-row]");
      if (add) {
        var kind = add.getAttribute("data-add-row");
        var template = editor.querySelector('[data-row-template="' + kind + '"]');
        var list = editor.querySelector('[data-rows="' + kind + '"]');
        var row = template.content.firstElementChild.cloneNode(true);
        list.appendChild(row);
        var first = row.querySelector("textarea, input[type=text]");
        if (first) first.focus();
        return;
      }
      var row = event.target.closest(".qe-row");
      if (!row) return;
      if (event.target.closest("[data-remove-row]")) {
        row.remove();
      } else if (event.target.closest('[data-move="up"]') && row.previousElementSibling) {
        row.parentNode.insertBefore(row, row.previousElementSibling);
        event.target.focus();
      } else if (event.target.closest('[data-move="down"]') && row.nextElementSibling) {
        row.parentNode.insertBefore(row.nextElementSibling, row);
        event.target.focus();
      }
    });
    editor.addEventListener("dragstart", function (event) {
      var row = event.target.closest && event.target.closest(".qe-row");
      if (!row || ["INPUT", "TEXTAREA", "SELECT"].indexOf(event.target.tagName) !== -1) return;
      dragged = row;
      row.classList.add("qe-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", "");
    });
    editor.addEventListener("dragover", function (event) {
      var over = event.target.closest && event.target.closest(".qe-row");
      if (!dragged || !over || over === dragged || over.parentNode !== dragged.parentNode) return;
      event.preventDefault();
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
    });
    editor.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("qe-dragging");
      dragged = null;
    });
  }

  function init(editor) {
    if (editor.hasAttribute("data-ready")) return;
    editor.setAttribute("data-ready", "");
    var form = editor.closest("form");
    var select = form && form.querySelector('select[name="qtype"]');
    showType(editor, select ? select.value : editor.getAttribute("data-qtype"));
    if (select) {
      select.addEventListener("change", function () {
        showType(editor, select.value);
      });
    }
    wireRows(editor);
  }

  function initAll() {
    document.querySelectorAll("[data-question-editor]").forEach(init);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();

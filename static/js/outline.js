// The workspace outline: keyboard shortcuts to move a section (Alt+Up / Alt+Down on its title
// press the "Move up" / "Move down" button in its menu), Escape closes an open actions menu,
// focus returns to the section just moved, and lands in a folded subtree once htmx loads it.
// Without JavaScript the same buttons are in each section's menu and the subtrees are links.
(function () {
  "use strict";

  var root = document.querySelector(".outline-root");
  if (!root) return;
  var hint = document.querySelector(".outline-keys");
  if (hint) hint.hidden = false;

  function row(element) {
    var item = element.closest(".outline-item");
    return item ? item.querySelector(":scope > .outline-row") : null;
  }

  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var menu = event.target.closest("details.outline-menu[open]");
      if (menu) {
        menu.open = false;
        menu.querySelector("summary").focus();
        event.preventDefault();
      }
      return;
    }
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    if (!event.target.classList.contains("outline-title")) return;
    var direction = event.key === "ArrowUp" ? "up" : "down";
    var button = row(event.target).querySelector('button[data-move="' + direction + '"]');
    event.preventDefault();
    if (button) button.form.requestSubmit(button);
  });

  // After a move (or an edit) the page opens at #node-<id>: put focus on that section's title,
  // so that Alt+Up / Alt+Down can be pressed again straight away.
  // (After "load": the browser's own scroll to the anchor would otherwise take the focus back.)
  function focusTarget() {
    if (!/^#node-\d+$/.test(window.location.hash)) return;
    var target = document.getElementById(window.location.hash.slice(1));
    var title = target && target.querySelector(":scope > .outline-row > .outline-title");
    if (title && document.activeElement === document.body) title.focus({ preventScroll: true });
  }
  if (document.readyState === "complete") window.setTimeout(focusTarget, 0);
  else window.addEventListener("load", function () { window.setTimeout(focusTarget, 0); });

  // A folded subtree loaded by htmx replaces its "Show" link: focus its first section.
  var opening = null;
  root.addEventListener("htmx:beforeRequest", function (event) {
    opening = event.detail.elt.closest(".outline-item");
  });
  root.addEventListener("htmx:afterSettle", function () {
    var title = opening && opening.querySelector(":scope > .outline > .outline-item > .outline-row > .outline-title");
    opening = null;
    if (title) title.focus();
  });
})();

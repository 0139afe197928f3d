// Shows the idle warning a few minutes before the server ends the staff session.
// Any request to the server counts as activity; the link in the warning is one.
(function () {
  "use strict";
  var box = document.querySelector(".idle-warning");
  if (!box) { return; }
  var idle = Number(box.getAttribute("data-idle-seconds"));
  var warn = Number(box.getAttribute("data-warn-seconds"));
  window.setTimeout(function () {
    box.hidden = false;
  }, Math.max(0, idle - warn) * 1000);
}());

/* A missed tap: "Nästa" with no answer chosen shows the prompt the server would show
   ("Du har inte valt något svar. Vill du hoppa över frågan?") without a round trip.
   The participant is asked once: a second "Nästa" with nothing chosen moves on, as
   without JavaScript (the hidden "fragat" field tells the server). */
(function () {
  "use strict";
  var prompt = document.getElementById("missed");
  var form = prompt && prompt.closest("form");
  if (!form) { return; }
  var comment = form.querySelector("textarea[name=comment]");

  function chosen() {
    return form.querySelector("input[name=value]:checked") !== null ||
      (comment !== null && comment.value.trim() !== "");
  }

  form.addEventListener("submit", function (event) {
    var by = event.submitter;
    if (chosen() || (by && by.name === "hoppa") || form.querySelector("input[name=fragat]")) {
      return;
    }
    event.preventDefault();
    var asked = document.createElement("input");
    asked.type = "hidden";
    asked.name = "fragat";
    asked.value = "1";
    form.appendChild(asked);
    prompt.hidden = false;
    // Below a long question (comment box and all) it could open under the fold.
    prompt.scrollIntoView({block: "nearest"});
  });

  prompt.querySelector("[data-answer]").addEventListener("click", function (event) {
    event.preventDefault();
    prompt.hidden = true;
    var first = form.querySelector("input[name=value]:checked") ||
      form.querySelector("input[name=value]");
    if (first) { first.focus(); }
  });
}());

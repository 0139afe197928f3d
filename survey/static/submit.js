/* Skicka in: when the network fails as the participant taps "Skicka in svaren", stay on
   the page, say that the answers are kept, and try again by itself (after 1, 2, 4... up
   to 15 seconds, and at once when the phone is back online or the button is tapped).
   Every answer is already stored on the server as it was given, and a repeated submit
   never stores twice, so retrying is always safe. Without JavaScript the form posts as
   usual and the browser's own "try again" does the same. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-retry]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var notice = document.getElementById("offline");
  var busy = false;
  var timer = null;
  var wait = 1000;

  function later() {
    if (notice) { notice.hidden = false; }
    clearTimeout(timer);
    timer = setTimeout(attempt, wait);
    wait = Math.min(wait * 2, 15000);
  }

  function attempt() {
    if (busy) { return; }
    busy = true;
    clearTimeout(timer);
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      redirect: "follow"
    }).then(function (response) {
      // Stored: the server answered with the thank-you page and its address.
      var shown = response.ok && response.headers.get("Content-Location");
      if (shown) {
        window.location.assign(shown);
      } else if (response.redirected) {
        window.location.assign(response.url);
      } else {
        form.submit();  // let the server's own page (e.g. a message) show as usual
      }
    }, function () {
      busy = false;
      later();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    attempt();
  });
  window.addEventListener("online", function () {
    if (timer !== null && !busy) { attempt(); }
  });
}());

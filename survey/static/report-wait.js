// While a report is being made (survey/reports/jobs.py): ask its job's state every two
// seconds and open the report (or fetch the file) once it is made. Without this script
// the page's link does the same on a click; the page never refreshes by itself, which
// would move a screen reader's place under the reader.
(function () {
  "use strict";
  var status = document.querySelector("[data-report-state]");
  if (!status || !window.fetch) { return; }
  var ask = function () {
    window.fetch(status.getAttribute("data-report-state"), {credentials: "same-origin"})
      .then(function (reply) { return reply.ok ? reply.json() : {state: "failed"}; })
      .then(function (job) {
        if (job.state === "queued" || job.state === "running") {
          window.setTimeout(ask, 2000);
          return;
        }
        if (job.state === "done") { status.textContent = status.getAttribute("data-done"); }
        window.location.assign(status.getAttribute("data-next"));
      })
      .catch(function () { window.setTimeout(ask, 5000); });
  };
  window.setTimeout(ask, 2000);
}());

/* The recording page: record a screen's text in the browser (MediaRecorder), listen to
   the take, save it. Without a microphone or MediaRecorder the recorder stays hidden and
   the file upload beside it does the same job (it also works without JavaScript). */
(function () {
  "use strict";
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.MediaRecorder) {
    return;
  }
  var sections = document.querySelectorAll("[data-recorder]");
  Array.prototype.forEach.call(sections, function (section) {
    var box = section.querySelector(".recorder");
    var start = box.querySelector("[data-start]");
    var stop = box.querySelector("[data-stop]");
    var take = box.querySelector("[data-take]");
    var save = box.querySelector("[data-save]");
    var failed = box.querySelector("[data-failed]");
    var form = section.querySelector("form.upload");
    var recorder = null, chunks = [], blob = null;
    box.hidden = false;

    function fail() { failed.hidden = false; start.hidden = false; stop.hidden = true; }

    start.addEventListener("click", function () {
      failed.hidden = true;
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        chunks = [];
        recorder = new MediaRecorder(stream);
        recorder.addEventListener("dataavailable", function (event) {
          if (event.data && event.data.size) { chunks.push(event.data); }
        });
        recorder.addEventListener("stop", function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          blob = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
          take.src = URL.createObjectURL(blob);
          take.hidden = false;
          save.hidden = false;
          start.hidden = false;
          stop.hidden = true;
          save.focus();
        });
        recorder.start();
        start.hidden = true;
        stop.hidden = false;
        stop.focus();
      }, fail);
    });

    stop.addEventListener("click", function () {
      if (recorder && recorder.state !== "inactive") { recorder.stop(); }
    });

    save.addEventListener("click", function () {
      if (!blob) { return; }
      var data = new FormData();
      data.append("csrf_token", form.querySelector("[name=csrf_token]").value);
      data.append("skarm", section.getAttribute("data-screen"));
      data.append("ljud", blob, "inspelning.webm");
      save.disabled = true;
      fetch(form.getAttribute("action"), {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (reply) {
        if (!reply.ok) { throw new Error(String(reply.status)); }
        window.location.hash = section.id;
        window.location.reload();
      }).catch(function () { save.disabled = false; fail(); });
    });
  });
}());

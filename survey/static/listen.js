/* Lyssna: read the screen aloud (a question and its answers; welcome, review, thanks).
   A recorded or generated audio file is played on tap (nothing is fetched before);
   without a file, the phone's own speech synthesis is used if it has a voice for the
   page language, otherwise the button stays hidden. Without JavaScript the audio link
   still opens the file in the phone's player. */
(function () {
  "use strict";
  var button = document.querySelector(".listen");
  if (!button) { return; }
  var label = button.querySelector("span");
  var listenText = label.textContent;
  var stopText = button.getAttribute("data-stop") || listenText;

  function playing(on) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    label.textContent = on ? stopText : listenText;
  }

  var url = button.getAttribute("data-audio");
  if (url) {
    var audio = null;
    button.setAttribute("role", "button");
    button.addEventListener("click", function (event) {
      event.preventDefault();
      if (!audio) {
        audio = new Audio();
        audio.preload = "none";
        audio.src = url;
        audio.addEventListener("ended", function () { playing(false); });
        audio.addEventListener("error", function () { playing(false); });
      }
      if (audio.paused) {
        audio.currentTime = 0;
        var started = audio.play();
        if (started && started.catch) { started.catch(function () { playing(false); }); }
        playing(true);
      } else {
        audio.pause();
        playing(false);
      }
    });
    return;
  }

  var lang = (button.getAttribute("data-speak") || "").toLowerCase();
  var synth = window.speechSynthesis;
  if (!lang || !synth || !window.SpeechSynthesisUtterance) { return; }

  function voiceFor() {
    var voices = synth.getVoices();
    var base = lang.split("-")[0];
    var exact = null, close = null;
    for (var i = 0; i < voices.length; i++) {
      var tag = (voices[i].lang || "").replace("_", "-").toLowerCase();
      if (tag === lang) { exact = exact || voices[i]; }
      else if (tag.split("-")[0] === base) { close = close || voices[i]; }
    }
    return exact || close;
  }

  function spokenText() {
    // A question screen: the question and its answers; any other screen: its heading
    // and text (welcome, review, thank-you).
    var parts = [];
    var nodes = document.querySelectorAll("legend h1, .option span");
    if (!nodes.length) { nodes = document.querySelectorAll("main h1, main p, main .button"); }
    for (var i = 0; i < nodes.length; i++) {
      if (!nodes[i].closest("[hidden]")) { parts.push(nodes[i].textContent.trim()); }
    }
    return parts.join(". ");
  }

  var ready = false;
  function setup() {
    var voice = voiceFor();
    if (!voice || ready) { return; }
    ready = true;
    button.hidden = false;
    button.addEventListener("click", function () {
      if (synth.speaking) { synth.cancel(); playing(false); return; }
      var utterance = new window.SpeechSynthesisUtterance(spokenText());
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.rate = 0.9;
      utterance.onend = function () { playing(false); };
      utterance.onerror = function () { playing(false); };
      synth.speak(utterance);
      playing(true);
    });
  }
  setup();
  if (synth.addEventListener) { synth.addEventListener("voiceschanged", setup); }
}());

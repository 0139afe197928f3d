/* One round trip per tap. Every participant form gets a field that tells the server this
   page's script runs: the server then answers a POST with the next screen itself (a
   normal, whole page) instead of a redirect to it, and that page carries its own address,
   which is put in the address bar here, so reload, back and bookmarks GET that screen as
   they would after a redirect. Without JavaScript nothing is added and the server answers
   with a redirect as always. */
(function () {
  "use strict";
  if (!window.history || !window.history.replaceState) { return; }
  var here = document.querySelector('meta[name="screen-url"]');
  if (here) {
    window.history.replaceState(null, "", here.getAttribute("content"));
  }
  var forms = document.querySelectorAll('form[method="post"]');
  for (var i = 0; i < forms.length; i += 1) {
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = "next_screen";
    field.value = "1";
    forms[i].appendChild(field);
  }
}());

// The live clock of an open incident's page: the elapsed time since it was
// found, moved on every half minute. Optional: without JavaScript the page
// shows the time the server rendered. The server gives the elapsed seconds
// at rendering (so the browser's own clock does not matter) and the two
// formats with placeholder numbers (data-hm, data-dh), in the reader's
// language.
(function () {
  "use strict";
  var el = document.getElementById("clock");
  if (!el || !el.dataset.elapsed) {
    return;
  }
  var base = parseInt(el.dataset.elapsed, 10);
  var hm = el.dataset.hm, dh = el.dataset.dh;
  if (isNaN(base) || !hm || !dh) {
    return;
  }
  var loaded = Date.now();
  var A = "900000001", B = "900000002";
  function show() {
    var m = Math.floor((base + (Date.now() - loaded) / 1000) / 60);
    var text = m >= 48 * 60
      ? dh.replace(A, String(Math.floor(m / (24 * 60)))).replace(B, String(Math.floor(m / 60) % 24))
      : hm.replace(A, String(Math.floor(m / 60))).replace(B, String(m % 60));
    if (el.textContent !== text) {
      el.textContent = text;
    }
  }
  show();
  window.setInterval(show, 30000);
})();

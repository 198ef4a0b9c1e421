// Cầu Nối — progressive enhancement only: every page works without this file.
// 1. "Use my location" fills the latitude and longitude fields of the feedback form.
// 2. A form is not sent twice by a double tap on a slow connection.
(function () {
  "use strict";
  var btn = document.getElementById("locate");
  if (btn && "geolocation" in navigator) {
    var status = document.getElementById("locate-status");
    var say = function (text) { if (status) { status.textContent = text; } };
    btn.hidden = false;
    btn.addEventListener("click", function () {
      say(btn.getAttribute("data-busy"));
      btn.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("f-lat").value = pos.coords.latitude.toFixed(6);
        document.getElementById("f-lng").value = pos.coords.longitude.toFixed(6);
        say(btn.getAttribute("data-ok"));
        btn.disabled = false;
      }, function () {
        say(btn.getAttribute("data-fail"));
        btn.disabled = false;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.getAttribute("method") !== "post") { return; }
    if (form.dataset.sent === "1") { ev.preventDefault(); return; }
    form.dataset.sent = "1";
    setTimeout(function () { form.dataset.sent = ""; }, 8000);
  });
  var summary = document.getElementById("errors");
  if (summary) { summary.focus(); }
})();

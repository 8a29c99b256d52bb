// « À venir »: keeps each countdown true between two page loads, in the server's French format
// (fmt_age in web/formatting.py). The list itself is the last cycle's: it is not refreshed here.
"use strict";
(function () {
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function age(seconds) {
    var whole = Math.max(0, Math.round(seconds));
    if (whole < 60) { return whole + " s"; }
    var minutes = Math.floor(whole / 60), secs = whole % 60;
    if (minutes < 60) { return minutes + " min " + pad(secs) + " s"; }
    var hours = Math.floor(minutes / 60);
    minutes = minutes % 60;
    if (hours < 48) { return hours + " h " + pad(minutes) + " min"; }
    return Math.floor(hours / 24) + " j " + (hours % 24) + " h";
  }
  var cells = document.querySelectorAll("td.countdown[data-start]");
  function tick() {
    var now = Date.now();
    for (var i = 0; i < cells.length; i++) {
      var left = (Date.parse(cells[i].getAttribute("data-start")) - now) / 1000;
      cells[i].textContent = left >= 0 ? age(left) : "commencé";
    }
  }
  if (cells.length) {
    tick();
    window.setInterval(tick, 1000);
  }
})();

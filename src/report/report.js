(function () {
  "use strict";
  var input = document.getElementById("q");
  var count = document.getElementById("row-count");
  var rows = Array.prototype.slice.call(
    document.querySelectorAll("table.rows tbody tr:not(.empty)"));
  var total = rows.length;
  var cards = Array.prototype.slice.call(document.querySelectorAll("ul.summary li[data-table]"));
  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var hit = words.every(function (w) { return text.indexOf(w) !== -1; });
      row.hidden = !hit;
      if (hit) { shown += 1; }
    });
    count.textContent = shown === total ? total + " rows" : shown + " of " + total + " rows";
    cards.forEach(function (card) {
      var table = document.getElementById(card.getAttribute("data-table"));
      var mark = card.getAttribute("data-mark");
      var n = 0;
      if (table) {
        table.querySelectorAll("tbody tr:not(.empty)").forEach(function (row) {
          if (!row.hidden && (!mark || row.getAttribute("data-mark") === mark)) { n += 1; }
        });
      }
      card.querySelector("b").textContent = String(n);
    });
    document.body.setAttribute("data-shown", String(shown));
  }
  input.addEventListener("input", apply);
  var m = /[#&]q=([^&]*)/.exec(window.location.hash);
  if (m) { input.value = decodeURIComponent(m[1].replace(/\+/g, " ")); }
  apply();
  document.body.setAttribute("data-rows", String(total));
  document.body.setAttribute("data-ready", "1");
}());

// Optralis dashboard: the little script the pages use. Everything works without it.
(function () {
  "use strict";
  // A form with data-busy disables its submit button while it is being sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-busy")) return;
    var button = form.querySelector("button[type=submit]");
    if (button) setTimeout(function () { button.disabled = true; }, 0);
  });
  // A button with data-copy="<id>" copies that element's text; the text stays selectable without it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button || !navigator.clipboard) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      button.setAttribute("data-copied", "");
      setTimeout(function () { button.removeAttribute("data-copied"); }, 2000);
    });
  });
  // An element with data-refresh is replaced every 10 s by the HTML fragment at that URL.
  document.querySelectorAll("[data-refresh]").forEach(function (element) {
    var url = element.getAttribute("data-refresh");
    setInterval(function () {
      // Not while the page is hidden, nor while rows are ticked for a batch action.
      if (document.hidden || element.querySelector("input[type=checkbox]:checked")) return;
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) {
          if (response.redirected || !response.ok) throw new Error("refresh " + response.status);
          return response.text();
        })
        .then(function (html) { element.innerHTML = html; })
        .catch(function () { /* keep what is shown; the next tick tries again */ });
    }, 10000);
  });
})();

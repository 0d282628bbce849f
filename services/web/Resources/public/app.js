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
  // A button with data-copy="<id>" copies that element's text. Such buttons are hidden until the
  // browser can copy; the text stays selectable by hand without the script. An element with
  // data-copied="<text>" then says it was copied.
  if (navigator.clipboard && window.isSecureContext) {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-copy"));
        var status = document.querySelector("[data-copied]");
        if (!source) return;
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          if (status) status.textContent = status.getAttribute("data-copied");
        });
      });
    });
  }
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

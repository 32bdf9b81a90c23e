// Small behaviours for the staff pages; loaded as a file because the CSP forbids inline scripts.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) { el.form.submit(); }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("[data-href]");
    if (el && !event.target.closest("a,button,input,select,label")) { window.location = el.getAttribute("data-href"); }
  });
})();

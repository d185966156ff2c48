/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function openWidePanels() {
    var wide = window.matchMedia("(min-width: 60em)");
    function apply() {
      document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
        if (wide.matches) {
          details.open = true;
        }
      });
    }
    apply();
    wide.addEventListener("change", apply);
  }

  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    openWidePanels();
    focusErrorSummary();
  });
})();

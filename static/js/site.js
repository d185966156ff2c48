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

  /* htmx does not swap error answers, so a form sent too often (429, see lib/ratelimits.py)
     would seem to do nothing. Show the page's message above the content instead; the form
     and what was typed in it stay as they are. */
  function showRateLimitMessage(event) {
    if (event.detail.xhr.status !== 429) {
      return;
    }
    var answer = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
    var title = answer.querySelector("main h1");
    var text = answer.querySelector("[data-rate-limit-message]");
    var messages = document.querySelector(".messages");
    if (!title || !text || !messages) {
      return;
    }
    var message = document.createElement("p");
    message.className = "message message--error";
    message.textContent = title.textContent.trim() + " " + text.textContent.trim();
    messages.replaceChildren(message);
  }

  document.addEventListener("DOMContentLoaded", function () {
    openWidePanels();
    focusErrorSummary();
  });
  document.addEventListener("htmx:responseError", showRateLimitMessage);
})();

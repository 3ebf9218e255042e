// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the error summary so screen-reader users hear what went wrong.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
  // The language switcher does not submit on change: a keyboard user moving through the
  // options with the arrow keys would be sent away at the first one (WCAG 3.2.2). The
  // "Change language" button submits it.
});

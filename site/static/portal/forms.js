/* After an invalid submit the server renders one error summary at the top of the
   form (portal/includes/error_summary.html); focus moves to it so keyboard and
   screen-reader users start from the list of what to fix. A link in the summary
   moves focus to its field rather than only scrolling to it. */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.hash.slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  });
})();

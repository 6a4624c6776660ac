/* The header's menu button under 768 px: a disclosure button (WAI-ARIA APG) that
   shows and hides the search, the account and the portal's sections. Without this
   script the button stays hidden and the menu stays open, so nothing is out of
   reach. Escape closes the menu and returns focus to the button. */
(function () {
  "use strict";
  var button = document.querySelector(".menu-toggle");
  if (!button) {
    return;
  }
  var panels = button
    .getAttribute("aria-controls")
    .split(" ")
    .map(function (id) { return document.getElementById(id); })
    .filter(Boolean);

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    panels.forEach(function (panel) { panel.classList.toggle("is-open", open); });
  }

  document.documentElement.classList.add("has-menu-toggle");
  button.hidden = false;
  setOpen(false);
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
})();

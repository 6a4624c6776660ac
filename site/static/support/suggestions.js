/* Answers before a ticket: while the partner types the subject, list up to five
   matching answers from the library (the page's /support/suggestions/ endpoint,
   filtered by the partner's audience on the server). Without JavaScript the form
   works the same, without suggestions. */
(function () {
  "use strict";
  var input = document.querySelector("[data-suggestions-url]");
  if (!input) {
    return;
  }
  var box = document.getElementById(input.dataset.suggestionsTarget);
  var list = box.querySelector("ul");
  var endpoint = input.dataset.suggestionsUrl;
  var timer = null;
  var asked = "";
  var controller = null;

  function show(suggestions) {
    list.replaceChildren();
    suggestions.forEach(function (item) {
      var entry = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.title;
      link.target = "_blank";
      link.rel = "noopener";
      var kind = document.createElement("span");
      kind.className = "badge ticket-suggestion-kind";
      kind.textContent = item.kind;
      entry.append(link, " ", kind);
      list.append(entry);
    });
    box.hidden = suggestions.length === 0;
  }

  function ask() {
    var query = input.value.trim();
    if (query === asked) {
      return;
    }
    asked = query;
    if (query.length < 3) {
      show([]);
      return;
    }
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    fetch(endpoint + "?" + new URLSearchParams({ q: query }), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: controller.signal,
    })
      .then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      })
      .then(function (data) {
        if (query === asked) {
          show(data.suggestions || []);
        }
      })
      .catch(function () {
        /* An aborted or failed look-up leaves the list as it was. */
      });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 300);
  });
  if (input.value) {
    ask();
  }
})();

/* Suggestions under a search box as the user types, following the ARIA combobox
   pattern: the box owns a listbox of titles from its data-suggest-url endpoint
   (filtered by the user's audience on the server). Down and Up move through them,
   Enter searches for the one chosen, Escape closes the list; a click does the same
   as Enter. Without JavaScript the box is a plain search box. */
(function () {
  "use strict";
  var MIN_LENGTH = 2;
  var DELAY = 200;

  function attach(input) {
    var form = input.form;
    var list = document.createElement("ul");
    list.id = input.id + "-suggestions";
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.dataset.suggestLabel || "");
    list.hidden = true;
    form.classList.add("suggest-host");
    input.after(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");

    var timer = null;
    var asked = "";
    var controller = null;
    var active = -1;

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var all = options();
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
      } else {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      }
    }

    function choose(option) {
      input.value = option.textContent;
      close();
      form.requestSubmit();
    }

    function show(titles) {
      list.replaceChildren();
      titles.forEach(function (title, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = title;
        option.addEventListener("mousedown", function (event) {
          /* Keep the focus in the box, so the list is not closed by blur first. */
          event.preventDefault();
        });
        option.addEventListener("click", function () {
          choose(option);
        });
        list.append(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (titles.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }

    function ask() {
      var query = input.value.trim();
      if (query === asked) {
        return;
      }
      asked = query;
      if (controller) {
        controller.abort();
        controller = null;
      }
      if (query.length < MIN_LENGTH) {
        show([]);
        return;
      }
      controller = new AbortController();
      fetch(input.dataset.suggestUrl + "?" + new URLSearchParams({ q: query }), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller.signal,
      })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (data) {
          if (query === asked && document.activeElement === input) {
            show(data.suggestions || []);
          }
        })
        .catch(function () {
          /* An aborted or failed look-up leaves the list as it was. */
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      var count = options().length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden) {
          if (count) {
            list.hidden = false;
            input.setAttribute("aria-expanded", "true");
          }
          event.preventDefault();
          return;
        }
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        /* From the last option Down returns to the box, as from the first Up. */
        var next = active + step;
        if (next >= count) {
          next = -1;
        } else if (next < -1) {
          next = count - 1;
        }
        highlight(next);
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(options()[active]);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("input[data-suggest-url]").forEach(attach);
})();

// Suggestions under a text field, as an accessible combobox (the ARIA Authoring Practices'
// "list autocomplete" pattern). Progressive enhancement: without this file the field is a
// plain text input the server reads as part of a name.
//
// <input type="text" data-suggestions="/address/?q="> asks the address for
// {"results": [{"name": "…"}, …]} as a person types two characters or more, and lists the
// names under the field. Arrow keys move through them, Enter or a click takes one, Escape
// closes the list. Taking one fires "change", so a filter form refreshes its results.
//
// With data-suggestions-list the field holds several values separated by commas: the
// suggestions are for the last one, and a result's "value" (its "name" when it has none)
// replaces it, followed by ", " for the next.
(function () {
  "use strict";
  var counter = 0;

  function enhance(input) {
    var list = document.createElement("ul");
    var id = input.id + "-suggestions";
    var active = -1;
    var timer = null;
    var asked = "";
    counter += 1;
    list.id = id;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "");
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", id);
    input.setAttribute("aria-expanded", "false");

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function mark(index) {
      var all = options();
      if (!all.length) {
        return;
      }
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    var several = input.hasAttribute("data-suggestions-list");

    // What the suggestions are for: the whole field, or the last of several values.
    function typed() {
      var value = input.value;
      return (several ? value.slice(value.lastIndexOf(",") + 1) : value).trim();
    }

    function take(option) {
      if (several) {
        var kept = input.value.slice(0, input.value.lastIndexOf(",") + 1);
        input.value = (kept ? kept.trim() + " " : "") + option.dataset.value + ", ";
      } else {
        input.value = option.dataset.value;
      }
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(results) {
      close();
      results.forEach(function (result, i) {
        var option = document.createElement("li");
        option.id = id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = result.name;
        option.dataset.value = result.value || result.name;
        // mousedown, not click: it comes before the field loses focus and closes the list.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          take(option);
        });
        list.appendChild(option);
      });
      if (results.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function ask() {
      var text = typed();
      if (text.length < 2) {
        close();
        return;
      }
      asked = text;
      var address = input.dataset.suggestions + (input.dataset.suggestions.indexOf("?") < 0 ? "?" : "&");
      fetch(address + "q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          // An answer to an older question is dropped: the person has typed on.
          if (asked === text && typed() === text && document.activeElement === input) {
            show(data.results || []);
          }
        })
        .catch(close);
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) {
          mark(active + 1);
        } else {
          ask();
        }
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        mark(active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        take(options()[active]);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggestions]").forEach(enhance);
  });
})();

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
  // Unit pickers: a search box above each select[data-picker=filter] narrows its options; a click on an
  // option toggles it (no Ctrl-click needed); a line below counts what is chosen.
  function setUpPicker(select) {
    if (select.getAttribute("data-picker-ready")) { return; }
    select.setAttribute("data-picker-ready", "1");
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.getAttribute("data-picker-placeholder") || "";
    box.setAttribute("aria-label", box.placeholder);
    box.setAttribute("data-picker-search", select.id || "");
    select.parentNode.insertBefore(box, select);
    var count = document.createElement("div");
    count.className = "form-text";
    count.setAttribute("data-picker-count", select.id || "");
    select.parentNode.insertBefore(count, select.nextSibling);
    function showCount() {
      var chosen = Array.prototype.filter.call(select.options, function (o) { return o.selected; })
        .map(function (o) { return o.text; });
      var said = select.getAttribute("data-picker-chosen") || "{n}:";
      count.textContent = chosen.length
        ? said.replace("{n}", String(chosen.length)) + chosen.join("、")
        : (select.getAttribute("data-picker-none") || "");
    }
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (o) {
        o.hidden = words !== "" && o.text.toLowerCase().indexOf(words) === -1;
      });
    });
    if (select.multiple) {
      select.addEventListener("mousedown", function (event) {
        var option = event.target;
        if (option.tagName !== "OPTION") { return; }
        event.preventDefault();
        option.selected = !option.selected;
        select.focus();
        showCount();
      });
    }
    select.addEventListener("change", showCount);
    showCount();
  }
  function setUpAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll("select[data-picker=filter]"), setUpPicker);
  }
  document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  document.addEventListener("htmx:load", function (event) {
    setUpAll(event.target);
    // A link to a part loaded after the page (the clue page's sections: /clues/7/#supervision) reaches it
    // once it is there.
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && event.target.contains(target)) target.scrollIntoView();
  });
  // Rows you add and remove ([data-rows]: a table of inputs; "添加一行" copies the last row emptied, "删除"
  // removes a row, or empties it when it is the only one).
  document.addEventListener("click", function (event) {
    var add = event.target.closest && event.target.closest("[data-row-add]");
    var remove = event.target.closest && event.target.closest("[data-row-remove]");
    if (add) {
      var body = add.closest("[data-rows]").querySelector("[data-rows-body]");
      var rows = body.querySelectorAll("[data-row]");
      var copy = rows[rows.length - 1].cloneNode(true);
      Array.prototype.forEach.call(copy.querySelectorAll("input"), function (input) { input.value = ""; });
      body.appendChild(copy);
      copy.querySelector("input").focus();
    } else if (remove) {
      var row = remove.closest("[data-row]");
      if (row.parentNode.querySelectorAll("[data-row]").length > 1) {
        row.parentNode.removeChild(row);
      } else {
        Array.prototype.forEach.call(row.querySelectorAll("input"), function (input) { input.value = ""; });
      }
    }
  });
  // Pickers that list choices under a text box (the letter form's cases): a click fills the box in.
  document.addEventListener("click", function (event) {
    var choice = event.target.closest && event.target.closest("[data-fill-target]");
    if (!choice) { return; }
    event.preventDefault();
    var input = document.getElementById(choice.getAttribute("data-fill-target"));
    if (input) { input.value = choice.getAttribute("data-fill-value"); input.focus(); }
    var list = choice.closest("[data-fill-list]") || choice.parentNode;
    list.innerHTML = "";
  });
})();

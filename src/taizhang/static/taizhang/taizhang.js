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
  // A refused form keeps what was typed (core/drafts.py): the page carries the POST as JSON; the form posting
  // to the same path (on the page, or in a part htmx loads after it) is filled again and brought into view.
  var keptDraft = null;
  function restoreDraft(root) {
    if (!keptDraft) { return; }
    var forms = root.tagName === "FORM" ? [root] : Array.prototype.slice.call(root.querySelectorAll("form"));
    var values = {};
    keptDraft.fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    // The form posting to that path whose hidden fields are the ones posted (several forms may share a path:
    // one per check, one per asset, told apart by a hidden kind or item).
    var form = forms.filter(function (f) {
      if (new URL(f.getAttribute("action") || "", location.href).pathname !== keptDraft.action) { return false; }
      return Array.prototype.every.call(f.querySelectorAll("input[type=hidden][name]"), function (h) {
        return !values[h.name] || values[h.name].indexOf(h.value) >= 0;
      });
    })[0];
    if (!form) { return; }
    keptDraft = null;
    var used = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      var list = values[el.name];
      if (!el.name || /^(hidden|file|password|submit|button|reset)$/.test(el.type)) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = !!list && list.indexOf(el.value) >= 0;  // unchecked boxes are not posted
      } else if (!list) {
        return;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = list.indexOf(o.value) >= 0; });
      } else {
        var at = used[el.name] || 0;  // rows of inputs with one name: in order
        if (at < list.length) { el.value = list[at]; }
        used[el.name] = at + 1;
      }
    });
    for (var node = form; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
      if (node.classList && node.classList.contains("collapse")) { node.classList.add("show"); }
    }
    form.scrollIntoView({ block: "center" });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var data = document.getElementById("tz-kept-draft");
    if (data) { keptDraft = JSON.parse(data.textContent); restoreDraft(document); }
  });
  document.addEventListener("htmx:load", function (event) { restoreDraft(event.target); });
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

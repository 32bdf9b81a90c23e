/* Dashboard charts: fetch the JSON, draw each chart, navigate to the drill-down URL on click. */
(function () {
  "use strict";
  var root = document.getElementById("tz-dashboard");
  if (!root || !window.echarts) { return; }

  function go(url) { if (url) { window.location.href = url; } }

  // Tooltips drawn on the canvas (richText): the default HTML tooltip writes style="" attributes into the
  // page, which our Content-Security-Policy (style-src 'self', no 'unsafe-inline') refuses.
  function tooltip(trigger) { return { trigger: trigger, renderMode: "richText" }; }

  function cards(data) {
    var box = document.getElementById("tz-cards");
    data.cards.forEach(function (card) {
      var col = document.createElement("div");
      col.className = "col-6 col-lg";
      var a = document.createElement("a");
      a.className = "card text-decoration-none h-100";
      a.href = card.url;
      var body = document.createElement("div");
      body.className = "card-body";
      var name = document.createElement("div");
      name.className = "text-muted small";
      name.textContent = card.name;
      var value = document.createElement("div");
      value.className = "tz-card-value";
      value.textContent = card.value + (card.unit === "%" ? "%" : "");
      body.appendChild(name); body.appendChild(value);
      if (card.detail) {
        // A rate shows its own numerator and denominator, so nobody divides two other cards.
        var detail = document.createElement("div");
        detail.className = "text-muted small";
        detail.textContent = card.detail;
        body.appendChild(detail);
      }
      a.appendChild(body); col.appendChild(a); box.appendChild(col);
    });
  }

  function option(type, series) {
    if (type === "pie") {
      return { tooltip: tooltip("item"), series: [{ type: "pie", radius: ["35%", "70%"],
        data: series.map(function (s) { return { name: s.name, value: s.value, url: s.url }; }) }] };
    }
    if (type === "funnel") {
      return { tooltip: tooltip("item"), series: [{ type: "funnel", sort: "none",
        data: series.map(function (s) { return { name: s.name, value: s.value, url: s.url }; }) }] };
    }
    if (type === "monthly") {
      return { tooltip: tooltip("axis"), legend: { data: ["受理", "查结"] },
        xAxis: { type: "category", data: series.months }, yAxis: { type: "value" },
        series: [
          { name: "受理", type: "bar", data: series.received.map(function (m) { return { value: m.value, url: m.url }; }) },
          { name: "查结", type: "line", data: series.concluded.map(function (m) { return { value: m.value, url: m.url }; }) }
        ] };
    }
    if (type === "units") {
      return { tooltip: tooltip("axis"), legend: { data: ["查结率(%)", "超期线索"] }, grid: { bottom: 110 },
        xAxis: { type: "category", data: series.map(function (u) { return u.name; }), axisLabel: { rotate: 40 } },
        yAxis: [{ type: "value", max: 100 }, { type: "value" }],
        series: [
          { name: "查结率(%)", type: "bar", data: series.map(function (u) { return { value: u.rate === null ? "-" : u.rate, url: u.rate_url }; }) },
          { name: "超期线索", type: "line", yAxisIndex: 1, data: series.map(function (u) { return { value: u.overdue, url: u.overdue_url }; }) }
        ] };
    }
    if (type === "rectification") {
      return { tooltip: tooltip("axis"), legend: { data: series.buckets.map(function (b) { return b.name; }) },
        grid: { bottom: 80 },
        xAxis: { type: "category", data: series.units.map(function (u) { return u.name; }), axisLabel: { rotate: 30 } },
        yAxis: { type: "value", minInterval: 1 },
        series: series.buckets.map(function (b, i) {
          return { name: b.name, type: "bar", data: series.units.map(function (u) {
            return { value: u.cells[i].value, url: u.cells[i].url }; }) };
        }) };
    }
    return { tooltip: tooltip("axis"), grid: { bottom: 80 },
      xAxis: { type: "category", data: series.map(function (s) { return s.name; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "value" },
      series: [{ type: "bar", data: series.map(function (s) { return { value: s.value, url: s.url }; }) }] };
  }

  fetch(root.getAttribute("data-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      document.getElementById("tz-dash-loading").classList.add("d-none");
      cards(data);
      root.querySelectorAll(".tz-chart").forEach(function (el) {
        var series = data[el.getAttribute("data-chart")];
        if (!series || (Array.isArray(series) && series.length === 0)) {
          el.textContent = document.getElementById("tz-no-data").textContent;
          el.classList.add("text-muted");
          return;
        }
        var chart = window.echarts.init(el, null, { renderer: "canvas" });
        chart.setOption(option(el.getAttribute("data-type"), series));
        chart.on("click", function (params) { go(params.data && params.data.url); });
        window.addEventListener("resize", function () { chart.resize(); });
      });
    });
}());

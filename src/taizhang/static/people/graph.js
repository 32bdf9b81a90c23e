/* The people graph: fetch nodes and edges, draw an ECharts force graph; a click opens that node's graph, a
   double click its page; the image button saves the canvas as PNG. */
(function () {
  "use strict";
  var box = document.getElementById("people-graph");
  if (!box || !window.echarts) { return; }
  var chart = window.echarts.init(box, null, { renderer: "canvas" });
  var note = document.getElementById("graph-note");
  var pending = null;

  fetch(box.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data) { return; }
      if (data.truncated && note) { note.textContent = box.dataset.truncated; note.classList.remove("d-none"); }
      if (data.nodes.length < 2 && note) { note.textContent = box.dataset.empty; note.classList.remove("d-none"); }
      var most = data.nodes.reduce(function (m, n) { return Math.max(m, n.records); }, 1);
      var nodes = data.nodes.map(function (n) {
        return {
          id: String(n.id), name: n.name, value: n.records,
          symbolSize: 14 + 36 * Math.sqrt(n.records / most),
          category: n.id === data.root ? 0 : (n.kind === "organisation" ? 2 : 1),
          url: n.url, page: n.page
        };
      });
      var links = data.edges.map(function (e) {
        return {
          source: String(e.source), target: String(e.target), value: e.records,
          label: { show: !!e.label, formatter: e.label }, lineStyle: { type: e.kind === "co_record" ? "dashed" : "solid" }
        };
      });
      chart.setOption({
        tooltip: { renderMode: "richText" },
        series: [{
          type: "graph", layout: "force", roam: true, draggable: true,
          label: { show: true, position: "right" },
          force: { repulsion: 220, edgeLength: [60, 160] },
          categories: [{ name: "" }, { name: "" }, { name: "" }],
          data: nodes, links: links,
          emphasis: { focus: "adjacency" }
        }]
      });
      chart.on("click", function (p) {
        if (p.dataType !== "node") { return; }
        // A single click opens the node's own graph, unless a second click follows (then its page).
        if (pending) { window.clearTimeout(pending); pending = null; window.location.href = p.data.page; return; }
        pending = window.setTimeout(function () { pending = null; window.location.href = p.data.url; }, 300);
      });
    });
  window.addEventListener("resize", function () { chart.resize(); });
  var image = document.getElementById("graph-image");
  if (image) {
    image.addEventListener("click", function () {
      var a = document.createElement("a");
      a.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
      a.download = "graph.png";
      document.body.appendChild(a); a.click(); a.remove();
    });
  }
}());

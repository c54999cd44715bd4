/* shuanggao — the chain map (产业需求图谱). Each chain in #chain-map-data (the same object the
   API /api/v1/chainmap/zones/N returns) is drawn as a left-to-right graph of its nodes: size by
   demand count, colour by how the paired universities' supply answers the node's needs (or, on
   the province layer, any Jiangsu university's). Clicking a node (or its row in the table)
   loads its panel: needs, best supply and experts, gaps. A drawn chart gets
   data-rendered="true". */
(function () {
  "use strict";

  var COLORS = { answered: "#2f9e6a", partial: "#e0a21e", elsewhere: "#1d5fbf", gap: "#c0392b", empty: "#b8c0cc" };
  var FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif';
  var charts = [];

  function provinceState(n) {
    if (n.demands === 0) { return "empty"; }
    var any = n.answered + n.answered_elsewhere;
    if (any === n.demands) { return "answered"; }
    return any > 0 ? "partial" : "gap";
  }

  function option(chain, layer) {
    var nodes = chain.nodes.slice().sort(function (a, b) { return a.position - b.position || a.node_id - b.node_id; });
    var data = nodes.map(function (n, i) {
      var state = layer === "province" ? provinceState(n) : n.state;
      return {
        id: String(n.node_id),
        name: n.name,
        value: [i * 160, (i % 2) * 60],
        state: state,
        symbolSize: Math.min(90, 38 + 10 * n.demands),
        itemStyle: {
          color: COLORS[state] || COLORS.empty,
          borderColor: layer === "paired" && n.answered_elsewhere > 0 ? COLORS.elsewhere : "#ffffff",
          borderWidth: layer === "paired" && n.answered_elsewhere > 0 ? 4 : 1
        },
        label: { show: true, position: "bottom", formatter: n.name + "\n需求 " + n.demands + " · 强匹配 " + n.strong_matches },
        tooltip: { formatter: n.name + "：需求 " + n.demands + "，结对高校较好供给 " + n.answered + "，省内其他高校 " + n.answered_elsewhere + "，缺口 " + n.gaps }
      };
    });
    var links = [];
    for (var i = 1; i < data.length; i++) { links.push({ source: data[i - 1].id, target: data[i].id }); }
    return {
      textStyle: { fontFamily: FONT },
      tooltip: { renderMode: "richText" },
      animation: false,
      // Hidden axes place the nodes (x = 160·i, upstream first) without stretching them.
      grid: { left: 50, right: 50, top: 50, bottom: 60 },
      xAxis: { type: "value", show: false, min: -40, max: Math.max(1, data.length - 1) * 160 + 40 },
      yAxis: { type: "value", show: false, min: -40, max: 100, inverse: true },
      series: [{
        type: "graph",
        layout: "none",
        coordinateSystem: "cartesian2d",
        roam: false,
        data: data,
        links: links,
        edgeSymbol: ["none", "arrow"],
        edgeSymbolSize: 10,
        lineStyle: { width: 2, color: "#8a94a6" }
      }]
    };
  }

  function loadPanel(nodeId) {
    var body = document.getElementById("node-panel-body");
    if (!body) { return; }
    var params = new URLSearchParams(window.location.search);
    var url = "/chain_nodes/" + nodeId + "/panel?partial=1" + (params.get("pairing_id") ? "&pairing_id=" + params.get("pairing_id") : "");
    body.setAttribute("data-loading", "true");
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        body.innerHTML = html;
        body.removeAttribute("data-loading");
        body.setAttribute("data-node", String(nodeId));
        document.getElementById("node-panel").scrollIntoView({ block: "start" });
      });
  }

  function draw(layer) {
    var holder = document.getElementById("chain-map-data");
    if (!holder || typeof echarts === "undefined") { return; }
    var map = JSON.parse(holder.textContent);
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    map.chains.forEach(function (chain) {
      var el = document.getElementById("chain-chart-" + chain.chain_id);
      if (!el) { return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(chain, layer));
      chart.on("click", function (p) { if (p.dataType === "node") { loadPanel(p.data.id); } });
      el.setAttribute("data-rendered", "true");
      el.setAttribute("data-layer", layer);
      charts.push(chart);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw("paired");
    document.querySelectorAll("input[name=layer]").forEach(function (input) {
      input.addEventListener("change", function () { if (input.checked) { draw(input.value); } });
    });
    document.querySelectorAll("a.node-link").forEach(function (a) {
      a.addEventListener("click", function (e) { e.preventDefault(); loadPanel(a.getAttribute("data-node")); });
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();

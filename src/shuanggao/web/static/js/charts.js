/* shuanggao — dashboard charts. Each <div data-chart="KIND" data-url="/api/v1/..."> is drawn with
   ECharts from the JSON its URL answers; the same numbers are in the table beside it. A drawn
   chart gets data-rendered="true" (an error: data-rendered="error"). */
(function () {
  "use strict";

  var PALETTE = ["#1d5fbf", "#2f9e6a", "#e08a1e", "#8e44ad", "#c0392b", "#16a2b8", "#6b7685"];
  var FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif';

  function formatDate(iso) {
    var parts = String(iso).split("-");
    return parts.length === 3 ? parts[0] + "年" + Number(parts[1]) + "月" : iso;
  }

  function parseJSON(text, fallback) {
    try { return JSON.parse(text); } catch (e) { return fallback; }
  }

  var builders = {
    trend: function (el, data) {
      var names = (el.getAttribute("data-figures") || "").split(",").filter(Boolean);
      var labels = parseJSON(el.getAttribute("data-labels") || "{}", {});
      var points = data.points || [];
      return {
        color: PALETTE,
        textStyle: { fontFamily: FONT },
        tooltip: { trigger: "axis", renderMode: "richText" },
        legend: { top: 0, type: "scroll" },
        grid: { left: 48, right: 16, top: 36, bottom: 28 },
        xAxis: { type: "category", data: points.map(function (p) { return formatDate(p.as_of); }) },
        yAxis: { type: "value", minInterval: 1 },
        series: names.map(function (name) {
          return {
            name: labels[name] || name,
            type: "line",
            smooth: false,
            symbolSize: 6,
            data: points.map(function (p) {
              var fig = (p.figures || {})[name];
              return fig ? fig.value : null;
            })
          };
        })
      };
    },

    "coverage-gauge": function (el, data) {
      return {
        textStyle: { fontFamily: FONT },
        series: [{
          type: "gauge",
          min: 0,
          max: 100,
          progress: { show: true, width: 14 },
          axisLine: { lineStyle: { width: 14 } },
          axisLabel: { distance: 18, fontSize: 10 },
          splitLine: { length: 8 },
          pointer: { show: false },
          title: { offsetCenter: [0, "72%"], fontSize: 13 },
          detail: { valueAnimation: false, fontSize: 26, offsetCenter: [0, "20%"], formatter: "{value}%" },
          data: [{ value: data.coverage_percent, name: "已结对 " + data.zones_paired + " / " + data.zones_total + " 家" }]
        }],
        color: [PALETTE[0]]
      };
    },

    /* The collaboration funnel (/api/v1/pipeline/funnel): how many reached each stage. */
    "pipeline-funnel": function (el, data) {
      var stages = (data.overall && data.overall.stages) || [];
      return {
        color: PALETTE,
        textStyle: { fontFamily: FONT },
        tooltip: { trigger: "item", renderMode: "richText", formatter: "{b}：{c}" },
        series: [{
          type: "funnel",
          sort: "none",
          left: "10%",
          width: "80%",
          minSize: "8%",
          label: { show: true, position: "inside", formatter: "{b} {c}" },
          data: stages.map(function (s) { return { name: s.label, value: s.reached }; })
        }]
      };
    },

    "coverage-cities": function (el, data) {
      var groups = (data.by_city || []).slice().reverse();
      return {
        color: [PALETTE[1], "#d5dbe3"],
        textStyle: { fontFamily: FONT },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: groups.map(function (g) { return g.key; }) },
        series: [
          { name: "已结对", type: "bar", stack: "zones", barMaxWidth: 16, data: groups.map(function (g) { return g.paired; }) },
          { name: "未结对", type: "bar", stack: "zones", barMaxWidth: 16, data: groups.map(function (g) { return g.unpaired; }) }
        ]
      };
    },

    // The zone map: per industry, demands with a good supply and gaps (data-groups, inline).
    "zone-map": function (el, data) {
      var groups = (data.groups || []).slice().reverse();
      return {
        color: [PALETTE[1], PALETTE[4]],
        textStyle: { fontFamily: FONT },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: {
          type: "category",
          data: groups.map(function (g) { return g.label; }),
          axisLabel: { width: 180, overflow: "truncate" }
        },
        series: [
          { name: "已有较好供给", type: "bar", stack: "demands", barMaxWidth: 16, data: groups.map(function (g) { return g.covered; }) },
          { name: "缺口", type: "bar", stack: "demands", barMaxWidth: 16, data: groups.map(function (g) { return g.gaps; }) }
        ]
      };
    }
  };

  var charts = [];

  // The chart's data: inline (data-groups, JSON written by the page) or answered by data-url.
  function load(el) {
    var inline = el.getAttribute("data-groups");
    if (inline !== null) {
      return Promise.resolve({ groups: parseJSON(inline, []) });
    }
    return fetch(el.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  function draw(el) {
    var kind = el.getAttribute("data-chart");
    var build = builders[kind];
    var hasData = el.hasAttribute("data-url") || el.hasAttribute("data-groups");
    if (!build || !hasData || !window.echarts) {
      el.setAttribute("data-rendered", "error");
      return;
    }
    load(el)
      .then(function (data) {
        var chart = window.echarts.init(el, null, { renderer: "canvas" });
        // "Drawn" once the first rendering (and its animation) has finished.
        chart.on("finished", function () { el.setAttribute("data-rendered", "true"); });
        chart.setOption(build(el, data));
        charts.push(chart);
      })
      .catch(function () {
        el.setAttribute("data-rendered", "error");
        el.classList.add("chart-error");
        el.textContent = "图表加载失败，请参考旁边的数据表。";
      });
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    if (resizeTimer) { window.clearTimeout(resizeTimer); }
    resizeTimer = window.setTimeout(function () {
      charts.forEach(function (chart) { chart.resize(); });
    }, 150);
  });

  // Printing lays the page out anew: redraw the charts at the printed width.
  window.addEventListener("beforeprint", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();

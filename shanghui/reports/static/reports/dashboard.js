// Dashboard charts: ECharts, fed by the page's <script type="application/json" id="dashboard-data">
// (json_script; no inline code, per the Content-Security-Policy).
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return;
    var c = window.echarts.init(el);
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
  }

  function rate(fig) { return fig && fig.rate !== null ? fig.rate : 0; }

  ready(function () {
    var node = document.getElementById("dashboard-data");
    if (!node) return;
    var d = JSON.parse(node.textContent);
    var L = d.labels;
    var names = d.streets.map(function (s) { return s.street_name.replace(/街道$/, ""); });
    var percent = { type: "value", max: 100, axisLabel: { formatter: "{value}%" } };

    chart("chart-streets", {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      legend: { top: 0 },
      grid: { left: 40, right: 10, bottom: 70, top: 50 },
      xAxis: { type: "category", data: names, axisLabel: { rotate: 45, interval: 0 } },
      yAxis: percent,
      series: ["member", "district", "organisation", "work"].map(function (k) {
        return { name: L[k], type: "bar", data: d.streets.map(function (s) { return rate(s[k]); }) };
      })
    });

    chart("chart-training", {
      tooltip: { trigger: "axis" },
      grid: { left: 50, right: 10, bottom: 30, top: 20 },
      xAxis: { type: "category", data: d.training.map(function (r) { return r.year; }) },
      yAxis: { type: "value" },
      series: [{ name: "培训人次", type: "bar", data: d.training.map(function (r) { return r.count; }) }]
    });

    chart("chart-trend", {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 50, bottom: 30, top: 50 },
      xAxis: { type: "category", data: d.trend.map(function (r) { return r.year + "年"; }) },
      yAxis: [percent, { type: "value", name: "人次" }],
      series: [
        { name: L.member, type: "line", data: d.trend.map(function (r) { return r.member; }) },
        { name: L.district, type: "line", data: d.trend.map(function (r) { return r.district; }) },
        { name: "培训人次", type: "bar", yAxisIndex: 1, data: d.trend.map(function (r) { return r.training; }) }
      ]
    });

    if (d.departments) {
      var rows = Array.isArray(d.departments) ? d.departments : [];
      chart("chart-departments", {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 10, bottom: 70, top: 50 },
        xAxis: { type: "category", data: rows.map(function (r) { return r.label; }),
                 axisLabel: { rotate: 30, interval: 0 } },
        yAxis: { type: "value" },
        series: [
          { name: "受理", type: "bar", data: rows.map(function (r) { return r.filed; }) },
          { name: "办结", type: "bar", data: rows.map(function (r) { return r.resolved; }) }
        ]
      });
    }
  });
})();

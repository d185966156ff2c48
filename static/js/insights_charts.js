/* Provider insights: draw each <figure data-chart="ID"> with Chart.js from the JSON in
 * <script id="ID-data"> (insights/_chart.html). The table beside the canvas always shows
 * the same numbers; without JavaScript (or Chart.js) the canvas simply stays hidden. */
(function () {
  "use strict";

  var PALETTE = ["--primary", "--warning", "--focus", "--success"];

  function cssColor(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function config(data) {
    var lang = document.documentElement.lang || "nl";
    var hasRating = data.series.some(function (s) { return s.axis === "rating"; });
    var datasets = data.series.map(function (series, index) {
      var color = cssColor(PALETTE[index % PALETTE.length], "#0b5d55");
      return {
        label: series.label,
        data: series.values,
        yAxisID: series.axis === "rating" ? "rating" : "y",
        borderColor: color,
        backgroundColor: data.kind === "line" ? color : color + "cc",
        borderWidth: 2,
        pointRadius: data.kind === "line" ? 2 : 0,
        tension: 0.2,
        maxBarThickness: 56
      };
    });
    var scales = {
      x: { ticks: { autoSkip: true, maxRotation: 0 } },
      y: { beginAtZero: true, ticks: { precision: 0 } }
    };
    if (hasRating) {
      scales.rating = {
        position: "right",
        min: 0,
        max: 5,
        grid: { drawOnChartArea: false },
        ticks: { stepSize: 1 }
      };
    }
    var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    return {
      type: data.kind,
      data: { labels: data.labels, datasets: datasets },
      options: {
        locale: lang,
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 300 },
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { display: datasets.length > 1 } },
        scales: scales
      }
    };
  }

  function draw(figure) {
    var id = figure.getAttribute("data-chart");
    var source = document.getElementById(id + "-data");
    var canvas = document.getElementById(id);
    if (!source || !canvas) {
      return;
    }
    canvas.parentElement.hidden = false;
    try {
      new window.Chart(canvas, config(JSON.parse(source.textContent)));
    } catch (error) {
      canvas.parentElement.hidden = true; // the table still has every number
      throw error;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof window.Chart === "undefined") {
      return;
    }
    document.querySelectorAll("figure[data-chart]").forEach(draw);
  });
})();

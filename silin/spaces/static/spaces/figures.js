/* Use figures: draws the ECharts charts of elements marked [data-figures-chart].
 *
 * The figures arrive as JSON (Django's json_script) next to the charts, with every label
 * already translated; the same figures are in plain tables on the page, so nothing is lost
 * without JavaScript. ECharts (vendored, ~1 MB) is loaded only when a chart is on the page,
 * which matters for the space page that pulls this panel in lazily with htmx.
 */
(function () {
  "use strict";
  if (window.SilinFigures) {
    window.SilinFigures.scan(document);
    return;
  }

  var COLOURS = { open: "#8c959f", booked: "#1f5fa8", used: "#1e7b3c" };
  var HEAT = ["#f6f8fa", "#fde2c4", "#f5a35c", "#d9480f", "#7d1c21"];
  var loading = null;

  function echartsSrc() {
    var tag = document.querySelector("script[data-echarts]");
    return tag ? tag.getAttribute("data-echarts") : null;
  }

  function withEcharts(callback) {
    if (window.echarts) { callback(); return; }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = echartsSrc();
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    loading.then(callback);
  }

  function fontSize() {
    return document.body.classList.contains("elderly") ? 18 : 13;
  }

  function base(data) {
    var size = fontSize();
    return {
      animation: false,
      textStyle: { fontSize: size, color: "#1f2328" },
      tooltip: { trigger: "axis", textStyle: { fontSize: size } },
      legend: { top: 0, textStyle: { fontSize: size } },
      grid: { left: 8, right: 16, top: size * 3, bottom: 8, containLabel: true },
      color: [COLOURS.open, COLOURS.booked, COLOURS.used]
    };
  }

  function bars(data, block, horizontal) {
    var option = base(data);
    var category = { type: "category", data: block.categories, axisLabel: { fontSize: fontSize() } };
    var value = { type: "value", name: data.labels.hours, axisLabel: { fontSize: fontSize() } };
    option.xAxis = horizontal ? value : category;
    option.yAxis = horizontal ? Object.assign(category, { inverse: true }) : value;
    option.series = ["open", "booked", "used"].map(function (key) {
      return { name: data.labels[key], type: "bar", data: block[key] };
    });
    return option;
  }

  function heat(data) {
    var option = base(data);
    var size = fontSize();
    option.tooltip = {
      position: "top",
      textStyle: { fontSize: size },
      formatter: function (p) {
        return data.heat.weekdays[p.value[1]] + " " + data.heat.hours[p.value[0]] + ":00 · " +
          p.value[2] + " " + data.labels.hours;
      }
    };
    option.grid = { left: 8, right: 16, top: 8, bottom: size * 4, containLabel: true };
    option.xAxis = { type: "category", data: data.heat.hours, splitArea: { show: true }, axisLabel: { fontSize: size } };
    option.yAxis = { type: "category", data: data.heat.weekdays, inverse: true, splitArea: { show: true }, axisLabel: { fontSize: size } };
    option.visualMap = {
      min: 0, max: Math.max(data.heat.max, 1), calculable: false, orient: "horizontal",
      left: "center", bottom: 0, itemHeight: 120, textStyle: { fontSize: size },
      inRange: { color: HEAT }
    };
    option.series = [{ type: "heatmap", data: data.heat.cells, label: { show: false } }];
    return option;
  }

  function optionFor(kind, data, el) {
    if (kind === "trend") return bars(data, data.trend, false);
    if (kind === "compounds" && data.compounds) {
      // One bar group per compound, names down the side: tall enough for every name.
      el.style.height = Math.max(320, data.compounds.categories.length * fontSize() * 4 + 80) + "px";
      return bars(data, data.compounds, true);
    }
    if (kind === "heat") return heat(data);
    return null;
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-figures-source"));
    if (!source || window.echarts.getInstanceByDom(el)) return;
    var data = JSON.parse(source.textContent);
    var option = optionFor(el.getAttribute("data-figures-chart"), data, el);
    if (!option) return;
    window.echarts.init(el, null, { renderer: "canvas" }).setOption(option);
    el.setAttribute("data-drawn", "true");
  }

  function scan(root) {
    var charts = (root || document).querySelectorAll("[data-figures-chart]:not([data-drawn])");
    if (!charts.length) return;
    withEcharts(function () { charts.forEach(draw); });
  }

  window.SilinFigures = { scan: scan };
  document.addEventListener("htmx:afterSettle", function (event) { scan(event.target); });
  window.addEventListener("resize", function () {
    if (!window.echarts) return;
    document.querySelectorAll("[data-drawn]").forEach(function (el) {
      var chart = window.echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  });
  scan(document);
})();

// Draws every chart of the page (partner_portal/charts) with Apache ECharts.
// Each `.chart-canvas` names the JSON element that holds its figures; the figures'
// wording for tooltips comes from the server, the same words as the table.
(function () {
  "use strict";

  // The house colours: the portal's ink, rules and series colours.
  const COLOURS = ["#0b5cad", "#c2410c", "#15803d", "#7e22ce", "#be185d", "#0e7490"];
  const INK = "#1d2733";
  const MUTED = "#5b6773";
  const RULE = "#dde3ea";
  const FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";
  const NARROW = 480;

  function axisFormatter(spec) {
    const options = { maximumFractionDigits: 1 };
    if (spec.format === "money") {
      Object.assign(options, {
        style: "currency",
        currency: spec.currency,
        notation: "compact",
        currencyDisplay: "narrowSymbol",
      });
    } else if (spec.format === "days") {
      Object.assign(options, { style: "unit", unit: "day", unitDisplay: "short" });
    } else if (spec.format === "number") {
      options.notation = "compact";
    }
    const numbers = new Intl.NumberFormat(spec.locale, options);
    const suffix = spec.format === "percent" ? "%" : "";
    return (value) => numbers.format(value) + suffix;
  }

  function wholeNumbers(spec) {
    return spec.series.every((series) =>
      series.values.every((value) => value === null || Number.isInteger(value)),
    );
  }

  function number(value) {
    return value === null ? null : Number(value);
  }

  // A tooltip as elements, never markup: the policy refuses inline style attributes.
  function tooltipRow(colour, name, words) {
    const row = document.createElement("div");
    row.className = "chart-tooltip-row";
    const swatch = document.createElement("span");
    swatch.className = "chart-tooltip-swatch";
    swatch.style.backgroundColor = colour;
    const label = document.createElement("span");
    label.textContent = name;
    const figure = document.createElement("strong");
    figure.textContent = words;
    row.append(swatch, label, figure);
    return row;
  }

  function tooltipBox(heading, rows) {
    const box = document.createElement("div");
    box.className = "chart-tooltip";
    const title = document.createElement("div");
    title.className = "chart-tooltip-title";
    title.textContent = heading;
    box.append(title, ...rows);
    return box;
  }

  function axisTooltip(spec) {
    return (items) => {
      const list = Array.isArray(items) ? items : [items];
      const index = list[0].dataIndex;
      return tooltipBox(
        spec.categories[index],
        list.map((item) =>
          tooltipRow(item.color, item.seriesName, spec.series[item.seriesIndex].words[index]),
        ),
      );
    };
  }

  function itemTooltip(spec) {
    return (item) =>
      tooltipBox(spec.series[0].name, [
        tooltipRow(item.color, item.name, spec.series[0].words[item.dataIndex]),
      ]);
  }

  function cartesian(spec, narrow) {
    const horizontal = spec.kind === "horizontal_bar";
    const categoryAxis = {
      type: "category",
      data: spec.categories,
      inverse: horizontal,
      axisLine: { lineStyle: { color: MUTED } },
      axisTick: { alignWithLabel: true },
      axisLabel: {
        color: INK,
        // Labels that would overlap are skipped rather than turned: a phone shows
        // every second or third month, level and readable.
        hideOverlap: true,
        width: horizontal ? (narrow ? 110 : 220) : undefined,
        overflow: horizontal ? "truncate" : undefined,
      },
    };
    const valueAxis = {
      type: "value",
      max: spec.format === "percent" ? 100 : undefined,
      // Counts are whole: no gridline at half a ticket.
      minInterval: wholeNumbers(spec) ? 1 : undefined,
      axisLabel: { color: MUTED, formatter: axisFormatter(spec), hideOverlap: true },
      splitLine: { lineStyle: { color: RULE } },
    };
    const several = spec.series.length > 1;
    return {
      grid: {
        left: 8,
        right: 16,
        top: several ? 40 : 16,
        bottom: 8,
        containLabel: true,
      },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      legend: several ? { top: 0, left: 0, type: "scroll" } : undefined,
      tooltip: {
        trigger: "axis",
        axisPointer: { type: spec.kind === "line" ? "line" : "shadow" },
        formatter: axisTooltip(spec),
      },
      series: spec.series.map((series) => ({
        name: series.name,
        type: spec.kind === "line" ? "line" : "bar",
        stack: spec.kind === "stacked_bar" ? "total" : undefined,
        data: series.values.map(number),
        connectNulls: false,
        barMaxWidth: 48,
        emphasis: { focus: "series" },
      })),
    };
  }

  function sliced(spec, narrow) {
    const series = spec.series[0];
    const data = spec.categories.map((name, index) => ({
      name: name,
      value: number(series.values[index]),
    }));
    const legend = { type: "scroll", bottom: 0, left: "center" };
    const drawn =
      spec.kind === "pie"
        ? {
            type: "pie",
            radius: narrow ? ["30%", "60%"] : ["35%", "70%"],
            center: ["50%", "45%"],
            label: { show: !narrow, color: INK },
          }
        : {
            type: "funnel",
            sort: "none",
            top: 8,
            bottom: 40,
            left: "10%",
            width: "80%",
            label: { show: true, position: "inside", color: "#fff" },
          };
    return {
      legend: legend,
      tooltip: { trigger: "item", formatter: itemTooltip(spec) },
      series: [Object.assign(drawn, { name: series.name, data: data })],
    };
  }

  function option(spec, width) {
    const narrow = width < NARROW;
    const drawn = spec.kind === "pie" || spec.kind === "funnel" ? sliced(spec, narrow) : cartesian(spec, narrow);
    return Object.assign(
      {
        color: COLOURS,
        textStyle: { fontFamily: FONT, fontSize: 13, color: INK },
        animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
      },
      drawn,
      {
        legend: drawn.legend && Object.assign({ textStyle: { color: INK } }, drawn.legend),
        tooltip: Object.assign({ confine: true, className: "chart-tooltip-box" }, drawn.tooltip),
      },
    );
  }

  function draw(container) {
    const source = document.getElementById(container.dataset.chart);
    if (!source) {
      return;
    }
    const spec = JSON.parse(source.textContent);
    const chart = echarts.init(container, null, {
      renderer: "svg",
      locale: spec.locale.toLowerCase().startsWith("zh") ? "ZH" : "EN",
    });
    let narrow = container.clientWidth < NARROW;
    chart.setOption(option(spec, container.clientWidth));
    new ResizeObserver(() => {
      // Crossing the narrow width changes labels and legend; otherwise only resize.
      const now = container.clientWidth < NARROW;
      if (now !== narrow) {
        narrow = now;
        chart.setOption(option(spec, container.clientWidth), { notMerge: true });
      }
      chart.resize();
    }).observe(container);
  }

  document.querySelectorAll(".chart-canvas[data-chart]").forEach(draw);
})();

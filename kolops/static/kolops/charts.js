// Charts of a KOL's page, drawn with ECharts from the page's JSON data (no inline script: CSP).
(function () {
  const dataEl = document.getElementById("chart-data");
  if (!dataEl || !window.echarts) return;
  const data = JSON.parse(dataEl.textContent);
  const labels = JSON.parse(document.getElementById("chart-labels").textContent);
  const byId = Object.fromEntries(data.channels.map((c) => [String(c.id), c]));
  const fmt = new Intl.NumberFormat(document.documentElement.lang);

  function growth(el) {
    const series = data.channels.filter((c) => c.growth.length).map((c) => ({
      name: c.name, type: "line", showSymbol: c.growth.length < 3, data: c.growth,
    }));
    if (!series.length) { el.textContent = labels.no_data; el.classList.add("text-secondary", "small"); el.style.height = "auto"; return; }
    echarts.init(el).setOption({
      tooltip: { trigger: "axis", valueFormatter: (v) => fmt.format(v) },
      legend: { top: 0 }, grid: { left: 60, right: 20, top: 30, bottom: 30 },
      xAxis: { type: "time" },
      yAxis: { type: "value", name: labels.followers, axisLabel: { formatter: (v) => fmt.format(v) } },
      series,
    });
  }

  function bars(el, rows) {
    if (!rows.length || rows.every((r) => !r[1])) { el.textContent = labels.no_data; el.classList.add("text-secondary", "small"); el.style.height = "auto"; return; }
    echarts.init(el).setOption({
      tooltip: { valueFormatter: (v) => v + " %" },
      grid: { left: 90, right: 20, top: 10, bottom: 20 },
      xAxis: { type: "value", max: 100, name: "%" },
      yAxis: { type: "category", data: rows.map((r) => r[0]), inverse: true },
      series: [{ type: "bar", data: rows.map((r) => r[1]), label: { show: true, position: "right", formatter: "{c} %" } }],
    });
  }

  document.querySelectorAll("[data-chart]").forEach((el) => {
    const kind = el.dataset.chart;
    if (kind === "growth") return growth(el);
    const channel = byId[el.dataset.channel];
    if (!channel) return;
    if (kind === "ages") {
      const rows = channel.ages.slice();
      rows.push([labels.female, channel.gender.female], [labels.male, channel.gender.male]);
      bars(el, rows);
    }
    if (kind === "regions") bars(el, channel.regions);
  });
  window.addEventListener("resize", () => document.querySelectorAll("[data-chart]").forEach((el) => {
    const chart = echarts.getInstanceByDom(el); if (chart) chart.resize();
  }));
})();

/* Dashboard charts (ECharts, vendored): arrivals by weekday × hour, service level by day, satisfaction by
   window, staff comparison, and the staffing advisor beside today's staffing. Every chart writes its numbers
   on the marks, so nothing is told by colour alone. */
"use strict";

const Charts = (() => {
  const { t, api } = Hall;
  const WEEKDAYS = { zh: ["一", "二", "三", "四", "五", "六", "日"], en: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] };
  const charts = {};
  let today = null;
  let results = null;

  function shift(isoDay, days) {
    const moment = new Date(`${isoDay}T00:00:00Z`);
    moment.setUTCDate(moment.getUTCDate() + days);
    return moment.toISOString().slice(0, 10);
  }

  function chart(name) {
    if (!charts[name]) charts[name] = echarts.init(document.querySelector(`.chart[data-chart=${name}]`), null, { renderer: "canvas" });
    return charts[name];
  }

  const base = (title) => ({
    animation: false, textStyle: { fontSize: 14 }, title: { text: title, textStyle: { fontSize: 16 } },
    tooltip: { trigger: "item" }, grid: { left: 60, right: 30, top: 50, bottom: 40 },
  });

  function heatmap(report) {
    const hours = [...new Set(report.cells.map((c) => c.hour))].sort((a, b) => a - b);
    const names = WEEKDAYS[Hall.lang];
    const peak = Math.max(1, ...report.cells.map((c) => c.arrivals_per_day || 0));
    chart("heatmap").setOption({
      ...base(t("chart_heatmap")),
      xAxis: { type: "category", data: hours.map((h) => `${h}:00`), name: t("hour") },
      yAxis: { type: "category", data: names },
      visualMap: { min: 0, max: peak, calculable: false, orient: "horizontal", left: "center", bottom: 0,
                   inRange: { color: ["#f4f8fc", "#0b4f9c"] }, show: false },
      series: [{ type: "heatmap", name: t("arrivals_per_day"), label: { show: true, formatter: (p) => p.value[2] },
                 data: report.cells.map((c) => [hours.indexOf(c.hour), c.weekday - 1, c.arrivals_per_day]) }],
    }, true);
  }

  function line(name, title, rows, value, unit, target) {
    chart(name).setOption({
      ...base(title),
      xAxis: { type: "category", data: rows.map((r) => r.key) },
      yAxis: { type: "value", max: unit === "%" ? 100 : null, axisLabel: { formatter: `{value}${unit}` } },
      series: [{ type: "line", data: rows.map(value), label: { show: true, formatter: `{c}${unit}` },
                 markLine: target ? { symbol: "none", data: [{ yAxis: target, name: t("target") }],
                                      label: { formatter: `${t("target")} {c}${unit}` } } : undefined }],
    }, true);
  }

  function bars(name, title, keys, series) {
    chart(name).setOption({
      ...base(title), legend: { top: 24, data: series.map((s) => s.name) },
      grid: { left: 60, right: 60, top: 70, bottom: 40 },
      xAxis: { type: "category", data: keys },
      yAxis: series.some((s) => s.yAxisIndex) ? [{ type: "value" }, { type: "value" }] : { type: "value" },
      series: series.map((s) => ({ type: "bar", label: { show: true, position: "top" }, ...s })),
    }, true);
  }

  function render() {
    if (!results) return;
    const [heat, byDay, byWindow, byStaff, staffing] = results;
    heatmap(heat);
    line("sl", t("chart_sl"), byDay.rows, (r) => r.sl_pct, "%", 80);
    const windows = byWindow.rows.filter((r) => r.key !== null);
    bars("satisfaction", t("chart_satisfaction"), windows.map((r) => t("window_n", { n: r.key })),
      [{ name: t("satisfaction"), data: windows.map((r) => r.satisfaction_pct), label: { show: true, position: "top", formatter: "{c}%" } }]);
    const staff = byStaff.rows.filter((r) => r.key !== null);
    bars("staff", t("chart_staff"), staff.map((r) => r.key), [
      { name: t("served_today_label"), data: staff.map((r) => r.served) },
      { name: t("service_min"), yAxisIndex: 1, data: staff.map((r) => (r.service_mean_s === null ? null : +(r.service_mean_s / 60).toFixed(1))) },
    ]);
    const open = staffing.intervals.filter((i) => i.needed > 0 || i.staffed > 0);
    bars("staffing", t("chart_staffing"), open.map((i) => i.start), [
      { name: t("windows_needed"), data: open.map((i) => i.needed) },
      { name: t("windows_staffed"), data: open.map((i) => i.staffed) },
    ]);
    document.querySelector("table.staffing tbody").replaceChildren(...(open.length ? open.map((i) => Hall.el("tr", {},
      Hall.el("td", {}, i.start), Hall.el("td", {}, String(i.needed)), Hall.el("td", {}, String(i.staffed)),
      Hall.el("td", {}, i.staffed < i.needed ? Hall.el("span", { class: "tag bad" }, `⚠ ${t("understaffed")}`) : t("within_target"))))
      : [Hall.el("tr", {}, Hall.el("td", { colspan: 4, class: "muted" }, t("no_staffing_needed")))]));
  }

  /** Load the reports of the ``days`` business days ending ``day`` and draw them. */
  async function show(day, days) {
    today = day;
    const from = shift(today, 1 - days);
    const range = `from=${from}&to=${today}`;
    const weekday = ((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
    results = await Promise.all([
      api("GET", `/reports/heatmap?${range}`),
      api("GET", `/reports/kpis?${range}&by=day`),
      api("GET", `/reports/kpis?${range}&by=window`),
      api("GET", `/reports/kpis?${range}&by=staff`),
      api("GET", `/reports/staffing?${range}&weekday=${weekday}&day=${today}`),
    ]);
    render();
  }

  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  Hall.onLang(render);
  return { show, get results() { return results; } };
})();

/* Manager dashboard (大厅管理): the live hall, alerts, device health, bad-rating follow-ups, links to reports. */
"use strict";

document.addEventListener("DOMContentLoaded", async () => {
  const { t, el, api } = Hall;
  const $ = (selector) => document.querySelector(selector);
  const minutes = (seconds) => Math.floor(seconds / 60);
  let hall = null;
  let today = null;
  let overdue = [];
  let cases = [];

  function setTile(name, value) { document.querySelector(`[data-tile=${name}]`).textContent = value; }

  function alerts() {
    const list = [];
    for (const s of hall.services.filter((row) => row.over_target && row.waiting > 0)) {
      list.push(t("alert_wait", { service: Hall.name(s), min: minutes(s.longest_wait_s), target: s.target_wait_min }));
    }
    for (const d of hall.devices.filter((row) => row.state === "offline" || row.state === "error")) {
      list.push(t("alert_device", { name: d.name, state: Hall.label("device_state", d.state) }));
    }
    for (const a of (hall.alerts || []).filter((row) => row.kind === "issue_rate")) {
      list.push(t("alert_issue_rate", { kiosk: a.kiosk_name, rate: a.rate }));
    }
    if (overdue.length) list.push(t("followups_overdue", { n: overdue.length }));
    return list;
  }

  function statusTag(s) {
    if (s.over_target && s.waiting > 0) return el("span", { class: "tag bad" }, `⚠ ${t("over_target")}`);
    return el("span", { class: "tag good" }, t("within_target"));
  }

  function windowCard(w) {
    const current = w.current;
    const from = current?.status === "serving" ? current.started_at : current?.called_at;
    return el("div", { class: "win", dataset: { window: w.number, state: w.state } },
      el("div", {}, el("strong", {}, t("window_n", { n: w.number })), " · ", Hall.label("window_state", w.state),
        w.pause_reason ? ` (${Hall.label("pause_reason", w.pause_reason)})` : ""),
      el("div", { class: "muted" }, w.staff || "—"),
      el("div", { class: "number" }, current ? current.number : "—"),
      current ? el("div", { class: "timer", dataset: { since: from || "" } }, Hall.clockText(Hall.since(from))) : null);
  }

  function render() {
    if (!hall) return;
    setTile("waiting", hall.waiting);
    setTile("longest", t("minutes", { n: minutes(hall.longest_wait_s) }));
    setTile("open", hall.windows.filter((w) => w.state !== "closed").length);
    const items = alerts();
    $(".alerts").replaceChildren(...(items.length ? items.map((text) => el("li", {}, `⚠ ${text}`))
      : [el("li", { class: "none" }, t("no_alerts"))]));
    $(".alerts").classList.toggle("quiet", !items.length);
    $(".services tbody").replaceChildren(...hall.services.map((s) => el("tr", { dataset: { service: s.code } },
      el("td", {}, Hall.name(s)), el("td", { class: "waiting number" }, s.waiting),
      el("td", {}, t("minutes", { n: minutes(s.longest_wait_s) })), el("td", {}, t("minutes", { n: s.target_wait_min })),
      el("td", {}, statusTag(s)))));
    $(".windows").replaceChildren(...hall.windows.map(windowCard));
    $(".devices tbody").replaceChildren(...hall.devices.map((d) => el("tr", { dataset: { device: d.name } },
      el("td", {}, d.name), el("td", {}, Hall.label("device_kind", d.kind)),
      el("td", {}, el("span", { class: `tag ${d.state === "ready" ? "good" : "bad"}` }, Hall.label("device_state", d.state))),
      el("td", {}, d.last_error || ""))));
    renderToday();
    renderCases();
    renderLinks();
  }

  function renderToday() {
    if (!today) return;
    const sum = (key) => today.rows.reduce((total, row) => total + row[key], 0);
    setTile("issued", sum("issued"));
    setTile("served", sum("served"));
    const ratings = today.rows.reduce((total, row) => total + Object.values(row.ratings).reduce((a, b) => a + b, 0), 0);
    const good = today.rows.reduce((total, row) => total + row.ratings["1"] + row.ratings["2"], 0);
    setTile("satisfaction", ratings ? `${((100 * good) / ratings).toFixed(1)}%` : "—");
  }

  function caseRow(c) {
    const note = el("input", { name: "note", maxlength: 2000, "aria-label": t("note"), placeholder: t("note") });
    const buttons = c.actions.map((action) => el("button", { type: "button", dataset: { action },
      onclick: () => work(c.id, action, note.value) }, Hall.label("followup_action", action)));
    return el("tr", { dataset: { case: c.id, state: c.state } },
      el("td", { class: "number" }, c.number || "—"), el("td", {}, Hall.serviceName(c.service)),
      el("td", {}, c.window ?? "—"), el("td", {}, c.staff || "—"),
      el("td", {}, `${Hall.label("rating_level", c.level)}${c.reasons.length ? `：${c.reasons.map((r) => Hall.label("rating_reason", r)).join("、")}` : ""}`,
        c.comment ? el("div", { class: "muted" }, c.comment) : null),
      el("td", { class: "case-state" }, Hall.label("followup_state", c.state)),
      el("td", {}, c.due_on || "—", c.overdue ? el("span", { class: "tag bad" }, ` ⚠ ${t("overdue")}`) : null),
      el("td", {}, el("div", { class: "inline" }, note, ...buttons)));
  }

  /** The follow-up table, drawn again on every hall event: a note being typed and its focus are kept. */
  function renderCases() {
    const rows = () => [...document.querySelectorAll(".followups tr[data-case]")];
    const noteOf = (row) => row.querySelector("input[name=note]");
    const typed = new Map(rows().map((row) => [row.dataset.case, noteOf(row).value]));
    const focused = document.activeElement?.closest?.(".followups tr[data-case]")?.dataset.case;
    $(".followups tbody").replaceChildren(...(cases.length ? cases.map(caseRow)
      : [el("tr", {}, el("td", { colspan: 8, class: "muted" }, t("no_followups")))]));
    rows().forEach((row) => {
      noteOf(row).value = typed.get(row.dataset.case) ?? "";
      if (row.dataset.case === focused) noteOf(row).focus();
    });
  }

  function renderLinks() {
    const day = hall.hall.day;
    const month = `${day.slice(0, 8)}01`;
    const links = [
      ["kpi_csv", `/api/v1/reports/kpis.csv?from=${day}&to=${day}&by=service`],
      ["kpi_xlsx", `/api/v1/reports/kpis.xlsx?from=${month}&to=${day}&by=service`],
      ["export_csv", `/api/v1/tickets/export.csv?from=${day}&to=${day}`],
      ["public_results", "/results"],
    ];
    $(".links").replaceChildren(...links.map(([key, href]) => el("a", { href }, t(key))));
  }

  async function work(id, action, note) {
    try {
      await api("POST", `/followups/${id}`, { action, note });
      await loadCases();
    } catch (error) {
      Hall.failed(error);
    }
  }

  async function loadCases() {
    [cases, overdue] = await Promise.all([api("GET", "/followups?state=open"), api("GET", "/followups?state=overdue")]);
    render();
  }

  async function loadToday() {
    if (!hall) return;
    today = await api("GET", `/reports/kpis?from=${hall.hall.day}&to=${hall.hall.day}&by=service`);
    renderToday();
  }

  const refreshHall = Hall.debounce(async () => {
    try {
      hall = await api("GET", "/hall/state");
      render();
      await loadToday();
    } catch (error) {
      Hall.failed(error);
    }
  }, 250);

  function onEvent(event) {
    refreshHall();
    if (event === "rating_recorded") loadCases().catch(Hall.failed);
  }

  function tick() {
    document.querySelectorAll(".win .timer").forEach((node) => { node.textContent = Hall.clockText(Hall.since(node.dataset.since)); });
  }

  $(".session-logout").addEventListener("click", async () => {
    await api("POST", "/auth/logout", {}).catch(Hall.failed);
    location.reload();
  });
  Hall.onLang(render);
  setInterval(tick, 1000);

  const who = await Hall.login($(".gate"));
  $(".who").textContent = who.username;
  $(".session-logout").hidden = false;
  $(".dashboard").hidden = false;
  const period = $("select[name=period]");
  const drawCharts = () => Charts.show(hall.hall.day, Number(period.value)).catch(Hall.failed);
  period.addEventListener("change", drawCharts);
  let drawn = false;
  Hall.live("hall", {}, (snapshot) => {
    hall = snapshot;
    render();
    refreshHall();  // the snapshot has no alerts (they are for managers only); GET /hall/state has them
    loadToday().catch(Hall.failed);
    if (!drawn) drawCharts();
    drawn = true;
  }, onEvent);
  await loadCases();
  setInterval(() => { loadCases().catch(Hall.failed); refreshHall(); }, 30000);
});

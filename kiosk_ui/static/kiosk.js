/* Kiosk (自助取号): categories → services → ticket, with the 绿色通道, appointment check-in and the printer's answer. */
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const { data, t, el, api } = Hall;
  const $ = (selector) => document.querySelector(selector);
  const CONFIRM_S = 20;
  const REFRESH_MS = 15000;
  const HEALTH_RETRY_MS = 5000;
  const token = Hall.deviceToken(`hallctl.kiosk.${data.kiosk}.token`);
  const green = data.priorities.filter((p) => p.weight > 1).sort((a, b) => b.weight - a.weight)[0];

  const state = { services: [], category: null, priority: false, appointment: null, ticket: null, outage: null,
                  shownAt: 0, touchedAt: Date.now() };

  function categories() {
    const seen = [];
    state.services.forEach((s) => { if (s.category && !seen.includes(s.category)) seen.push(s.category); });
    return seen;
  }

  function serviceTile(service) {
    let meta = `${t("waiting_n", { n: service.waiting })} · ${Hall.estimateText(service.est_wait_min)}`;
    if (service.cap_reached) meta = t("cap_reached");
    else if (!service.open) meta = t("closed");
    return el("button", { type: "button", class: "tile", role: "listitem", disabled: !service.open,
                          dataset: { service: service.code }, onclick: () => issue(service) },
      el("span", { class: "tile-name" }, Hall.name(service)),
      el("span", { class: "tile-meta" }, meta));
  }

  function categoryTile(category) {
    const inside = state.services.filter((s) => s.category === category);
    const waiting = inside.reduce((sum, s) => sum + s.waiting, 0);
    const names = inside.map((s) => Hall.name(s)).join(" · ");
    return el("button", { type: "button", class: "tile", role: "listitem", dataset: { category },
                          onclick: () => { state.category = category; render(); } },
      el("span", { class: "tile-name" }, Hall.label("category", category)),
      el("span", { class: "tile-meta" }, `${names} · ${t("waiting_n", { n: waiting })}`));
  }

  function render() {
    const groups = categories();
    const byCategory = groups.length > 1 && state.category === null;
    const shown = state.services.filter((s) => state.category === null || s.category === state.category);
    $(".step-title").textContent = t(byCategory ? "choose_category" : "choose_service");
    $(".options").replaceChildren(...(byCategory ? groups.map(categoryTile) : shown.map(serviceTile)));
    $(".back").hidden = state.category === null;
    const notice = $(".hours-notice");
    const anyOpen = state.services.some((s) => s.open);
    notice.hidden = anyOpen || state.services.length === 0;
    notice.textContent = `${t("hall_closed")}。${t("hours", { hours: data.hours.join(", ") })}`;
    const pressed = $(".priority");
    pressed.hidden = !green;
    pressed.setAttribute("aria-pressed", String(state.priority));
    const appointment = $(".appointment-on");
    appointment.hidden = !state.appointment;
    if (state.appointment) {
      appointment.textContent = t("appointment_on", { code: state.appointment.code, slot: state.appointment.label });
    }
    if (state.ticket) renderTicket();
    if (state.outage) $("section.out-of-service .notice").textContent = Hall.errorText(state.outage);
  }

  function printText(ticket) {
    const status = ticket.print.status;
    if (status === "none") return t(data.printer ? "print_failed" : "print_none", { number: ticket.number });
    return t(`print_${status}`, { number: ticket.number });
  }

  function renderTicket() {
    const ticket = state.ticket;
    $(".confirm .service-name").textContent = Hall.serviceName(ticket.service);
    $(".ticket-number").textContent = ticket.number;
    $(".confirm .ahead").textContent = t("ahead_n", { n: ticket.ahead });
    $(".confirm .estimate").textContent = Hall.estimateText(ticket.est_wait_min);
    const print = $(".confirm .print");
    print.textContent = printText(ticket);
    print.className = `print ${ticket.print.status}`;
    print.dataset.status = ticket.print.status;
  }

  function show(section) {
    for (const name of ["start", "appointment", "confirm", "out-of-service"]) {
      const shown = $(`section.${name}`);
      if (shown) shown.hidden = name !== section;
    }
  }

  /**
   * The server cannot store tickets (a full disk, a damaged database: 503 storage_…): the kiosk asks citizens
   * to see staff, and asks the server's /healthz every few seconds until it is healthy again.
   */
  function outOfService(error) {
    if (!$("section.out-of-service")) {
      $("main").append(el("section", { class: "out-of-service card", role: "alert", hidden: true },
        el("h2", { dataset: { t: "out_of_service" } }, t("out_of_service")),
        el("p", { class: "notice" })));
    }
    state.outage = error;
    $("section.out-of-service .notice").textContent = Hall.errorText(error);
    state.ticket = null;
    show("out-of-service");
    setTimeout(async function retry() {
      try {
        await api("GET", "/healthz");
        reset();
      } catch {
        setTimeout(retry, HEALTH_RETRY_MS);
      }
    }, HEALTH_RETRY_MS);
  }

  async function refresh() {
    try {
      state.services = await api("GET", "/services");
      render();
    } catch (error) {
      Hall.failed(error);
    }
  }

  async function issue(service) {
    const body = { service: service.code, kiosk: data.kiosk };
    if (state.priority && green) body.priority = green.code;
    if (state.appointment) body.appointment = { code: state.appointment.code, slot: state.appointment.slot };
    try {
      state.ticket = await api("POST", "/tickets", body, { token });
    } catch (error) {
      if (error.status === 503) {
        outOfService(error);
        return;
      }
      Hall.failed(error);
      refresh();
      return;
    }
    state.shownAt = Date.now();
    renderTicket();
    show("confirm");
    followPrint(state.ticket);
  }

  /** The printer answers after the ticket exists: ask until it printed or failed (the worker never blocks us). */
  async function followPrint(ticket) {
    for (let i = 0; i < 40 && state.ticket === ticket && ticket.print.status === "pending"; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      try {
        const now = await api("GET", `/tickets/${ticket.id}?token=${encodeURIComponent(ticket.track_token)}`);
        ticket.print = now.print;
        if (state.ticket === ticket) renderTicket();
      } catch (error) {
        Hall.failed(error);
        return;
      }
    }
  }

  function setLarge(large) {
    const button = $(".size");
    document.body.classList.toggle("large", large);
    button.setAttribute("aria-pressed", String(large));
    button.dataset.t = large ? "normal_text" : "large_text";
    button.textContent = t(button.dataset.t);
  }

  function reset() {
    Object.assign(state, { category: null, priority: false, appointment: null, ticket: null, outage: null });
    setLarge(false);
    show("start");
    refresh();
  }

  /** Today's slots in the hall's time zone, from the server (the kiosk's own clock zone does not matter). */
  async function slots() {
    const offered = await api("GET", "/appointments/slots", undefined, { token });
    const now = Date.now();
    const nearest = offered.reduce((best, s) => (Math.abs(Date.parse(s.slot) - now) < Math.abs(Date.parse(best.slot) - now)
      ? s : best), offered[0]);
    document.querySelector("select[name=slot]").replaceChildren(...offered.map((s) => el("option",
      { value: s.slot, selected: s === nearest }, s.label)));
  }

  $(".priority").addEventListener("click", () => { state.priority = !state.priority; render(); });
  $(".back").addEventListener("click", () => { state.category = null; render(); });
  $(".done").addEventListener("click", reset);
  $(".appointment-open").addEventListener("click", async () => {
    try {
      await slots();
    } catch (error) {
      Hall.failed(error);
      return;
    }
    show("appointment");
    $("input[name=code]").focus();
  });
  $(".appointment-cancel").addEventListener("click", () => { state.appointment = null; show("start"); render(); });
  $(".appointment-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const slot = form.slot.selectedOptions[0];
    state.appointment = { code: form.code.value.trim(), slot: slot.value, label: slot.textContent };
    form.reset();
    show("start");
    render();
  });
  $(".size").addEventListener("click", () => setLarge(!document.body.classList.contains("large")));
  for (const kind of ["pointerdown", "keydown"]) {
    document.addEventListener(kind, () => { state.touchedAt = Date.now(); }, { capture: true });
  }
  setInterval(() => {
    if (state.ticket) {
      const left = CONFIRM_S - Math.floor((Date.now() - state.shownAt) / 1000);
      $(".countdown").textContent = t("back_in", { s: Math.max(left, 0) });
      if (left <= 0) reset();
    } else if ((state.category || state.appointment || state.priority || !$("section.appointment").hidden)
               && Date.now() - state.touchedAt > data.idle_s * 1000) {
      reset();
    }
  }, 1000);
  setInterval(() => { if (!state.ticket) refresh(); }, REFRESH_MS);
  Hall.onLang(render);
  refresh();
});

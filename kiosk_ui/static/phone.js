/* Phone page (我的排号): the ticket's place in the queue live, an alert when it is called, then the rating form. */
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const { data, t, el, api } = Hall;
  const $ = (selector) => document.querySelector(selector);
  const token = new URLSearchParams(location.search).get("token") || "";
  const path = `/tickets/${data.ticket}?token=${encodeURIComponent(token)}`;
  let ticket = null;
  let level = null;
  let audio = null;

  function statusLines(tk) {
    const status = Hall.label("ticket_status", tk.status);
    switch (tk.status) {
      case "waiting": return [status, t("ahead_n", { n: tk.ahead }), Hall.estimateText(tk.est_wait_min)];
      case "called": return [t("called_to", { n: tk.window }), "", ""];
      case "serving": return [t("serving_at", { n: tk.window }), "", ""];
      case "finished": return [t("finished_thanks"), "", ""];
      default: return [status, Hall.label("ticket_status_help", tk.status), ""];
    }
  }

  function render() {
    if (!ticket) return;
    $(".service-name").textContent = Hall.name({ name: ticket.service_name, name_en: ticket.service_name_en });
    $(".ticket-number").textContent = ticket.number;
    const [status, detail, estimate] = statusLines(ticket);
    $(".status").textContent = status;
    $(".status").classList.toggle("called", ticket.status === "called");
    $(".ticket").dataset.status = ticket.status;
    $(".detail").textContent = detail;
    $(".estimate").textContent = estimate;
    $(".alerts-on").hidden = !["waiting", "held"].includes(ticket.status);
    $(".rate").hidden = !ticket.can_rate;
    $(".rated").hidden = !ticket.rated;
    renderLevels();
  }

  function renderLevels() {
    $(".levels").replaceChildren(...[1, 2, 3, 4, 5].map((n) => el("button", {
      type: "button", "aria-pressed": String(level === n), dataset: { level: n },
      onclick: () => { level = n; renderLevels(); },
    }, Hall.label("rating_level", n))));
    const bad = level >= 4;
    const box = $(".reasons");
    box.hidden = !bad;
    if (!box.querySelector("input")) {
      box.append(...data.reasons.map((reason) => el("label", {},
        el("input", { type: "checkbox", name: "reason", value: reason }), el("span", { class: "reason-name", dataset: { reason } }))));
    }
    box.querySelectorAll(".reason-name").forEach((node) => { node.textContent = Hall.label("rating_reason", node.dataset.reason); });
    $(".rating button[type=submit]").disabled = level === null;
  }

  /** A called ticket: vibrate and sound (the sound needs one tap first: browsers block audio until then). */
  function alertCalled() {
    if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 400]);
    if (!audio) return;
    const oscillator = audio.createOscillator();
    oscillator.frequency.value = 880;
    oscillator.connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.8);
  }

  function apply(next) {
    const before = ticket?.status;
    ticket = next;
    render();
    if (ticket.status === "called" && before !== undefined && before !== "called") alertCalled();
  }

  async function load() { apply(await api("GET", path)); }

  const refresh = Hall.debounce(() => load().catch(Hall.failed));
  $(".alerts-on").addEventListener("click", (event) => {
    audio = audio || new AudioContext();
    event.target.dataset.t = "alerts_on";
    event.target.textContent = t("alerts_on");
    event.target.disabled = true;
  });
  $(".rating").addEventListener("submit", async (event) => {
    event.preventDefault();
    const reasons = level >= 4 ? [...document.querySelectorAll("input[name=reason]:checked")].map((box) => box.value) : [];
    try {
      await api("POST", `/tickets/${data.ticket}/rating?token=${encodeURIComponent(token)}`,
        { level, reasons, comment: event.target.comment.value });
      await load();
    } catch (error) {
      Hall.failed(error);
    }
  });
  Hall.onLang(render);
  load().then(() => {
    Hall.live(`ticket:${data.ticket}`, { ticket: data.ticket, token }, apply, (event, payload) => {
      if (event === "ticket_called" && payload.id === data.ticket && payload.recall) alertCalled();
      refresh();
    });
  }).catch(Hall.failed);
});

/* Staff console (窗口工作台): log in, open a window, and work its queue with one tap or one key. */
"use strict";

document.addEventListener("DOMContentLoaded", async () => {
  const { data, t, el, api } = Hall;
  const $ = (selector) => document.querySelector(selector);
  const PAUSE_REASONS = ["meeting", "break", "consult", "equipment", "other"];
  let who = null;
  let number = null;
  let view = null;
  let fetchedAt = Date.now();
  let currentTicket = null;  // the outcome and the transfer are chosen afresh for each citizen
  /** The actions whose list must be chosen from each time: no default, never the last citizen's choice. */
  const CHOICES = { finish: "outcome", transfer: "transfer", pause: "pause" };

  /** Which actions the window's state allows; the others are disabled, never left to fail. */
  function allowed() {
    const w = view.window;
    const status = view.current?.status;
    const open = w.state !== "closed";
    return {
      call: open && w.state === "idle",
      recall: status === "called", "no-show": status === "called", start: status === "called",
      finish: status === "serving", hold: status === "serving",
      transfer: status === "called" || status === "serving",
      pause: open && w.state !== "paused" && status !== "called",
      unpause: w.state === "paused",
      logout: open && !view.current,
    };
  }

  function options(select, values, label) {
    const chosen = select.value;
    select.replaceChildren(...values.map((value) => el("option", { value }, label(value))));
    if (values.includes(chosen)) select.value = chosen;
  }

  function fillSelects() {
    options($("select[name=outcome]"), ["", ...data.outcomes], (o) => (o ? Hall.label("outcome", o) : t("choose")));
    options($("select[name=hold]"), data.hold_kinds, (k) => Hall.label("hold_kind", k));
    options($("select[name=pause]"), ["", ...PAUSE_REASONS], (r) => (r ? Hall.label("pause_reason", r) : t("choose")));
    const targets = [...data.services.filter((s) => s.code !== view?.current?.service).map((s) => `service:${s.code}`),
                     ...data.windows.filter((n) => n !== number).map((n) => `window:${n}`)];
    options($("select[name=transfer]"), ["", ...targets], (target) => {
      if (!target) return t("choose");
      const [kind, value] = target.split(":");
      return kind === "service" ? `${t("to_service")}: ${Hall.serviceName(value)}` : t("window_n", { n: value });
    });
  }

  function row(ticket, action, label) {
    const cells = [el("td", { class: "number" }, ticket.number), el("td", {}, Hall.serviceName(ticket.service))];
    if (action === "resume") {
      cells.push(el("td", {}, Hall.label("hold_kind", ticket.hold_kind)));
    } else {
      cells.push(el("td", {}, ticket.priority && ticket.priority !== "normal" ? t("priority") : ""));
      cells.push(el("td", { class: "wait", dataset: { wait: ticket.wait_s } }, Hall.clockText(ticket.wait_s)));
    }
    const enabled = action === "resume" ? view.window.state !== "closed" : allowed().call;
    cells.push(el("td", {}, el("button", { type: "button", disabled: !enabled,
      onclick: () => act(action, { ticket: ticket.id }) }, t(label))));
    return el("tr", { dataset: { ticket: ticket.id } }, ...cells);
  }

  function render() {
    if (!view) return;
    const w = view.window;
    $(".window-title").textContent = t("window_n", { n: w.number });
    $(".window-state").textContent = Hall.label("window_state", w.state)
      + (w.pause_reason ? ` (${Hall.label("pause_reason", w.pause_reason)})` : "");
    $(".current-number").textContent = view.current ? view.current.number : "—";
    $(".current-service").textContent = view.current
      ? `${Hall.serviceName(view.current.service)} · ${Hall.label("ticket_status", view.current.status)}`
      : t("none_current");
    const can = allowed();
    document.querySelectorAll("[data-action]").forEach((button) => {
      button.disabled = !can[button.dataset.action];
      button.hidden = (button.dataset.action === "pause" && w.state === "paused")
        || (button.dataset.action === "unpause" && w.state !== "paused");
    });
    $(".call-number button").disabled = !can.call;
    $(".queue-count").textContent = view.queue.length;
    $(".queue tbody").replaceChildren(...(view.queue.length ? view.queue.map((ticket) => row(ticket, "call", "call"))
      : [el("tr", {}, el("td", { colspan: 5, class: "muted" }, t("empty_queue")))]));
    $(".held tbody").replaceChildren(...view.held.map((ticket) => row(ticket, "resume", "resume")));
    fillSelects();
    tick();
  }

  function tick() {
    if (!view) return;
    const current = view.current;
    const from = current?.status === "serving" ? current.started_at : current?.last_called_at;
    $(".timer").textContent = current ? `${t("elapsed")} ${Hall.clockText(Hall.since(from))}` : "";
    const drift = (Date.now() - fetchedAt) / 1000;
    document.querySelectorAll(".queue td.wait").forEach((cell) => {
      cell.textContent = Hall.clockText(Number(cell.dataset.wait) + drift);
    });
  }

  async function load() {
    view = await api("GET", `/windows/${number}`);
    fetchedAt = Date.now();
    if ((view.current?.id ?? null) !== currentTicket) {
      currentTicket = view.current?.id ?? null;
      $("select[name=outcome]").value = "";
      $("select[name=transfer]").value = "";
    }
    render();
  }

  function body(action) {
    if (action === "finish") return { outcome: $("select[name=outcome]").value };
    if (action === "hold") return { kind: $("select[name=hold]").value };
    if (action === "pause") return { reason: $("select[name=pause]").value };  // the code; pages show its name
    if (action === "transfer") {
      const [kind, value] = $("select[name=transfer]").value.split(":");
      return kind === "service" ? { service: value } : { window: Number(value) };
    }
    return {};
  }

  async function act(action, payload) {
    const choice = !payload && CHOICES[action] ? $(`select[name=${CHOICES[action]}]`) : null;
    if (choice && !choice.value) {
      Hall.inform(`choose_${CHOICES[action]}_first`);
      choice.focus();
      return;
    }
    try {
      const result = await api("POST", `/windows/${number}/${action}`, payload ?? body(action));
      if (choice) choice.value = "";
      if (action === "call" && result === null) Hall.inform("nothing_waiting");
      if (action === "no-show") Hall.inform(result.status === "waiting" ? "no_show_requeued" : "no_show_ended", result);
      if (action === "resume") Hall.inform("resumed", result);
      if (action === "logout") {
        localStorage.removeItem("hallctl.staff.window");
        location.reload();
        return;
      }
      await load();
    } catch (error) {
      Hall.failed(error);
      load().catch(Hall.failed);
    }
  }

  async function chooseWindow() {
    const state = await api("GET", "/hall/state");
    const mine = state.windows.find((w) => w.staff === who.username);
    if (mine) return mine.number;
    $(".pick").hidden = false;
    return new Promise((resolve) => {
      $(".windows-pick").replaceChildren(...state.windows.map((w) => {
        const taken = w.staff && w.staff !== who.username;
        return el("button", { type: "button", disabled: taken, dataset: { window: w.number }, onclick: async () => {
          try {
            await api("POST", `/windows/${w.number}/login`, {});
            $(".pick").hidden = true;
            resolve(w.number);
          } catch (error) {
            Hall.failed(error);
          }
        } }, t("open_window", { n: w.number }), taken ? el("br") : null,
        taken ? el("small", {}, t("window_taken", { staff: w.staff })) : null);
      }));
    });
  }

  const refresh = Hall.debounce(() => load().catch(Hall.failed));
  document.querySelectorAll("[data-action]").forEach((button) => {
    button.addEventListener("click", () => act(button.dataset.action));
    if (button.dataset.key) button.append(el("kbd", {}, button.dataset.key));
  });
  // a choice made, the keyboard shortcuts work again at once (F finishes with it, P pauses)
  Object.values(CHOICES).forEach((name) => $(`select[name=${name}]`)
    .addEventListener("change", (event) => event.target.blur()));
  $(".call-number").addEventListener("submit", (event) => {
    event.preventDefault();
    act("call", { ticket: event.target.number.value.trim().toUpperCase() });
    event.target.reset();
    event.target.number.blur();  // the keyboard shortcuts work again at once
  });
  document.addEventListener("keydown", (event) => {
    if (!view || event.ctrlKey || event.metaKey || event.altKey || event.target.closest("input, select, textarea")) return;
    const button = [...document.querySelectorAll("[data-key]")]
      .find((b) => b.dataset.key === event.key.toUpperCase() && !b.disabled && !b.hidden);
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
  $(".session-logout").addEventListener("click", async () => {
    await api("POST", "/auth/logout", {}).catch(Hall.failed);
    location.reload();
  });
  Hall.onLang(render);
  setInterval(tick, 1000);

  who = await Hall.login($(".gate"));
  $(".who").textContent = who.username;
  $(".session-logout").hidden = false;
  number = await chooseWindow();
  $(".console").hidden = false;
  await load();
  Hall.live(`window:${number}`, {}, (snapshot) => { view = snapshot; fetchedAt = Date.now(); render(); }, refresh);
});

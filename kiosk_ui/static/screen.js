/* Hall screen (综合屏): the current call large, the last calls, waiting per service; live, healing after restarts. */
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const { data, el, api } = Hall;
  const $ = (selector) => document.querySelector(selector);
  const KEEP = 8;
  const token = Hall.deviceToken("hallctl.display.token");
  let state = null;

  const service = (code) => data.services.find((s) => s.code === code) || { name: code, name_en: code };
  const zh = (code) => service(code).name;
  const en = (code) => (service(code).name_en === service(code).name ? "" : service(code).name_en);

  function flash() {
    const box = $(".now");
    box.classList.remove("flash");
    void box.offsetWidth;  // restart the animation
    box.classList.add("flash");
  }

  function render() {
    const current = state.calls[0];
    $(".now-number").textContent = current ? current.number : "—";
    $(".now-window").textContent = current ? `${current.window} 号窗口` : "";
    $(".now-service").textContent = current ? zh(current.service) : "";
    $(".now-en").textContent = current
      ? [`Number ${current.number}, please go to window ${current.window}`, en(current.service)].filter(Boolean).join(" · ") : "";
    $(".recent tbody").replaceChildren(...state.calls.slice(0, KEEP).map((call) => el("tr", { dataset: { recall: call.recall } },
      el("td", { class: "number" }, call.number, call.recall ? el("span", { class: "en" }, " 重呼 recall") : null),
      el("td", {}, `${call.window}`), el("td", {}, zh(call.service), " ", el("span", { class: "en" }, en(call.service))))));
    $(".queues ul").replaceChildren(...state.services.map((s) => el("li", { dataset: { service: s.code } },
      `${s.name} `, el("span", { class: "en" }, en(s.code)), " ", el("b", { class: "waiting" }, String(s.waiting)))));
  }

  const refresh = Hall.debounce(async () => {
    try {
      state = await api("GET", "/hall/state", undefined, { token });
      render();
    } catch (error) {
      Hall.failed(error);
    }
  }, 300);

  function onEvent(event, payload) {
    if (event === "ticket_called" && state) {
      state.calls = [{ ...payload, at: new Date().toISOString() }, ...state.calls].slice(0, KEEP);
      render();
      flash();
    } else if (event === "queue_changed" && state) {
      const service = state.services.find((s) => s.code === payload.service);
      if (service) service.waiting = payload.waiting;
      render();
    } else if (event !== "announcement") {
      refresh();
    }
  }

  Hall.live("hall", { token }, (snapshot) => { state = snapshot; render(); }, onEvent);
});

/* hallctl pages: the page's strings and the server's label catalogue in zh and en, the API client with one error
   display, live rooms over Socket.IO, small DOM helpers. */
"use strict";

const Hall = (() => {
  const STRINGS = HALL_STRINGS;  // strings.js, loaded before this script: the pages' own words

  const data = JSON.parse(document.getElementById("page-data").textContent);
  // the server's label catalogue (GET /api/v1/labels) in both languages, embedded by base.html
  const LABELS = JSON.parse(document.getElementById("labels").textContent);
  const PAGE = document.body.dataset.page;  // kiosk, phone, staff, manage, screen: where error messages show
  const langListeners = [];
  let banner = null;  // { error, place } or { note }: on screen until the next success
  let offline = false;
  let csrf = null;  // the session's CSRF token, sent on every POST made with the session cookie
  let lang = localStorage.getItem("hallctl.lang") === "en" ? "en" : "zh";

  function t(key, vars = {}) {
    let text = STRINGS[lang][key] ?? STRINGS.zh[key] ?? key;
    for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value));
    return text;
  }

  /** The catalogue's name of ``code`` in ``table`` (ticket_status, outcome, device_state …) in the page's language. */
  function label(table, code) {
    const key = String(code);
    return LABELS[lang][table]?.[key] ?? LABELS.zh[table]?.[key] ?? key;
  }

  /**
   * What a person reads for a failed request: the catalogue's message for its error code as ``place`` (a page, or
   * ``login``) shows it, else as this page shows it; a generic message for anything else (never the server's text).
   */
  function errorText(error, place) {
    const entry = LABELS[lang].errors[error?.code];
    if (!entry) return LABELS[lang].generic_error;
    return entry[place] ?? entry[PAGE] ?? entry.message;
  }

  function applyLang() {
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
    document.querySelectorAll("[data-t-label]").forEach((node) => { node.setAttribute("aria-label", t(node.dataset.tLabel)); });
    document.querySelector("button.lang").textContent = t("switch_lang");
    showBanner();
    langListeners.forEach((listener) => listener());
  }

  function onLang(listener) { langListeners.push(listener); }

  function setLang(value) {
    lang = value;
    localStorage.setItem("hallctl.lang", lang);
    applyLang();
  }

  /** The name of a service (or anything with name/name_en) in the current language. */
  function name(item) { return lang === "en" ? (item.name_en || item.name) : item.name; }

  function serviceName(code) {
    const found = data.services.find((s) => s.code === code);
    return found ? name(found) : code;
  }

  /** A refused or failed request: ``status`` (0: no answer), the API's error ``code``, the request's ``method``. */
  class ApiFailure extends Error {
    constructor(status, body, method) {
      super(body?.error?.message || `HTTP ${status}`);
      this.status = status;
      this.code = body?.error?.code;
      this.method = method;
    }
  }

  /** Call the hall API; resolves to the JSON body (or null for 204), throws ApiFailure on 4xx/5xx. */
  async function api(method, path, body, options = {}) {
    const headers = { Accept: "application/json" };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    else if (csrf && method !== "GET") headers["X-CSRF-Token"] = csrf;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let reply;
    try {
      reply = await fetch(`/api/v1${path}`, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin",
      });
    } catch {
      throw new ApiFailure(0, null, method);
    }
    const text = await reply.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      if (reply.ok) throw new ApiFailure(reply.status, null, method);
    }
    if (!reply.ok) throw new ApiFailure(reply.status, parsed, method);
    succeeded(method);
    return parsed;
  }

  /**
   * Join a Socket.IO room; ``onSnapshot`` gets the full state on every (re)connect, ``onEvent`` each delta.
   * A page that lost its connection shows a banner until it is back.
   */
  function live(room, auth, onSnapshot, onEvent) {
    const socket = io({ auth, transports: ["websocket"] });
    socket.on("connect", () => {
      offline = false;
      succeeded("GET");  // the snapshot that follows heals what a failed read missed
      socket.emit("join", { room }, (reply) => { if (reply && !reply.ok) failed({ code: reply.code }); });
    });
    socket.on("disconnect", () => { offline = true; showBanner(); });
    socket.on("connect_error", (refusal) => {
      if (refusal?.data?.error?.code) failed({ code: refusal.data.error.code });  // refused: no retry follows
      else { offline = true; showBanner(); }
    });
    socket.on("snapshot", (message) => { if (message.room === room) onSnapshot(message.state); });
    socket.onAny((event, payload) => { if (event !== "snapshot") onEvent(event, payload); });
    return socket;
  }

  /** Run ``fn`` at most once per ``ms``, after the last call (coalesces bursts of events into one refresh). */
  function debounce(fn, ms = 150) {
    let timer = null;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  }

  /** ``el("button", {class: "big", onclick: f}, "text", child)`` */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) node.append(child);
    }
    return node;
  }

  function toast(message) {
    const box = document.querySelector(".toast");
    box.textContent = message || "";
    box.hidden = !message;
  }

  /** The banner: the error on screen (in the page's language), else the lost connection, else nothing. */
  function showBanner() {
    const box = document.querySelector(".toast");
    box.classList.toggle("error", Boolean(banner?.error));
    if (banner) toast(banner.note ? t(banner.note, banner.params) : errorText(banner.error, banner.place));
    else toast(offline ? t("offline") : null);
  }

  /**
   * A failed action or read: the catalogue's message for its error code, in the page's language, until the next
   * success (``place``: where it shows, when not the page itself, e.g. ``login``). Never swallowed.
   */
  function failed(error, place) {
    banner = { error, place };
    showBanner();
  }

  /**
   * A page's own notice (a key of strings.js, e.g. nothing_waiting, with its ``params``), shown like an error
   * until the next action.
   */
  function inform(key, params) {
    banner = { note: key, params };
    showBanner();
  }

  /** A request succeeded: any successful action clears the error; a successful read clears a failed read's. */
  function succeeded(method) {
    if (banner && (method !== "GET" || banner.error?.method === "GET")) banner = null;
    showBanner();
  }

  /** 125 → "2:05"; 3725 → "1:02:05" */
  function clockText(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const parts = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60];
    const [h, m, sec] = parts.map((p) => String(p).padStart(2, "0"));
    return parts[0] ? `${parts[0]}:${m}:${sec}` : `${Number(m)}:${sec}`;
  }

  /**
   * A device page's bearer token: taken from ``?token=`` once (then removed from the address bar and
   * history) and kept in this browser under ``key``.
   */
  function deviceToken(key) {
    const given = new URLSearchParams(location.search).get("token");
    if (given) {
      localStorage.setItem(key, given);
      history.replaceState(null, "", location.pathname);
    }
    return localStorage.getItem(key);
  }

  function since(iso) { return iso ? (Date.now() - Date.parse(iso)) / 1000 : 0; }

  function estimateText(range) {
    if (!range || range[1] === 0) return t("est_none");
    return t("est", { lo: range[0], hi: range[1] });
  }

  function tickClock() {
    const node = document.querySelector(".clock");
    const now = new Date();
    node.textContent = now.toLocaleTimeString(lang === "en" ? "en-GB" : "zh-CN", { hour: "2-digit", minute: "2-digit" });
  }

  /** A login form in ``container``; resolves with ``{username, role}`` once logged in (or already). */
  async function login(container) {
    const me = await api("GET", "/auth/me");
    csrf = me.csrf;
    if (me.username) return me;
    return new Promise((resolve) => {
      const user = el("input", { name: "username", autocomplete: "username", required: true });
      const pass = el("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
      const form = el("form", { class: "login card" },
        el("label", {}, el("span", { "data-t": "username" }, t("username")), user),
        el("label", {}, el("span", { "data-t": "password" }, t("password")), pass),
        el("button", { type: "submit", class: "primary", "data-t": "login" }, t("login")));
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        try {
          const who = await api("POST", "/auth/login", { username: user.value, password: pass.value });
          csrf = who.csrf;
          form.remove();
          resolve(who);
        } catch (error) {
          failed(error, "login");
        }
      });
      container.replaceChildren(form);
      user.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelector("button.lang").addEventListener("click", () => setLang(lang === "zh" ? "en" : "zh"));
    applyLang();
    tickClock();
    setInterval(tickClock, 10000);
  });

  return {
    data, t, label, name, serviceName, onLang, api, ApiFailure, live, debounce, el, toast, failed, inform, errorText,
    clockText, since, deviceToken, estimateText, login, get lang() { return lang; },
  };
})();

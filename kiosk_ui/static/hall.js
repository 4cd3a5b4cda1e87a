/* hallctl pages: strings in zh and en, the API client, live rooms over Socket.IO, small DOM helpers. */
"use strict";

const Hall = (() => {
  const STRINGS = {
    zh: {
      kiosk: "自助取号", staff: "窗口工作台", manage: "大厅管理", phone: "我的排号", index: "页面", screen: "综合屏",
      switch_lang: "English", large_text: "大字模式", normal_text: "标准字号",
      choose_category: "请选择业务类别", choose_service: "请选择办理事项", back: "返回", all_services: "全部事项",
      waiting_n: "等候 {n} 人", est: "预计等候 {lo}–{hi} 分钟", est_none: "暂无等候",
      closed: "暂停取号", cap_reached: "今日号已取完", hall_closed: "当前不在办理时间",
      hours: "办理时间：{hours}",
      priority_lane: "绿色通道（老年人、残疾人、孕妇、军人等）", priority_on: "已选择绿色通道",
      appointment: "预约签到", appointment_code: "预约码", appointment_slot: "预约时段",
      appointment_hint: "请输入预约码并选择预约时段，然后选择事项", appointment_on: "预约签到：{code} {slot}",
      cancel: "取消", your_number: "您的号码", ahead_n: "前面还有 {n} 人", done: "完成",
      print_pending: "正在打印号票…", print_printed: "请取走号票", print_failed: "号票未能打印，请记住您的号码 {number}",
      print_none: "本机不打印号票，请记住您的号码 {number}", scan_hint: "扫描号票二维码可在手机上查看排队进度",
      back_in: "{s} 秒后返回首页",
      login: "登录", username: "用户名", password: "密码", logout: "退出登录",
      choose_window: "请选择窗口", open_window: "在 {n} 号窗口上岗", window_n: "{n} 号窗口",
      close_window: "离开窗口", window_taken: "{staff} 在岗",
      call_next: "呼叫下一位", recall: "重呼", no_show: "过号", start: "开始办理", finish: "办结",
      transfer: "转移", hold: "挂起", resume: "恢复", pause: "暂停", unpause: "继续服务",
      call_specific: "指定叫号", ticket_number: "号码", call: "叫号",
      current: "当前号码", none_current: "当前没有号码", queue: "本窗口等候队列", held: "挂起的号码",
      wait: "已等候", priority: "优先", status: "状态", service: "事项", number: "号码",
      elapsed: "已用时", outcome: "办结类型", to_service: "转至事项", to_window: "转至窗口",
      hold_kind: "挂起类型", reason: "原因", confirm: "确定", empty_queue: "暂无等候",
      nothing_waiting: "没有等候的号码",
      "outcome.completed": "办结", "outcome.accepted": "受理（承诺件）", "outcome.needs_materials": "补正告知",
      "outcome.rejected": "不予受理", "outcome.consulted": "咨询",
      "hold.not_holding": "取材料（可到任一窗口）", "hold.holding": "材料留本窗口", "hold.waiting": "等待其他事项",
      "pause.meeting": "会议", "pause.break": "休息", "pause.consult": "业务咨询", "pause.equipment": "设备故障",
      "pause.other": "其他",
      "state.closed": "未开放", "state.idle": "空闲", "state.calling": "叫号中", "state.serving": "办理中",
      "state.paused": "暂停",
      "status.waiting": "等候中", "status.called": "已叫号", "status.serving": "办理中", "status.held": "已挂起",
      "status.finished": "已办结", "status.no_show": "已过号", "status.transferred": "已转办",
      "status.cancelled": "已取消",
      waiting_total: "等候人数", longest_wait: "最长等候", open_windows: "开放窗口", issued_today: "今日取号",
      served_today: "今日办结", satisfaction: "满意率", services: "事项", windows: "窗口", devices: "设备",
      alerts: "提醒", no_alerts: "暂无提醒", over_target: "超过目标", within_target: "正常", target: "目标",
      device: "设备", kind: "类型", state: "状态", last_error: "最近错误", reports: "报表",
      kpi_csv: "今日指标 CSV", kpi_xlsx: "本月指标 Excel", export_csv: "今日号票明细 CSV", public_results: "好差评公示",
      followups_overdue: "{n} 件差评整改已超期", alert_wait: "{service} 最长等候 {min} 分钟，超过目标 {target} 分钟",
      alert_device: "设备 {name} {state}", minutes: "{n} 分钟", staff_name: "工作人员",
      "kind.printer": "打印机", "kind.window_led": "窗口屏", "kind.evaluator": "评价器", "kind.caller": "呼叫器",
      "kind.frame_screen": "显示屏",
      "dev.ready": "正常", "dev.offline": "离线", "dev.error": "故障", "dev.unknown": "未知",
      your_position: "排队进度", called_to: "请到 {n} 号窗口办理", serving_at: "正在 {n} 号窗口办理",
      finished_thanks: "业务已办结", rate_prompt: "请对本次服务进行评价", rated_thanks: "感谢您的评价！",
      no_show_msg: "您的号码已过号，请到服务台咨询", transferred_msg: "您的业务已转办，请留意叫号",
      held_msg: "您的号码已挂起，准备好后请回到窗口", enable_alerts: "开启叫号提醒（声音、振动）",
      alerts_on: "叫号提醒已开启", submit: "提交评价", comment: "意见建议（选填）",
      choose_reasons: "请选择不满意的原因", "level.1": "非常满意", "level.2": "满意", "level.3": "基本满意",
      "level.4": "不满意", "level.5": "非常不满意", rating_closed: "评价期已过",
      charts: "统计图表", period: "统计期间（天）", chart_heatmap: "各时段日均取号（星期 × 小时）", hour: "时",
      arrivals_per_day: "日均取号", chart_sl: "服务达标率（按日）", chart_satisfaction: "各窗口满意率",
      chart_staff: "工作人员对比", served_today_label: "办结量", service_min: "平均办理时长（分钟）",
      chart_staffing: "今日所需窗口与在岗窗口（每半小时）", windows_needed: "所需窗口", windows_staffed: "在岗窗口",
      interval: "时段", understaffed: "窗口不足", no_staffing_needed: "今天这个星期几没有历史来号，无需开窗",
      followups: "差评整改", rating: "评价", due: "期限", work: "处理", no_followups: "暂无待办的差评整改",
      note: "处理说明", overdue: "已超期", "act.verify": "核实", "act.rectify": "整改完成", "act.revisit": "已回访",
      "act.close": "办结", "act.appeal": "申诉", "act.approve_appeal": "同意申诉", "act.reject_appeal": "驳回申诉",
      offline: "连接中断，正在重新连接…", error: "出错了",
    },
    en: {
      kiosk: "Take a number", staff: "Window console", manage: "Hall dashboard", phone: "My ticket", index: "Pages",
      screen: "Hall screen",
      switch_lang: "中文", large_text: "Large text", normal_text: "Normal text",
      choose_category: "Choose a category", choose_service: "Choose a service", back: "Back",
      all_services: "All services",
      waiting_n: "{n} waiting", est: "About {lo}–{hi} min", est_none: "No wait",
      closed: "Not issuing", cap_reached: "No more numbers today", hall_closed: "The hall is closed now",
      hours: "Opening hours: {hours}",
      priority_lane: "Priority lane (elderly, disabled, pregnant, service members)",
      priority_on: "Priority lane chosen",
      appointment: "Appointment check-in", appointment_code: "Appointment code", appointment_slot: "Time slot",
      appointment_hint: "Enter your appointment code and time slot, then choose the service",
      appointment_on: "Appointment: {code} {slot}",
      cancel: "Cancel", your_number: "Your number", ahead_n: "{n} ahead of you", done: "Done",
      print_pending: "Printing your ticket…", print_printed: "Please take your ticket",
      print_failed: "The ticket did not print. Please remember your number {number}",
      print_none: "This kiosk does not print. Please remember your number {number}",
      scan_hint: "Scan the QR code on the ticket to follow the queue on your phone",
      back_in: "Back to the start in {s} s",
      login: "Log in", username: "User name", password: "Password", logout: "Log out",
      choose_window: "Choose your window", open_window: "Work at window {n}", window_n: "Window {n}",
      close_window: "Leave the window", window_taken: "{staff} on duty",
      call_next: "Call next", recall: "Recall", no_show: "No-show", start: "Start", finish: "Finish",
      transfer: "Transfer", hold: "Hold", resume: "Resume", pause: "Pause", unpause: "Resume service",
      call_specific: "Call a number", ticket_number: "Number", call: "Call",
      current: "Current number", none_current: "No current number", queue: "Waiting for this window",
      held: "Held numbers", wait: "Waited", priority: "Priority", status: "Status", service: "Service",
      number: "Number", elapsed: "Elapsed", outcome: "Outcome", to_service: "To service", to_window: "To window",
      hold_kind: "Hold kind", reason: "Reason", confirm: "OK", empty_queue: "Nobody waiting",
      nothing_waiting: "Nobody is waiting",
      "outcome.completed": "Completed", "outcome.accepted": "Accepted (promised)",
      "outcome.needs_materials": "Needs materials", "outcome.rejected": "Rejected", "outcome.consulted": "Enquiry",
      "hold.not_holding": "Fetching documents (any window)", "hold.holding": "Documents kept here",
      "hold.waiting": "Waiting on another matter",
      "pause.meeting": "Meeting", "pause.break": "Break", "pause.consult": "Consultation",
      "pause.equipment": "Equipment fault", "pause.other": "Other",
      "state.closed": "Closed", "state.idle": "Idle", "state.calling": "Calling", "state.serving": "Serving",
      "state.paused": "Paused",
      "status.waiting": "Waiting", "status.called": "Called", "status.serving": "Being served", "status.held": "Held",
      "status.finished": "Finished", "status.no_show": "No-show", "status.transferred": "Transferred",
      "status.cancelled": "Cancelled",
      waiting_total: "Waiting", longest_wait: "Longest wait", open_windows: "Open windows",
      issued_today: "Issued today", served_today: "Served today", satisfaction: "Satisfaction",
      services: "Services", windows: "Windows", devices: "Devices", alerts: "Alerts", no_alerts: "No alerts",
      over_target: "Over target", within_target: "OK", target: "Target", device: "Device", kind: "Kind",
      state: "State", last_error: "Last error", reports: "Reports", kpi_csv: "Today's KPIs (CSV)",
      kpi_xlsx: "This month's KPIs (Excel)", export_csv: "Today's tickets (CSV)", public_results: "Public ratings",
      followups_overdue: "{n} bad-rating follow-ups overdue",
      alert_wait: "{service}: longest wait {min} min, over the {target} min target",
      alert_device: "Device {name} is {state}", minutes: "{n} min", staff_name: "Staff",
      "kind.printer": "Printer", "kind.window_led": "Window LED", "kind.evaluator": "Evaluator",
      "kind.caller": "Caller", "kind.frame_screen": "Screen",
      "dev.ready": "ready", "dev.offline": "offline", "dev.error": "in error", "dev.unknown": "unknown",
      your_position: "Your place in the queue", called_to: "Please go to window {n}",
      serving_at: "Being served at window {n}", finished_thanks: "Service finished",
      rate_prompt: "Please rate this service", rated_thanks: "Thank you for your rating!",
      no_show_msg: "Your number was skipped. Please ask at the service desk",
      transferred_msg: "Your matter was transferred. Please listen for your number",
      held_msg: "Your number is on hold. Come back to the window when you are ready",
      enable_alerts: "Turn on call alerts (sound, vibration)", alerts_on: "Call alerts are on",
      submit: "Submit", comment: "Comments (optional)", choose_reasons: "What went wrong?",
      "level.1": "Very satisfied", "level.2": "Satisfied", "level.3": "Fair", "level.4": "Dissatisfied",
      "level.5": "Very dissatisfied", rating_closed: "Rating is closed",
      charts: "Charts", period: "Period (days)", chart_heatmap: "Tickets per day by weekday × hour", hour: "hour",
      arrivals_per_day: "Tickets per day", chart_sl: "Service level by day", chart_satisfaction: "Satisfaction by window",
      chart_staff: "Staff comparison", served_today_label: "Served", service_min: "Mean service time (min)",
      chart_staffing: "Windows needed and staffed today (per 30 min)", windows_needed: "Needed",
      windows_staffed: "Staffed", interval: "From", understaffed: "Understaffed",
      no_staffing_needed: "No history for this weekday: no windows needed",
      followups: "Bad-rating follow-ups", rating: "Rating", due: "Due", work: "Action",
      no_followups: "No open follow-ups", note: "Note", overdue: "Overdue", "act.verify": "Verified",
      "act.rectify": "Rectified", "act.revisit": "Revisited", "act.close": "Close", "act.appeal": "Appeal",
      "act.approve_appeal": "Approve appeal", "act.reject_appeal": "Reject appeal",
      offline: "Connection lost, reconnecting…", error: "Error",
    },
  };

  const data = JSON.parse(document.getElementById("page-data").textContent);
  const langListeners = [];
  let csrf = null;  // the session's CSRF token, sent on every POST made with the session cookie
  let lang = localStorage.getItem("hallctl.lang") === "en" ? "en" : "zh";

  function t(key, vars = {}) {
    let text = STRINGS[lang][key] ?? STRINGS.zh[key] ?? key;
    for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value));
    return text;
  }

  function applyLang() {
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
    document.querySelectorAll("[data-t-label]").forEach((node) => { node.setAttribute("aria-label", t(node.dataset.tLabel)); });
    document.querySelector("button.lang").textContent = t("switch_lang");
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

  class ApiFailure extends Error {
    constructor(status, body) {
      super(body?.error?.message || `HTTP ${status}`);
      this.status = status;
      this.code = body?.error?.code;
    }
  }

  /** Call the hall API; resolves to the JSON body (or null for 204), throws ApiFailure on 4xx/5xx. */
  async function api(method, path, body, options = {}) {
    const headers = { Accept: "application/json" };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    else if (csrf && method !== "GET") headers["X-CSRF-Token"] = csrf;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const reply = await fetch(`/api/v1${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin",
    });
    const text = await reply.text();
    const parsed = text ? JSON.parse(text) : null;
    if (!reply.ok) throw new ApiFailure(reply.status, parsed);
    return parsed;
  }

  /**
   * Join a Socket.IO room; ``onSnapshot`` gets the full state on every (re)connect, ``onEvent`` each delta.
   * A page that lost its connection shows a banner until it is back.
   */
  function live(room, auth, onSnapshot, onEvent) {
    const socket = io({ auth, transports: ["websocket"] });
    socket.on("connect", () => {
      toast(null);
      socket.emit("join", { room }, (reply) => { if (reply && !reply.ok) toast(reply.error); });
    });
    socket.on("disconnect", () => toast(t("offline")));
    socket.on("connect_error", () => toast(t("offline")));
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

  /** A failed action: the server's message, shown to the user (never swallowed). */
  function failed(error) {
    toast(`${t("error")}: ${error.message}`);
    setTimeout(() => { if (document.querySelector(".toast").textContent.includes(error.message)) toast(null); }, 6000);
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
          failed(error);
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
    data, t, name, serviceName, onLang, api, ApiFailure, live, debounce, el, toast, failed, clockText, since,
    deviceToken,
    estimateText, login, get lang() { return lang; },
  };
})();

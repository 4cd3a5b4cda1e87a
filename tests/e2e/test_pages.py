"""The pages people touch, driven as a user would in Debian's headless Chromium against a served hall.

Every test also fails on any console error or uncaught exception on its pages (the ``pages`` fixture).
"""

import re
from datetime import date, timedelta

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.served import logged_in

KIOSK_POST = re.compile(r".*/api/v1/tickets$")


def kiosk_url(served) -> str:
    return f"/kiosk/k1?token={served.kiosk_token}"


def take_ticket(kiosk, service: str) -> dict:
    """Tap a service on the kiosk; returns the ticket the server issued."""
    with kiosk.expect_response(lambda r: KIOSK_POST.match(r.url) and r.request.method == "POST") as reply:
        kiosk.click(f"button[data-service={service}]")
    assert reply.value.status == 201, reply.value.text()
    return reply.value.json()


def issue(served, service="SB", **body) -> dict:
    reply = requests.post(
        f"{served.url}/api/v1/tickets",
        json={"service": service, **body},
        headers={"Authorization": f"Bearer {served.kiosk_token}"},
        timeout=5,
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def open_console(pages, window: int, user="staff1"):
    console = pages.open("/staff")
    pages.log_in(console, user)
    console.click(f"button[data-window='{window}']")
    expect(console.locator(".window-title")).to_have_text(f"{window} 号窗口")
    return console


def open_dashboard(pages, user="manager"):
    dashboard = pages.open("/manage")
    pages.log_in(dashboard, user)
    expect(dashboard.locator(".dashboard")).to_be_visible()
    return dashboard


def tile(page, name: str):
    return page.locator(f"[data-tile={name}]")


def test_a_ticket_goes_from_kiosk_to_console_to_phone_and_its_bad_rating_is_followed_up(pages, served):
    dashboard = open_dashboard(pages)
    expect(tile(dashboard, "waiting")).to_have_text("0")

    kiosk = pages.open(kiosk_url(served), viewport=(1080, 1920))
    expect(kiosk.locator("button[data-service=SB]")).to_contain_text("等候 0 人")
    pages.screenshot(kiosk, "kiosk-portrait")
    ticket = take_ticket(kiosk, "SB")
    expect(kiosk.locator(".ticket-number")).to_have_text("A001")
    expect(kiosk.locator(".confirm .ahead")).to_have_text("前面还有 0 人")
    expect(kiosk.locator(".confirm .print")).to_have_text("请取走号票")
    assert "A001" in served.printer.wait_for_tickets(1)[0].text
    pages.screenshot(kiosk, "kiosk-ticket")
    expect(tile(dashboard, "waiting")).to_have_text("1")
    expect(tile(dashboard, "issued")).to_have_text("1")

    console = open_console(pages, 1)
    expect(console.locator(".queue tbody tr").first).to_contain_text("A001")
    phone = pages.open(f"/t/{ticket['id']}?token={ticket['track_token']}", viewport=(390, 844), is_mobile=True)
    expect(phone.locator(".status")).to_have_text("等候中")
    expect(phone.locator(".detail")).to_have_text("前面还有 0 人")

    console.keyboard.press("n")  # the call-next shortcut
    expect(console.locator(".current-number")).to_have_text("A001")
    expect(console.locator("[data-action=recall]")).to_be_enabled()
    expect(console.locator("[data-action=finish]")).to_be_disabled()
    expect(phone.locator(".status")).to_have_text("请到 1 号窗口办理")
    pages.screenshot(phone, "phone-called")
    expect(tile(dashboard, "waiting")).to_have_text("0")
    expect(dashboard.locator(".win[data-window='1']")).to_contain_text("A001")

    console.click("[data-action=start]")
    expect(console.locator(".current-service")).to_have_text("社保医保 · 办理中")
    pages.screenshot(console, "staff-console")
    console.select_option("select[name=outcome]", "completed")
    console.click("[data-action=finish]")
    expect(console.locator(".current-number")).to_have_text("—")
    expect(tile(dashboard, "served")).to_have_text("1")

    expect(phone.locator(".rate")).to_be_visible()
    phone.click("button[data-level='5']")
    phone.check("input[name=reason][value=态度不好]")
    phone.fill("textarea[name=comment]", "等了很久，窗口态度差")
    pages.screenshot(phone, "phone-rating")
    phone.click(".rating button[type=submit]")
    expect(phone.locator(".rated")).to_be_visible()
    expect(phone.locator(".rate")).to_be_hidden()

    case = dashboard.locator(".followups tbody tr[data-case]")
    expect(case).to_contain_text("A001")
    expect(case).to_contain_text("非常不满意：态度不好")
    expect(tile(dashboard, "satisfaction")).to_have_text("0.0%")
    pages.screenshot(dashboard, "dashboard")
    for action, state in (("verify", "待整改"), ("rectify", "待回访"), ("revisit", "已回访")):
        case.locator("input[name=note]").fill(f"{action} 已处理")
        case.locator(f"button[data-action={action}]").click()
        expect(case.locator(".case-state")).to_have_text(state)
    case.locator("button[data-action=close]").click()
    expect(dashboard.locator(".followups tbody")).to_contain_text("暂无待办的差评整改")
    closed = (
        logged_in(served.url, "manager", PASSWORD).get(f"{served.url}/api/v1/followups?state=closed", timeout=5).json()
    )
    assert [(c["number"], [s["action"] for s in c["steps"]]) for c in closed] == [
        ("A001", ["verify", "rectify", "revisit", "close"])
    ]

    results = pages.open("/results")
    by_service = results.locator("table").first.locator("tbody tr", has_text="社保医保")
    expect(by_service.locator("td")).to_have_text(["社保医保", "1", "0.0%", "1", "1"])


def test_a_ticket_taken_while_the_printer_is_out_of_paper_asks_the_citizen_to_remember_the_number(pages, served):
    served.printer.paper_out = True
    kiosk = pages.open(kiosk_url(served), viewport=(1920, 1080))
    take_ticket(kiosk, "GJJ")
    expect(kiosk.locator(".confirm .print")).to_have_text("号票未能打印，请记住您的号码 B001")
    expect(kiosk.locator(".confirm .print")).to_have_attribute("data-status", "failed")
    assert served.printer.tickets == []
    pages.screenshot(kiosk, "kiosk-paper-out")


def test_the_kiosk_offers_the_priority_lane_and_appointment_check_in(pages, served):
    kiosk = pages.open(kiosk_url(served))
    kiosk.click("button.priority")
    expect(kiosk.locator("button.priority")).to_have_attribute("aria-pressed", "true")
    assert take_ticket(kiosk, "SB")["priority"] == "green"
    kiosk.click("button.done")
    expect(kiosk.locator("button.priority")).to_have_attribute("aria-pressed", "false")

    kiosk.click("button.appointment-open")
    kiosk.fill("input[name=code]", "YY20261122-07")
    kiosk.click(".appointment-form button[type=submit]")
    expect(kiosk.locator(".appointment-on")).to_contain_text("YY20261122-07")
    ticket = take_ticket(kiosk, "GJJ")
    view = requests.get(f"{served.url}/api/v1/tickets/{ticket['id']}?token={ticket['track_token']}", timeout=5).json()
    assert ticket["number"] == "B001" and view["status"] == "waiting"
    with served.hall.uow(write=False) as uow:
        assert uow.tickets.get(ticket["id"]).appointment_code == "YY20261122-07"


def test_the_kiosk_says_when_a_service_has_no_numbers_left_and_goes_back_to_the_start_when_idle(pages, served):
    for _ in range(3):
        issue(served, "BDC")  # the test hall caps 不动产登记 at 3 a day
    kiosk = pages.open(kiosk_url(served))
    kiosk.clock.install()
    expect(kiosk.locator("button[data-service=BDC]")).to_be_disabled()
    expect(kiosk.locator("button[data-service=BDC]")).to_contain_text("今日号已取完")
    kiosk.click("button.size")
    expect(kiosk.locator("body")).to_have_class(re.compile("large"))
    take_ticket(kiosk, "SB")
    expect(kiosk.locator(".confirm")).to_be_visible()
    kiosk.clock.fast_forward("00:25")
    expect(kiosk.locator(".confirm")).to_be_hidden()
    expect(kiosk.locator("section.start")).to_be_visible()
    expect(kiosk.locator("body")).not_to_have_class(re.compile("large"))


@pytest.mark.parametrize("served", ["closed"], indirect=True)
def test_the_kiosk_outside_opening_hours_says_the_hall_is_closed(pages, served):
    kiosk = pages.open(kiosk_url(served))
    expect(kiosk.locator(".hours-notice")).to_contain_text("当前不在办理时间")
    expect(kiosk.locator(".hours-notice")).to_contain_text(served.hall.config.hall.hours[0])
    expect(kiosk.locator("button[data-service=SB]")).to_be_disabled()


def test_the_console_disables_what_the_window_cannot_do_and_works_transfer_hold_and_pause(pages, served):
    issue(served, "SB")
    issue(served, "SB")
    console = open_console(pages, 1)
    for action in ("recall", "no-show", "start", "finish", "transfer", "hold"):
        expect(console.locator(f"[data-action={action}]")).to_be_disabled()
    expect(console.locator("[data-action=unpause]")).to_be_hidden()
    for action in ("call", "pause", "logout"):
        expect(console.locator(f"[data-action={action}]")).to_be_enabled()
    expect(console.locator(".queue-count")).to_have_text("2")

    console.click("[data-action=call]")
    expect(console.locator(".current-number")).to_have_text("A001")
    expect(console.locator("[data-action=call]")).to_be_disabled()
    expect(console.locator("[data-action=pause]")).to_be_disabled()
    console.select_option("select[name=transfer]", "service:GJJ")
    console.click("[data-action=transfer]")
    expect(console.locator(".current-number")).to_have_text("—")
    expect(console.locator(".queue tbody")).to_contain_text(
        "公积金"
    )  # window 1 serves 公积金 too; the number stays A001

    console.fill("input[name=number]", "a002")
    console.press("input[name=number]", "Enter")
    expect(console.locator(".current-number")).to_have_text("A002")
    console.keyboard.press("s")
    expect(console.locator("[data-action=hold]")).to_be_enabled()
    console.select_option("select[name=hold]", "holding")
    console.click("[data-action=hold]")
    held = console.locator(".held tbody tr")
    expect(held).to_contain_text("材料留本窗口")
    held.locator("button").click()
    expect(console.locator(".held tbody tr")).to_have_count(0)
    expect(console.locator(".queue tbody")).to_contain_text("A002")

    console.select_option("select[name=pause]", "meeting")
    console.keyboard.press("p")
    expect(console.locator(".window-state")).to_have_text("暂停 (会议)")
    expect(console.locator("[data-action=call]")).to_be_disabled()
    expect(console.locator("[data-action=pause]")).to_be_hidden()
    console.click("[data-action=unpause]")
    expect(console.locator(".window-state")).to_have_text("空闲")
    console.click("[data-action=logout]")
    expect(console.locator(".pick")).to_be_visible()


def test_the_dashboard_alerts_when_a_device_goes_offline(pages, served):
    dashboard = open_dashboard(pages)
    expect(dashboard.locator(".devices tr[data-device=printer-k1]")).to_contain_text("正常")
    served.printer.unplug()
    expect(dashboard.locator(".alerts")).to_contain_text("设备 printer-k1 离线")
    expect(dashboard.locator(".devices tr[data-device=printer-k1]")).to_contain_text("离线")


def test_every_page_switches_to_english_and_remembers_it(pages, served):
    ticket = issue(served, "SB")
    kiosk = pages.open(kiosk_url(served))
    kiosk.click("button.lang")
    expect(kiosk.locator("h1 [data-t]")).to_have_text("Take a number")
    expect(kiosk.locator("button[data-service=SB] .tile-name")).to_have_text("Social insurance")
    expect(kiosk.locator("button[data-service=SB]")).to_contain_text("1 waiting")
    kiosk.reload()
    expect(kiosk.locator("html")).to_have_attribute("lang", "en")
    pages.screenshot(kiosk, "kiosk-en")

    console = pages.open("/staff", lang="en")
    pages.log_in(console, "staff1")
    console.click("button[data-window='1']")
    expect(console.locator(".window-title")).to_have_text("Window 1")
    expect(console.locator("[data-action=call]")).to_contain_text("Call next")
    expect(console.locator(".queue tbody")).to_contain_text("Social insurance")

    dashboard = pages.open("/manage", lang="en")
    pages.log_in(dashboard, "manager")
    expect(dashboard.locator("h1 [data-t]")).to_have_text("Hall dashboard")
    expect(tile(dashboard, "waiting")).to_have_text("1")
    expect(dashboard.locator(".services tbody")).to_contain_text("Social insurance")

    phone = pages.open(f"/t/{ticket['id']}?token={ticket['track_token']}", lang="en", viewport=(390, 844))
    expect(phone.locator(".status")).to_have_text("Waiting")
    expect(phone.locator(".detail")).to_have_text("0 ahead of you")
    expect(phone.locator(".alerts-on")).to_have_text("Turn on call alerts (sound, vibration)")


def test_the_phone_page_with_a_wrong_token_says_so(pages, served):
    ticket = issue(served, "SB")
    phone = pages.open(f"/t/{ticket['id']}?token=forged")
    expect(phone.locator(".toast")).to_contain_text("no ticket")
    assert pages.errors and all("404" in error for error in pages.errors)  # Chromium logs the refused request
    pages.errors.clear()


def test_the_phone_page_follows_its_place_in_the_queue_live(pages, served):
    issue(served, "SB")
    second = issue(served, "SB")
    phone = pages.open(f"/t/{second['id']}?token={second['track_token']}", viewport=(390, 844))
    expect(phone.locator(".detail")).to_have_text("前面还有 1 人")
    staff = logged_in(served.url, "staff1", PASSWORD)
    staff.post(f"{served.url}/api/v1/windows/1/login", json={}, timeout=5).raise_for_status()
    staff.post(f"{served.url}/api/v1/windows/1/call", json={}, timeout=5).raise_for_status()
    expect(phone.locator(".detail")).to_have_text("前面还有 0 人")


def test_every_control_on_every_page_is_a_tap_target_of_at_least_48_px(pages, served):
    ticket = issue(served, "SB")
    checked = {}
    for path in (kiosk_url(served), "/staff", f"/t/{ticket['id']}?token={ticket['track_token']}", "/manage"):
        page = pages.open(path)
        if path in ("/staff", "/manage"):
            pages.log_in(page, "staff1" if path == "/staff" else "manager")
        if path == "/staff":
            page.click("button[data-window='1']")
            expect(page.locator(".queue-count")).to_have_text("1")
        page.wait_for_selector("button:not(.lang) >> visible=true")
        small = page.evaluate("""() => [...document.querySelectorAll("button, a, input, select, textarea")]
            .filter((node) => node.offsetParent !== null)
            .map((node) => node.type === "checkbox" ? node.closest("label") : node)
            .filter((node) => { const box = node.getBoundingClientRect(); return box.height < 48 || box.width < 48; })
            .map((node) => node.outerHTML.slice(0, 80))""")
        checked[path.split("?")[0]] = small
    assert checked == {path: [] for path in checked}


def test_the_dashboard_draws_the_report_charts_from_the_hall_history(pages, served):
    from hallctl.reports.seed import seed

    seed(served.hall, days=14, per_service_day=30)
    dashboard = open_dashboard(pages)
    dashboard.wait_for_function("() => Charts.results !== null")
    drawn = dashboard.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.chart')].map(
        (node) => [node.dataset.chart, echarts.getInstanceByDom(node).getOption().series.map((s) => s.data)]))""")
    day = dashboard.evaluate("() => document.querySelector('.links a').href.match(/to=([0-9-]+)/)[1]")
    manager = logged_in(served.url, "manager", PASSWORD)

    def report(path):
        return manager.get(f"{served.url}/api/v1{path}", timeout=10).json()

    first = (date.fromisoformat(day) - timedelta(days=29)).isoformat()
    heat = report(f"/reports/heatmap?from={first}&to={day}")
    assert len(heat["cells"]) > 20
    assert [cell[2] for cell in drawn["heatmap"][0]] == [c["arrivals_per_day"] for c in heat["cells"]]
    by_day = report(f"/reports/kpis?from={first}&to={day}&by=day")["rows"]
    assert drawn["sl"][0] == [r["sl_pct"] for r in by_day] and len(by_day) >= 10  # the days the hall worked
    by_window = [r for r in report(f"/reports/kpis?from={first}&to={day}&by=window")["rows"] if r["key"]]
    assert drawn["satisfaction"][0] == [r["satisfaction_pct"] for r in by_window]
    by_staff = [r for r in report(f"/reports/kpis?from={first}&to={day}&by=staff")["rows"] if r["key"]]
    assert drawn["staff"][0] == [r["served"] for r in by_staff]
    weekday = date.fromisoformat(day).isoweekday()
    plan = report(f"/reports/staffing?from={first}&to={day}&weekday={weekday}&day={day}")["intervals"]
    assert drawn["staffing"][0] == [i["needed"] for i in plan if i["needed"] or i["staffed"]]
    table = dashboard.locator("table.staffing tbody tr")
    opened = [i for i in plan if i["needed"] or i["staffed"]]
    if opened:
        expect(table).to_have_count(len(opened))
        expect(table.first.locator("td").first).to_have_text(opened[0]["start"])
    else:
        expect(table).to_have_text("今天这个星期几没有历史来号，无需开窗")
    dashboard.locator(".charts").screenshot(path=str(SCREENSHOTS / "dashboard-charts.png"))

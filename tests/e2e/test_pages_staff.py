"""The staff's pages, driven in Debian's headless Chromium against a served hall.

The window console's controls and actions, and the manager's dashboard: device alerts and the report charts.

Every test also fails on any console error or uncaught exception on its pages (the ``pages`` fixture).
"""

from datetime import date, timedelta

import requests
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers.pages import issue, open_console, open_dashboard
from tests.e2e.served import logged_in


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
    expect(console.locator(".window-state")).to_have_text("暂停服务 (会议)")
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


def test_finish_transfer_and_pause_each_need_their_own_choice_so_a_key_never_records_the_last_one(pages, served):
    first, second = issue(served, "SB"), issue(served, "SB")
    console = open_console(pages, 1)
    console.keyboard.press("n")
    expect(console.locator(".current-number")).to_have_text("A001")
    console.keyboard.press("s")
    expect(console.locator(".current-service")).to_have_text("社保医保 · 办理中")
    console.select_option("select[name=outcome]", "rejected")
    console.keyboard.press("f")
    expect(console.locator(".current-number")).to_have_text("—")

    console.keyboard.press("n")
    expect(console.locator(".current-number")).to_have_text("A002")
    console.keyboard.press("s")
    expect(console.locator(".current-service")).to_have_text("社保医保 · 办理中")
    expect(console.locator("select[name=outcome]")).to_have_value("")  # nothing carried over from A001
    console.keyboard.press("f")
    expect(console.locator(".toast")).to_have_text("请先选择办结类型，再按办结")
    expect(console.locator("select[name=outcome]")).to_be_focused()
    expect(console.locator(".current-number")).to_have_text("A002")  # not finished
    console.select_option("select[name=outcome]", "completed")
    expect(console.locator("select[name=transfer] option[value='service:SB']")).to_have_count(0)  # its own
    console.click("[data-action=transfer]")
    expect(console.locator(".toast")).to_have_text("请先选择转至的事项或窗口")
    expect(console.locator("select[name=transfer]")).to_be_focused()
    console.click("[data-action=finish]")  # the clerk finishes instead
    expect(console.locator(".current-number")).to_have_text("—")

    console.keyboard.press("p")  # no reason chosen: the window is not paused for one it never gave
    expect(console.locator(".toast")).to_have_text("请先选择暂停原因")
    expect(console.locator(".window-state")).to_have_text("空闲")
    with served.hall.uow(write=False) as uow:
        assert [uow.tickets.get(t["id"]).outcome for t in (first, second)] == ["rejected", "completed"]


def test_no_show_and_resume_say_what_became_of_the_ticket(pages, served):
    issue(served, "SB")
    issue(served, "SB")
    console = open_console(pages, 1)
    console.keyboard.press("n")
    expect(console.locator(".current-number")).to_have_text("A001")
    console.keyboard.press("x")
    expect(console.locator(".toast")).to_have_text("A001 已过号，本号作废")  # the test hall does not requeue
    expect(console.locator(".current-number")).to_have_text("—")
    expect(console.locator("[data-action=call]")).to_be_enabled()

    console.keyboard.press("n")
    expect(console.locator(".current-number")).to_have_text("A002")
    console.keyboard.press("s")
    expect(console.locator("[data-action=hold]")).to_be_enabled()
    console.click("[data-action=hold]")
    console.locator(".held tbody tr button").click()
    expect(console.locator(".toast")).to_have_text("A002 已恢复，回到等候队列")
    expect(console.locator(".queue tbody")).to_contain_text("A002")


def test_a_note_being_typed_on_a_follow_up_survives_the_dashboard_redrawing_for_a_hall_event(pages, served):
    ticket = issue(served, "SB")
    staff = logged_in(served.url, "staff1", PASSWORD)
    for action in ("login", "call", "start", "finish"):
        staff.post(f"{served.url}/api/v1/windows/1/{action}", json={}, timeout=5).raise_for_status()
    url = f"{served.url}/api/v1/tickets/{ticket['id']}/rating"
    rating = {"level": 5, "reasons": ["态度不好"]}
    requests.post(url, params={"token": ticket["track_token"]}, json=rating, timeout=5).raise_for_status()
    dashboard = open_dashboard(pages)
    note = dashboard.locator(".followups tbody tr[data-case] input[name=note]")
    note.fill("窗口已核实")
    expect(dashboard.locator("[data-tile=waiting]")).to_have_text("0")
    issue(served, "SB")  # a hall event: the dashboard draws itself again
    expect(dashboard.locator("[data-tile=waiting]")).to_have_text("1")
    expect(note).to_have_value("窗口已核实")
    expect(note).to_be_focused()

"""The pages together, driven as a user would in Debian's headless Chromium against a served hall.

A ticket's whole journey from the kiosk to the console, the phone and the dashboard's follow-up; English on every
page; every control a tap target.

Every test also fails on any console error or uncaught exception on its pages (the ``pages`` fixture).
"""

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.helpers.pages import issue, kiosk_url, open_console, open_dashboard, take_ticket
from tests.e2e.served import logged_in


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

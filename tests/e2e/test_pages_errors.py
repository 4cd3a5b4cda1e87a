"""Errors on the pages, driven in Debian's headless Chromium against a served hall: each page shows the label
catalogue's message for the error's code, written for the person in front of it, in the page's language; never
the API's developer text; and the next success clears it.

Every test also fails on any console error or uncaught exception on its pages (the ``pages`` fixture), except
the refused requests Chromium logs, which each test checks and clears.
"""

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.helpers.pages import KIOSK_POST, issue, open_console, open_dashboard
from tests.e2e.served import logged_in

ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def catalogue(served, lang: str) -> dict:
    """The served hall's label catalogue in ``lang``, as ``GET /api/v1/labels`` has it."""
    reply = requests.get(f"{served.url}/api/v1/labels", params={"lang": lang}, timeout=5)
    reply.raise_for_status()
    return reply.json()


def message(served, lang: str, code: str, place: str) -> str:
    """The catalogue's message for ``code`` as ``place`` shows it."""
    entry = catalogue(served, lang)["errors"][code]
    return entry.get(place, entry["message"])


def shown_in_chinese(page) -> str:
    """The error the page shows: checked to hold no ASCII words (no developer text), and returned."""
    toast = page.locator(".toast")
    expect(toast).to_be_visible()
    text = toast.inner_text()
    assert not ASCII_WORD.search(text), text
    return text


def refused_requests_only(pages, status: str) -> None:
    """Chromium logs each refused request as a console error: check those are all, then forget them."""
    assert pages.errors and all(status in error for error in pages.errors), pages.errors
    pages.errors.clear()


def test_a_wrong_password_on_the_console_says_so_in_chinese_then_english_and_a_good_one_clears_it(pages, served):
    console = pages.open("/staff")
    console.fill("input[name=username]", "staff1")
    console.fill("input[name=password]", "not-the-password")
    console.click("form.login button[type=submit]")
    expect(console.locator(".toast")).to_have_text(message(served, "zh", "forbidden", "login"))
    assert shown_in_chinese(console) == "用户名或密码错误，请重新输入"
    console.click("button.lang")
    expect(console.locator(".toast")).to_have_text("Wrong user name or password. Please try again.")
    console.click("button.lang")
    console.fill("input[name=password]", PASSWORD)
    console.click("form.login button[type=submit]")
    expect(console.locator(".pick")).to_be_visible()
    expect(console.locator(".toast")).to_be_hidden()
    refused_requests_only(pages, "403")


@pytest.mark.parametrize("token", [None, "not-a-kiosk-token"], ids=["no token", "a wrong token"])
def test_a_kiosk_without_a_valid_token_says_it_is_not_activated(pages, served, token):
    kiosk = pages.open("/kiosk/k1" + (f"?token={token}" if token else ""), viewport=(1080, 1920))
    with kiosk.expect_response(lambda r: KIOSK_POST.match(r.url) and r.request.method == "POST") as reply:
        kiosk.click("button[data-service=SB]")
    assert reply.value.status == 401
    expect(kiosk.locator(".toast")).to_have_text(message(served, "zh", "unauthenticated", "kiosk"))
    assert shown_in_chinese(kiosk).startswith("本机未激活，请联系工作人员")
    kiosk.click("button.lang")
    expect(kiosk.locator(".toast")).to_have_text("This kiosk is not activated. Please ask staff to set it up.")
    refused_requests_only(pages, "401")


def test_a_phone_page_with_a_wrong_token_asks_to_scan_the_ticket_again(pages, served):
    ticket = issue(served, "SB")
    phone = pages.open(f"/t/{ticket['id']}?token=forged", viewport=(360, 640))
    expect(phone.locator(".toast")).to_have_text(message(served, "zh", "not_found", "phone"))
    assert shown_in_chinese(phone) == "没有找到这张号票，请重新扫描号票上的二维码"
    phone.click("button.lang")
    expect(phone.locator(".toast")).to_have_text(
        "This ticket was not found. Please scan the QR code on your ticket again."
    )
    refused_requests_only(pages, "404")


def test_a_page_opened_in_english_shows_the_english_message(pages, served):
    kiosk = pages.open("/kiosk/k1", viewport=(1080, 1920), lang="en")
    kiosk.click("button[data-service=SB]")
    expect(kiosk.locator(".toast")).to_have_text(message(served, "en", "unauthenticated", "kiosk"))
    refused_requests_only(pages, "401")


def test_a_console_error_names_the_problem_for_staff_and_the_next_success_clears_it(pages, served):
    issue(served, "SB")
    console = open_console(pages, 1)
    console.fill("input[name=number]", "A999")
    console.press("input[name=number]", "Enter")
    expect(console.locator(".toast")).to_have_text(message(served, "zh", "not_found", "staff"))
    shown_in_chinese(console)
    console.click("[data-action=call]")
    expect(console.locator(".current-number")).to_have_text("A001")
    expect(console.locator(".toast")).to_be_hidden()
    refused_requests_only(pages, "404")


def test_the_console_shows_states_and_reasons_by_the_catalogue_s_names(pages, served):
    issue(served, "SB")
    console = open_console(pages, 1)
    names = catalogue(served, "zh")
    console.select_option("select[name=pause]", "meeting")
    console.click("[data-action=pause]")
    paused = f"{names['window_state']['paused']} ({names['pause_reason']['meeting']})"
    expect(console.locator(".window-state")).to_have_text(paused)
    console.click("button.lang")
    english = catalogue(served, "en")
    expect(console.locator(".window-state")).to_have_text(
        f"{english['window_state']['paused']} ({english['pause_reason']['meeting']})"
    )
    expect(console.locator("select[name=outcome] option[value=needs_materials]")).to_have_text(
        english["outcome"]["needs_materials"]
    )


def test_a_hall_screen_with_a_wrong_token_says_it_is_not_activated(pages, served):
    screen = pages.open("/screen?token=not-a-display-token", viewport=(1920, 1080))
    expect(screen.locator(".toast")).to_have_text(message(served, "zh", "unauthenticated", "screen"))
    assert shown_in_chinese(screen) == "本屏未激活，请联系工作人员"  # the Socket.IO connection was refused


def test_a_manager_approving_their_own_appeal_is_told_another_manager_must_review_it(pages, served):
    ticket = issue(served, "SB")
    staff = logged_in(served.url, "staff1", PASSWORD)
    for action in ("login", "call", "start", "finish"):
        staff.post(f"{served.url}/api/v1/windows/1/{action}", json={}, timeout=5).raise_for_status()
    rating = {"level": 5, "reasons": ["态度不好"]}
    url = f"{served.url}/api/v1/tickets/{ticket['id']}/rating"
    requests.post(url, params={"token": ticket["track_token"]}, json=rating, timeout=5).raise_for_status()
    dashboard = open_dashboard(pages)
    case = dashboard.locator(".followups tbody tr[data-case]")
    case.locator("input[name=note]").fill("窗口已核实：当时在等材料")
    case.locator("button[data-action=appeal]").click()
    expect(case.locator(".case-state")).to_have_text(catalogue(served, "zh")["followup_state"]["appealed"])
    case.locator("button[data-action=approve_appeal]").click()
    expect(dashboard.locator(".toast")).to_have_text(message(served, "zh", "forbidden", "manage"))
    shown_in_chinese(dashboard)
    dashboard.click("button.lang")
    expect(dashboard.locator(".toast")).to_have_text(message(served, "en", "forbidden", "manage"))
    expect(case.locator(".case-state")).to_have_text("Appeal under review")
    refused_requests_only(pages, "403")

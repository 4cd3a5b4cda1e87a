"""The pages a citizen touches, driven in Debian's headless Chromium against a served hall.

The kiosk (paper out, the priority lane, appointments, numbers used up, closing hours) and the phone page.

Every test also fails on any console error or uncaught exception on its pages (the ``pages`` fixture).
"""

import re
import shutil

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import Pages, ServedHall
from tests.e2e.helpers.pages import KIOSK_POST, issue, kiosk_url, take_ticket
from tests.e2e.served import logged_in
from tests.storage import fill, small_disk


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


def test_the_phone_page_with_a_wrong_token_says_so(pages, served):
    ticket = issue(served, "SB")
    phone = pages.open(f"/t/{ticket['id']}?token=forged")
    expect(phone.locator(".toast")).to_have_text("没有找到这张号票，请重新扫描号票上的二维码")
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


def test_a_kiosk_on_a_full_disk_asks_citizens_to_see_staff_and_comes_back_when_there_is_room(
    browser, tmp_path, migrated_template
):
    with small_disk(tmp_path / "disk") as disk:
        shutil.copy(migrated_template, disk / "hall.db")
        served = ServedHall(f"sqlite:///{disk}/hall.db", tmp_path)
        pages = Pages(browser, served.url)
        try:
            kiosk = pages.open(kiosk_url(served))
            expect(kiosk.locator("button[data-service=SB]")).to_be_enabled()
            filler = fill(disk)
            with kiosk.expect_response(lambda r: KIOSK_POST.match(r.url) and r.request.method == "POST") as reply:
                kiosk.click("button[data-service=SB]")
            assert reply.value.status == 503
            assert reply.value.json()["error"]["code"] == "storage_full"
            refused = kiosk.locator("section.out-of-service")
            expect(refused).to_be_visible()
            expect(refused).to_contain_text("本机暂停取号")
            expect(refused).to_contain_text("请联系工作人员")
            expect(kiosk.locator("section.start")).to_be_hidden()
            pages.screenshot(kiosk, "kiosk-storage-full")
            filler.unlink()
            expect(kiosk.locator("section.start")).to_be_visible(timeout=20_000)
            expect(refused).to_be_hidden()
            assert take_ticket(kiosk, "SB")["number"] == "A001"  # the refused one was never made
            assert pages.errors and all("503" in error for error in pages.errors)  # Chromium logs the refusals
            pages.errors.clear()
        finally:
            pages.close()
            served.stop()

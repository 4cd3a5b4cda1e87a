"""Actions on the pages of a served hall (the ``served`` and ``pages`` fixtures) that several page test modules take."""

import re

import requests
from playwright.sync_api import expect

KIOSK_POST = re.compile(r".*/api/v1/tickets$")


def kiosk_url(served) -> str:
    """The path of kiosk k1's page, with its device token."""
    return f"/kiosk/k1?token={served.kiosk_token}"


def take_ticket(kiosk, service: str) -> dict:
    """Tap a service on the kiosk; returns the ticket the server issued."""
    with kiosk.expect_response(lambda r: KIOSK_POST.match(r.url) and r.request.method == "POST") as reply:
        kiosk.click(f"button[data-service={service}]")
    assert reply.value.status == 201, reply.value.text()
    return reply.value.json()


def issue(served, service="SB", **body) -> dict:
    """Issue a ticket over HTTP with kiosk k1's token, as the kiosk page would.

    Args:
        served: the served hall.
        service: the service's code.
        **body: more fields of the request body.

    Returns:
        The issued ticket's JSON.
    """
    reply = requests.post(
        f"{served.url}/api/v1/tickets",
        json={"service": service, **body},
        headers={"Authorization": f"Bearer {served.kiosk_token}"},
        timeout=5,
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def open_console(pages, window: int, user="staff1"):
    """Open the staff console, log in and pick a window; returns the page once it shows that window."""
    console = pages.open("/staff")
    pages.log_in(console, user)
    console.click(f"button[data-window='{window}']")
    expect(console.locator(".window-title")).to_have_text(f"{window} 号窗口")
    return console


def open_dashboard(pages, user="manager"):
    """Open the manager's dashboard and log in; returns the page once the dashboard shows."""
    dashboard = pages.open("/manage")
    pages.log_in(dashboard, user)
    expect(dashboard.locator(".dashboard")).to_be_visible()
    return dashboard

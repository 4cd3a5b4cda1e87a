"""Paper forms (纸质评价表) are typed in by staff, but never by the staff member who served the ticket."""

from __future__ import annotations

import pytest

from hallctl.services import windows as win
from hallctl.services.tickets import OwnTicket, RateTicket, rate_ticket

from .conftest import at_window, issue


def test_staff_cannot_type_in_a_paper_rating_of_a_ticket_they_served(hall):
    ticket = issue(hall)
    act = at_window(hall, 2)
    for step in (win.call, win.start):
        step(hall, act)
    win.finish(hall, act, "completed")
    paper = RateTicket(ticket["id"], "", 1, channel="paper", entered_by="staff2")
    with pytest.raises(OwnTicket, match="you served ticket A001"):
        rate_ticket(hall, paper, trusted=True)
    colleague = RateTicket(ticket["id"], "", 1, channel="paper", entered_by="staff1")
    assert rate_ticket(hall, colleague, trusted=True)["channel"] == "paper"

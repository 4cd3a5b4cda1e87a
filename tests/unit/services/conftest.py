"""Halls on in-memory fakes (tests/fakes.py) with the test config of tests/conftest.py: no database."""

from __future__ import annotations

import pytest

from hallctl.config import parse_config
from hallctl.services import windows as win
from hallctl.services.context import Hall
from hallctl.services.tickets import IssueTicket, issue_ticket
from hallctl.services.windows import WindowAction
from tests.conftest import hall_toml
from tests.fakes import fake_hall


@pytest.fixture
def make_fake_hall(clock):
    """Build halls on fakes; options change the routing section. Closed after the test."""
    built: list[Hall] = []

    def make(interleave: int = 0, requeue: bool = False) -> Hall:
        hall = fake_hall(parse_config(hall_toml("sqlite:///:memory:", interleave, requeue)), clock)
        built.append(hall)
        return hall

    yield make
    for hall in built:
        hall.close()


@pytest.fixture
def hall(make_fake_hall):
    return make_fake_hall()


def issue(hall: Hall, service: str = "SB", **kw) -> dict:
    return issue_ticket(hall, IssueTicket(service=service, **kw))


def at_window(hall: Hall, number: int) -> WindowAction:
    """Log staff{number} in at window ``number``; returns the action for it."""
    act = WindowAction(number, f"staff{number}")
    win.login(hall, act)
    return act

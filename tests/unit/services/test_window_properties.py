"""Properties of window actions, over random sequences of them by several staff across the test hall's windows.

A hypothesis state machine logs staff in and out, issues tickets and calls, recalls, starts, finishes, transfers,
holds, resumes and pauses at random windows, on the in-memory fakes (tests/fakes.py). After every action:

- an action moved only tickets within the acting window's reach: its current ticket, a ticket sent to it, a ticket
  held there, or a ticket of a service it serves (a ticket held with its documents only where it was held);
- a refused action changed no ticket and no window;
- no ticket is current at two windows, each window's current ticket is called or being served there by the staff
  member logged in, and every called or served ticket is the current ticket of its window.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from hallctl.config import parse_config
from hallctl.domain.errors import DomainError
from hallctl.domain.model import HoldKind, Outcome, Status
from hallctl.services import windows as win
from hallctl.services.context import Hall
from hallctl.services.tickets import IssueTicket, issue_ticket
from hallctl.services.windows import WindowAction
from tests.conftest import OPEN_TIME, FakeClock, hall_toml
from tests.fakes import fake_hall

# the windows of testbed/halls.py's SERVICES_AND_WINDOWS and the services each serves: the rule's ground truth
SERVES = {1: {"SB", "GJJ"}, 2: {"SB"}, 3: {"GJJ", "BDC"}, 4: {"BDC"}}
SERVICES = ["SB", "GJJ", "BDC"]
STAFF = [f"staff{n}" for n in range(1, 6)]
CONFIG = parse_config(hall_toml("sqlite:///:memory:"))

windows_ = st.sampled_from(sorted(SERVES))


@dataclass(frozen=True)
class TicketState:
    """What an action may change about a ticket, and what decides who may change it."""

    number: str
    status: str
    service: str
    window: int | None
    staff: str | None
    target_window: int | None
    hold_kind: str | None


@dataclass(frozen=True)
class WindowState:
    """A window as stored: who is logged in, its pause, its current ticket and its evaluator's invitation."""

    staff: str | None
    paused: bool
    current_ticket_id: int | None
    current_status: str | None
    inviting_ticket_id: int | None


def may_move(window: int, ticket: TicketState, current: int | None, ticket_id: int) -> bool:
    """Whether an action at ``window`` (whose current ticket is ``current``) may change this ticket."""
    if ticket_id == current:
        return True
    if ticket.target_window is not None:
        return ticket.target_window == window
    if ticket.status == Status.HELD and ticket.hold_kind == HoldKind.HOLDING:
        return ticket.window == window
    if ticket.status == Status.HELD and ticket.window == window:
        return True
    return ticket.service in SERVES[window]


class WindowActions(RuleBasedStateMachine):
    """Random window actions on a fake hall, checked against the rule after each one.

    The machine sees the hall only through :meth:`tickets` and :meth:`windows`, what the hall stores.
    """

    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock(OPEN_TIME)
        self.hall = self.open_hall()

    def open_hall(self) -> Hall:
        """The hall the machine acts on: on the in-memory fakes."""
        return fake_hall(CONFIG, self.clock)

    def teardown(self) -> None:
        self.hall.close()

    # -- what the hall stores ------------------------------------------------------------------------------------
    def tickets(self) -> dict[int, TicketState]:
        """Every ticket by id."""
        return {
            id_: TicketState(t.number, t.status, t.service, t.window, t.staff, t.target_window, t.hold_kind)
            for id_, t in self.hall.database.tickets.items()
        }

    def windows(self) -> dict[int, WindowState]:
        """Every window by number."""
        return {
            n: WindowState(w.staff, w.paused, w.current_ticket_id, w.current_status, w.inviting_ticket_id)
            for n, w in self.hall.database.windows.items()
        }

    def staff_at(self, window: int) -> WindowAction:
        """The action of whoever is logged in at the window (staff1 when it is closed: refused)."""
        return WindowAction(window, self.windows()[window].staff or "staff1")

    def act(self, name: str, window: int, action) -> None:
        """Run ``action()`` as taken at ``window`` and check which tickets it changed; ``name`` it in the statistics."""
        tickets, windows = self.tickets(), self.windows()
        current = windows[window].current_ticket_id
        try:
            action()
        except DomainError as refusal:
            event(f"{name}: {refusal.code}")
            assert (self.tickets(), self.windows()) == (tickets, windows), "a refused action changed something"
            return
        event(f"{name}: done")
        after = self.tickets()
        for id_, before in tickets.items():
            if after[id_] != before:
                assert may_move(window, before, current, id_), (
                    f"window {window} moved ticket {id_} ({before}) to {after[id_]}"
                )

    def held(self) -> list[int]:
        """The held tickets' ids."""
        return sorted(id_ for id_, t in self.tickets().items() if t.status == Status.HELD)

    def busy(self) -> list[int]:
        """The windows calling or serving a ticket."""
        return sorted(n for n, w in self.windows().items() if w.current_ticket_id is not None)

    @initialize(services=st.lists(st.sampled_from(SERVICES), max_size=8))
    def open_the_hall(self, services: list[str]) -> None:
        for number in SERVES:
            win.login(self.hall, WindowAction(number, f"staff{number}"))
        self.issue(services)

    # -- staff ---------------------------------------------------------------------------------------------------
    @rule(staff=st.sampled_from(STAFF), window=windows_)
    def log_in(self, staff: str, window: int) -> None:
        self.act("log_in", window, lambda: win.login(self.hall, WindowAction(window, staff)))

    @rule(window=windows_)
    def log_out(self, window: int) -> None:
        self.act("log_out", window, lambda: win.logout(self.hall, self.staff_at(window)))

    @rule(staff=st.sampled_from(STAFF), window=windows_)
    def someone_calls_at_a_window(self, staff: str, window: int) -> None:
        self.act("someone_calls_at_a_window", window, lambda: win.call(self.hall, WindowAction(window, staff)))

    # -- the queue -----------------------------------------------------------------------------------------------
    @rule(services=st.lists(st.sampled_from(SERVICES), min_size=1, max_size=3))
    def issue(self, services: list[str]) -> None:
        for service in services:
            before = self.tickets()
            try:
                issue_ticket(self.hall, IssueTicket(service=service))
            except DomainError as refusal:  # BDC's daily cap of 3
                event(f"issue: {refusal.code}")
                assert self.tickets() == before

    @rule(seconds=st.integers(1, 300))
    def time_passes(self, seconds: int) -> None:
        self.clock.advance(seconds=seconds)

    # -- the current ticket --------------------------------------------------------------------------------------
    @rule(window=windows_)
    def call_next(self, window: int) -> None:
        self.act("call_next", window, lambda: win.call(self.hall, self.staff_at(window)))

    @precondition(lambda self: self.tickets())
    @rule(window=windows_, data=st.data(), by_number=st.booleans())
    def call_a_specific_ticket(self, window: int, data: st.DataObject, by_number: bool) -> None:
        tickets = self.tickets()
        ticket_id = data.draw(st.sampled_from(sorted(tickets)), label="ticket")
        ref = tickets[ticket_id].number if by_number else ticket_id
        self.act("call_a_specific_ticket", window, lambda: win.call(self.hall, self.staff_at(window), ref))

    @precondition(lambda self: self.busy())
    @rule(data=st.data(), step=st.sampled_from(["recall", "no_show", "start", "finish"]))
    def step_on_the_current_ticket(self, data: st.DataObject, step: str) -> None:
        window = data.draw(st.sampled_from(self.busy()), label="window")
        act = self.staff_at(window)
        steps = {
            "recall": lambda: win.recall(self.hall, act),
            "no_show": lambda: win.no_show(self.hall, act),
            "start": lambda: win.start(self.hall, act),
            "finish": lambda: win.finish(self.hall, act, Outcome.COMPLETED),
        }
        self.act(step, window, steps[step])

    @precondition(lambda self: self.busy())
    @rule(data=st.data(), to_service=st.none() | st.sampled_from(SERVICES), to_window=st.none() | windows_)
    def transfer(self, data: st.DataObject, to_service: str | None, to_window: int | None) -> None:
        window = data.draw(st.sampled_from(self.busy()), label="window")
        self.act("transfer", window, lambda: win.transfer(self.hall, self.staff_at(window), to_service, to_window))

    # -- holding -------------------------------------------------------------------------------------------------
    @precondition(lambda self: self.busy())
    @rule(data=st.data(), kind=st.sampled_from(HoldKind))
    def hold_the_current_ticket(self, data: st.DataObject, kind: HoldKind) -> None:
        window = data.draw(st.sampled_from(self.busy()), label="window")
        self.act("hold_the_current_ticket", window, lambda: win.hold(self.hall, self.staff_at(window), kind))

    @precondition(lambda self: self.tickets())
    @rule(window=windows_, kind=st.sampled_from(HoldKind), data=st.data())
    def hold_a_ticket_by_id(self, window: int, kind: HoldKind, data: st.DataObject) -> None:
        ticket_id = data.draw(st.sampled_from(sorted(self.tickets())), label="ticket")
        self.act("hold_a_ticket_by_id", window, lambda: win.hold(self.hall, self.staff_at(window), kind, ticket_id))

    @precondition(lambda self: self.held())
    @rule(window=windows_, data=st.data())
    def resume(self, window: int, data: st.DataObject) -> None:
        ticket_id = data.draw(st.sampled_from(self.held()), label="ticket")
        self.act("resume", window, lambda: win.resume(self.hall, self.staff_at(window), ticket_id))

    # -- pauses --------------------------------------------------------------------------------------------------
    @rule(window=windows_)
    def pause(self, window: int) -> None:
        self.act("pause", window, lambda: win.pause(self.hall, self.staff_at(window), "break"))

    @rule(window=windows_)
    def unpause(self, window: int) -> None:
        self.act("unpause", window, lambda: win.unpause(self.hall, self.staff_at(window)))

    # -- invariants ----------------------------------------------------------------------------------------------
    @invariant()
    def no_ticket_is_current_at_two_windows(self) -> None:
        current = [w.current_ticket_id for w in self.windows().values() if w.current_ticket_id is not None]
        assert len(current) == len(set(current)), self.windows()

    @invariant()
    def a_windows_current_ticket_is_called_or_served_there_by_its_staff(self) -> None:
        tickets = self.tickets()
        for number, window in self.windows().items():
            if window.current_ticket_id is not None:
                ticket = tickets[window.current_ticket_id]
                assert ticket.status in (Status.CALLED, Status.SERVING) and ticket.status == window.current_status
                assert (ticket.window, ticket.staff) == (number, window.staff), (ticket, window)

    @invariant()
    def every_called_or_served_ticket_is_its_windows_current_ticket(self) -> None:
        windows = self.windows()
        for id_, ticket in self.tickets().items():
            if ticket.status in (Status.CALLED, Status.SERVING):
                assert ticket.window is not None and windows[ticket.window].current_ticket_id == id_, ticket


WindowActions.TestCase.settings = settings(
    max_examples=200, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestNoWindowActionReachesATicketOfAnotherWindow = WindowActions.TestCase

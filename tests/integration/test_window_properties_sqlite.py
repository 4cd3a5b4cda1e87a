"""The window-action state machine of tests/unit/services/test_window_properties.py on a real SQLite file.

Fewer and shorter runs than on the fakes: here call-next's choice comes from the real candidates query, each action
commits to the file, and the machine reads back what is stored (with sqlite3, beside the hall's own connections).
"""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from hallctl.bootstrap import bootstrap
from hallctl.config import parse_config
from hallctl.services.context import Hall
from tests.conftest import hall_toml
from tests.unit.services.test_window_properties import TicketState, WindowActions, WindowState


class WindowActionsOnSqlite(WindowActions):
    """The machine on a copy of the migrated database; each run gets a file of its own."""

    def __init__(self, template: Path, path: Path) -> None:
        shutil.copy(template, path)
        self.path = path
        self.reader = sqlite3.connect(path, isolation_level=None)  # autocommit: each read sees the last commit
        super().__init__()

    def open_hall(self) -> Hall:
        return bootstrap(parse_config(hall_toml(f"sqlite:///{self.path}")), clock=self.clock, synchronous_bus=True)

    def teardown(self) -> None:
        self.reader.close()
        super().teardown()

    def _rows(self, sql: str) -> list[tuple]:
        return self.reader.execute(sql).fetchall()

    def tickets(self) -> dict[int, TicketState]:
        rows = self._rows('SELECT id, number, status, service, "window", staff, target_window, hold_kind FROM tickets')
        return {id_: TicketState(*fields) for id_, *fields in rows}

    def windows(self) -> dict[int, WindowState]:
        rows = self._rows(
            'SELECT "number", staff, paused, current_ticket_id, current_status, inviting_ticket_id FROM windows'
        )
        return {n: WindowState(staff, bool(paused), *rest) for n, staff, paused, *rest in rows}


def test_no_window_action_reaches_a_ticket_of_another_window_on_sqlite(migrated_template, tmp_path):
    files = itertools.count()
    run_state_machine_as_test(
        lambda: WindowActionsOnSqlite(migrated_template, tmp_path / f"hall-{next(files)}.db"),
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )

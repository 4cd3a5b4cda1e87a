"""queue indexes in the queue order (arrival or appointment time, issue time, id)

A queue's head was found by reading all of its waiting tickets and sorting them, because the
index lacked the issue time that breaks ties between equal arrivals; now it is the index's first entry.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 20:10:00
"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

QUEUE = ["hall_id", "status", "service", "priority", "arrival_at"]
TARGETED = ["hall_id", "status", "target_window", "arrival_at"]
APPOINTMENTS = ["hall_id", "status", "appointment_at"]


def _rebuild(name: str, columns: list[str]) -> None:
    op.drop_index(name, table_name="tickets")
    op.create_index(name, "tickets", columns)


def upgrade() -> None:
    _rebuild("ix_tickets_queue", [*QUEUE, "issued_at", "id"])
    _rebuild("ix_tickets_targeted", [*TARGETED, "issued_at", "id"])
    _rebuild("ix_tickets_appointments", [*APPOINTMENTS, "issued_at", "id"])


def downgrade() -> None:
    _rebuild("ix_tickets_queue", [*QUEUE, "id"])
    _rebuild("ix_tickets_targeted", [*TARGETED, "id"])
    _rebuild("ix_tickets_appointments", APPOINTMENTS)

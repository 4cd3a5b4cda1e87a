"""Read-outs for the operators' metrics: cheap, one query each, read when Prometheus scrapes."""

from __future__ import annotations

from .context import Hall


def waiting_by_service(hall: Hall) -> dict[str, int]:
    """Tickets waiting now in each configured service (0 where none wait), in one read of the database."""
    with hall.uow(write=False) as uow:
        waiting = uow.tickets.waiting_by_service()
    return {service.code: waiting.get(service.code, (0, None))[0] for service in hall.config.services}

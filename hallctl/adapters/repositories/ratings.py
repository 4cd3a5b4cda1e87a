"""Ratings and the 差评整改 cases they open."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update

from hallctl.domain import model
from hallctl.domain.followup import FollowUp
from hallctl.services.ports import CaseStep

from .. import orm
from .base import Repository


class RatingRepository(Repository):
    """好差评 ratings (implements :class:`hallctl.services.ports.RatingRepository`)."""

    def add(self, rating: model.Rating) -> None:
        self.session.add(rating)
        self.seen.add(rating)

    def for_ticket(self, ticket_id: int) -> model.Rating | None:
        stmt = select(model.Rating).where(orm.ratings.c.ticket_id == ticket_id)
        return self.session.scalars(stmt).first()


class FollowUpRepository(Repository):
    """Follow-up cases and their steps (implements :class:`hallctl.services.ports.FollowUpRepository`)."""

    def add(self, case: FollowUp) -> None:
        self.session.add(case)

    def get(self, case_id: int) -> FollowUp | None:
        case = self.session.get(FollowUp, case_id)
        return case if case is not None and case.hall_id == self.hall_id else None

    def listed(self, states: list[str] | None, limit: int = 500) -> list[FollowUp]:
        f = orm.followups
        stmt = select(FollowUp).where(f.c.hall_id == self.hall_id).order_by(f.c.opened_at.desc()).limit(limit)
        if states:
            stmt = stmt.where(f.c.state.in_(states))
        return list(self.session.scalars(stmt))

    def add_step(self, case_id: int, action: str, actor: str, at: datetime, moved: tuple[str, str], note: str) -> None:
        self.session.execute(
            insert(orm.followup_steps).values(
                followup_id=case_id,
                action=action,
                actor=actor,
                at=at,
                from_state=moved[0],
                to_state=moved[1],
                note=note,
            )
        )

    def steps(self, case_id: int) -> list[CaseStep]:
        s = orm.followup_steps
        stmt = select(s.c.action, s.c.actor, s.c.at, s.c.from_state, s.c.to_state, s.c.note)
        return [CaseStep(*row) for row in self.session.execute(stmt.where(s.c.followup_id == case_id).order_by(s.c.id))]

    def exclude_rating(self, rating_id: int) -> None:
        self.session.execute(update(orm.ratings).where(orm.ratings.c.id == rating_id).values(excluded=True))

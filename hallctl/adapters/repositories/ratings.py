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
        """Store a new rating (its id is set at the next flush)."""
        self.session.add(rating)
        self.seen.add(rating)

    def for_ticket(self, ticket_id: int) -> model.Rating | None:
        """The rating given for this ticket; None if it was not rated."""
        stmt = select(model.Rating).where(orm.ratings.c.ticket_id == ticket_id)
        return self.session.scalars(stmt).first()


class FollowUpRepository(Repository):
    """Follow-up cases and their steps (implements :class:`hallctl.services.ports.FollowUpRepository`)."""

    def add(self, case: FollowUp) -> None:
        """Store a new case (its id is set at the next flush)."""
        self.session.add(case)

    def get(self, case_id: int) -> FollowUp | None:
        """The case with this id; None if there is none in this hall."""
        case = self.session.get(FollowUp, case_id)
        return case if case is not None and case.hall_id == self.hall_id else None

    def listed(self, states: list[str] | None, limit: int = 500) -> list[FollowUp]:
        """The hall's cases in ``states`` (all when None or empty), newest first."""
        f = orm.followups
        stmt = select(FollowUp).where(f.c.hall_id == self.hall_id).order_by(f.c.opened_at.desc()).limit(limit)
        if states:
            stmt = stmt.where(f.c.state.in_(states))
        return list(self.session.scalars(stmt))

    def add_step(self, case_id: int, action: str, actor: str, at: datetime, moved: tuple[str, str], note: str) -> None:
        """Record a step that ``moved`` a case (from state, to state)."""
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
        """The case's steps, oldest first."""
        s = orm.followup_steps
        stmt = select(s.c.action, s.c.actor, s.c.at, s.c.from_state, s.c.to_state, s.c.note)
        return [CaseStep(*row) for row in self.session.execute(stmt.where(s.c.followup_id == case_id).order_by(s.c.id))]

    def exclude_rating(self, rating_id: int) -> None:
        """Leave the rating out of satisfaction (an approved appeal)."""
        self.session.execute(update(orm.ratings).where(orm.ratings.c.id == rating_id).values(excluded=True))

"""What the stored entities share: an id the storage gives them."""

from __future__ import annotations


class Stored:
    """An entity with a storage id (None until its unit of work inserted it)."""

    id: int | None

    @property
    def stored_id(self) -> int:
        """The id of an entity that has been stored (every entity a repository returns).

        Raises:
            ValueError: the entity was never stored.
        """
        if self.id is None:
            raise ValueError(f"{self!r} has not been stored yet")
        return self.id

"""Database constraints that several models declare alike."""

from django.db import models
from django.db.models import F, Q


def ends_after(end: str, start: str, *, name: str, strictly: bool = False) -> models.CheckConstraint:
    """`end` is empty (still open) or not before `start` (after it, with `strictly`).

    The models' clean() says the same in Chinese for forms and imports; the constraint holds it for
    every other path (the shell, a bulk update, a raw import).
    """
    lookup = "gt" if strictly else "gte"
    return models.CheckConstraint(condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__{lookup}": F(start)}),
                                  name=name)

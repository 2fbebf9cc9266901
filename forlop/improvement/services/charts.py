"""Annotations on measure charts (no patient data, so no audit row)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from forlop.core.models import User
from forlop.improvement.models import Annotation
from forlop.measures.compute import Scope
from forlop.measures.models import Measure


def annotation_add(
    *,
    measure: Measure,
    scope: Scope,
    actor: User | None,
    on: date,
    text: str,
    part_ends_here: bool = False,
) -> Annotation:
    """A note on the measure's chart for the scope. The caller has checked write access
    (``measures.selectors.user_may_edit``); annotations hold no patient data."""
    with transaction.atomic():
        annotation = Annotation(
            measure=measure,
            level=scope.level,
            scope_code=scope.code,
            date=on,
            text=text,
            part_ends_here=part_ends_here,
            created_by=actor,
        )
        annotation.full_clean()
        annotation.save()
    return annotation

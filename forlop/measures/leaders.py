"""The trial's measure per employee on the leaders' view (/pathways/leaders/): the pathways
each primary contact holds that got at least 3 of the 4 main checklists.

Per employee means per **primary contact** (``Pathway.primary_contact``), not per owner of a
stop point: the 3-of-4 measure counts pathways, and the primary contact is the one person who
holds a pathway from start to end (HPH1 appoints her; she does HPH2 and HPH5 and follows up
the rest). The stop points' owners change along the chain (the allocation office, home care,
the GP), so adherence per stop-point owner is the leaders' view's stop-point table, not this.

Counted as the measure ``main-checklists-3-of-4`` counts (``compute.main_checklist_pathways``,
one aggregate query): settled pathways of the leader's units started in the last six ended
months. Groups with fewer than ``FORLOP_SUPPRESS_BELOW`` pathways show no numbers: a share
over a handful of patients says nothing about a person, and a leader should not read it so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from forlop.core.models import User
from forlop.measures.compute import (
    MAIN_CHECKLISTS_AT_LEAST,
    Scope,
    local_midnight,
    main_checklist_pathways,
    period_next,
)
from forlop.measures.models import Period, ScopeLevel
from forlop.measures.selectors import default_window, period_display

MONTHS = 6


@dataclass(frozen=True, slots=True)
class EmployeeRow:
    """One primary contact (None: pathways with none). ``pathways`` and ``met`` are None
    where the group is too small to show."""

    user_id: int | None
    name: str
    pathways: int | None
    met: int | None

    @property
    def share(self) -> float | None:
        if not self.pathways or self.met is None:
            return None
        return self.met / self.pathways


@dataclass(frozen=True, slots=True)
class EmployeeSection:
    first: str
    last: str
    rows: tuple[EmployeeRow, ...]
    suppress_below: int
    at_least: int
    suppressed: int


def three_of_four_per_employee(
    *, unit_ids: tuple[int, ...], first: date, last: date, at_least: int = MAIN_CHECKLISTS_AT_LEAST
) -> list[tuple[int | None, int, int]]:
    """(primary contact id, settled pathways, of them with at least ``at_least`` main
    checklists) for pathways of the units started from the month holding ``first`` to the
    one holding ``last``: one GROUP BY query."""
    scope = Scope(level=ScopeLevel.UNIT, code="leader", name="", ids=unit_ids)
    rows = (
        main_checklist_pathways(scope, timezone.now())
        .filter(
            main_settled=True,
            started_at__gte=local_midnight(first),
            started_at__lt=local_midnight(period_next(last, Period.MONTH)),
        )
        .order_by()
        .values("primary_contact_id")
        .annotate(n=Count("pk"), met=Count("pk", filter=Q(main_done__gte=at_least)))
        .values_list("primary_contact_id", "n", "met")
    )
    return list(rows)


def leader_section(user: User, today: date) -> EmployeeSection | None:
    """The leaders' view: 3 of 4 per primary contact in the units the user leads."""
    from django.utils.translation import gettext as _

    from forlop.core.selectors import led_units

    unit_ids = tuple(led_units(user=user).values_list("pk", flat=True))
    if not unit_ids:
        return None
    first, last = default_window(today=today, period=Period.MONTH, count=MONTHS)
    counts = three_of_four_per_employee(unit_ids=unit_ids, first=first, last=last)
    names = {
        person.pk: str(person)
        for person in User.objects.filter(pk__in=[pk for pk, _n, _m in counts if pk])
    }
    below = int(getattr(settings, "FORLOP_SUPPRESS_BELOW", 5))
    rows = [
        EmployeeRow(
            user_id=pk,
            name=names.get(pk, "") if pk else _("No primary contact"),
            pathways=None if n < below else n,
            met=None if n < below else met,
        )
        for pk, n, met in counts
    ]
    rows.sort(key=lambda row: (row.user_id is None, row.name))
    return EmployeeSection(
        first=period_display(first, Period.MONTH),
        last=period_display(last, Period.MONTH),
        rows=tuple(rows),
        suppress_below=below,
        at_least=MAIN_CHECKLISTS_AT_LEAST,
        suppressed=sum(1 for row in rows if row.pathways is None),
    )

"""Demo data for the improvement app: the Vestfold learning network and the Horten team's
annotation of the change that the measures demo history shows (run after the measures demo).

Idempotent: rows are found by natural keys before they are created.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from forlop.core.models import Organisation
from forlop.improvement.models import Annotation, Network
from forlop.demo.measures import CHANGE_TEXT, change_date
from forlop.measures.models import Measure, ScopeLevel


@transaction.atomic
def load_improvement_demo(*, today: date) -> int:
    """Create the demo network and annotations if missing; return the number of new rows."""
    created = _network()
    created += _annotate(change_date(today))
    return created


def _network() -> int:
    members = list(Organisation.objects.filter(code__in=("horten", "tonsberg", "siv")))
    if not members:
        return 0
    network, created = Network.objects.get_or_create(
        code="vestfold",
        defaults={
            "name": "Læringsnettverk Vestfold",
            "period": "2022–2024",
            "coordinator": Organisation.objects.filter(code="usht-vestfold").first(),
        },
    )
    network.members.add(*members)
    return int(created)


def _annotate(changed: date) -> int:
    measure = Measure.objects.filter(organisation=None, code="hph2-within-3-days").first()
    if measure is None:
        return 0
    created = 0
    for level, code in ((ScopeLevel.MUNICIPALITY, "horten"), (ScopeLevel.UNIT, "horten-nord")):
        _note, was_created = Annotation.objects.get_or_create(
            measure=measure, level=level, scope_code=code, date=changed, text=CHANGE_TEXT
        )
        created += was_created
    return created

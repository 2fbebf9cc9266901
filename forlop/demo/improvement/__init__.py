"""Demo data for the learning network (run after the measures demo, by ``forlop demo``).

* The programme's networks 2014-2023 with their municipalities and hospital trusts
  (``demo_networks``), as records with their periods.
* The demo's current network, "Læringsnettverk Vestfold", guided by the demo's development
  centre (the ``koordinator`` login): dates relative to ``today``, so the Horten team (the
  ``forbedring`` login) is between gatherings 1 and 2, with the preparation done, five
  interview notes, an aim on the HPH2 measure, guidance after gathering 1, a status report
  for gathering 2 being drafted, and other teams early, on time and late.
* The Horten team's annotation of the change that the measures demo history shows.

Idempotent: rows are found by natural keys; the current network's content is written once
(when it has no teams yet). No patient data: interview notes name nobody.

One module per part: ``history`` (the programme's networks), ``live`` (the current network),
``horten`` (the Horten team and its annotation), ``teams`` (the other teams, guidance,
evaluations) and ``shared`` (the current network's constants).
"""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction

from forlop.demo.improvement.history import (
    history_load,
    national_events_load,
    organisations_load,
)
from forlop.demo.improvement.horten import annotations_load
from forlop.demo.improvement.live import live_network_load
from forlop.demo.measures import change_date

__all__ = ["load_improvement_demo"]


@transaction.atomic
def load_improvement_demo(*, today: date) -> int:
    """Create what is missing; return the number of new networks (and live-network rows)."""
    rng = random.Random(2026)
    orgs = organisations_load(rng)
    created = history_load(orgs)
    national_events_load(today)
    created += live_network_load(today=today, orgs=orgs)
    annotations_load(change_date(today))
    return created

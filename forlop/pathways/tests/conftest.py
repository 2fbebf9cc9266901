"""The engine tests' pathways: HPH at fixed times (``start``), and HPH started five days before
now with its HPH2 stop point (``pathway``, ``hph2``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from forlop.core.models import Unit, User
from forlop.pathways.models import (
    Pathway,
    StopPoint,
)
from forlop.pathways.tests.factories import (
    oslo,
)
from forlop.pathways.tests.helpers import NOW
from forlop.patients.models import Patient


@pytest.fixture
def start(
    start_hph: Callable[..., Pathway], patient: Patient, district: Unit, nurse: User
) -> Callable[..., Pathway]:
    """An HPH pathway of ``patient`` at fixed times (discharged 10 March 2026 11:00, home 14:00)."""

    def make(**kwargs: Any) -> Pathway:
        values: dict[str, Any] = {
            "at": oslo(2026, 3, 10, 9),
            "discharged_at": oslo(2026, 3, 10, 11),
            "arrived_home_at": oslo(2026, 3, 10, 14),
            "now": NOW,
        }
        values.update(kwargs)
        if "started_at" in values:
            values["at"] = values.pop("started_at")
        return start_hph(
            values.pop("patient", patient),
            values.pop("unit", district),
            values.pop("actor", nurse),
            **values,
        )

    return make


@pytest.fixture
def pathway(
    start_hph: Callable[..., Pathway], patient: Patient, district: Unit, nurse: User
) -> Pathway:
    """An HPH pathway of ``patient`` at ``district``, started by ``nurse`` five days before now."""
    return start_hph(patient, district, nurse)


@pytest.fixture
def hph2(pathway: Pathway) -> StopPoint:
    return pathway.stop_points.get(definition__code="HPH2")

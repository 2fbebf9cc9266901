"""Who answers for a stop point. One rule for the work list, the chain, reports and prints."""

from __future__ import annotations

from forlop.core.models import Role, User
from forlop.pathways import models


def stop_point_responsible(stop_point: models.StopPoint) -> User | None:
    """The stop point's assignee, else the patient's GP for GP stop points, else the pathway's
    primary contact. Expects ``definition``, ``assignee``, ``pathway__primary_contact`` and
    ``pathway__patient__gp`` loaded (the selectors that call it do)."""
    if stop_point.assignee is not None:
        return stop_point.assignee
    pathway = stop_point.pathway
    if stop_point.definition.responsible_role == Role.GP and pathway.patient.gp is not None:
        return pathway.patient.gp
    return pathway.primary_contact

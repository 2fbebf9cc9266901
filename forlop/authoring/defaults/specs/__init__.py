"""The shape of a shipped template (``TemplateSpec`` → ``DefinitionSpec`` → ``ItemSpec``) and
the checklist items and stop points several shipped templates share: ``shapes``, ``items`` and
``stop_points``, re-exported here for the template modules.

Titles, questions and guidance are Norwegian bokmål on purpose: they are data a municipality
edits, not interface text, so they are not translated through gettext. Sources: the HPH
collaboration chain of the Mid-Norway model (Røsstad et al., BMC Health Serv Res 2013;13:121)
and the content of each stop point from the Mid-Norway training day on pathways (assessment
domains: medical condition, problem areas, the user's goals, function, resources and coping,
social situation, physical surroundings, next of kin, finances).
"""

from __future__ import annotations

from forlop.authoring.defaults.specs.items import (
    ASSESSMENT_ITEMS,
    FINANCES,
    IPLOS_SCORE,
    SURROUNDINGS,
    WHAT_MATTERS,
    WHAT_MATTERS_FOLLOW_UP,
    WORKPLACE,
)
from forlop.authoring.defaults.specs.shapes import (
    ANNUAL_REPORT_2022,
    DEFAULT_NOTE,
    LOCAL_DEFAULT,
    ROSSTAD_2013,
    ROSSTAD_2017,
    A,
    D,
    DefinitionSpec,
    E,
    ItemSpec,
    K,
    PartSpec,
    T,
    TemplateSpec,
    U,
)
from forlop.authoring.defaults.specs.stop_points import (
    HPH4_HOURS,
    assessment,
    daily,
    four_weeks,
    gp_visit,
    hph4,
    hph6,
)

__all__ = [
    "ANNUAL_REPORT_2022",
    "ASSESSMENT_ITEMS",
    "DEFAULT_NOTE",
    "FINANCES",
    "HPH4_HOURS",
    "IPLOS_SCORE",
    "LOCAL_DEFAULT",
    "ROSSTAD_2013",
    "ROSSTAD_2017",
    "SURROUNDINGS",
    "WHAT_MATTERS",
    "WHAT_MATTERS_FOLLOW_UP",
    "WORKPLACE",
    "A",
    "D",
    "DefinitionSpec",
    "E",
    "ItemSpec",
    "K",
    "PartSpec",
    "T",
    "TemplateSpec",
    "U",
    "assessment",
    "daily",
    "four_weeks",
    "gp_visit",
    "hph4",
    "hph6",
]

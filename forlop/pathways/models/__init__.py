"""The pathway engine's data: templates (``templates``), running pathways (``running``) and
their shared vocabularies (``choices``)."""

from forlop.pathways.models.choices import (
    AnchorChoices,
    AssessmentDomain,
    ChainActor,
    DeadlineUnitChoices,
    EventKindChoices,
    TriggerChoices,
)
from forlop.pathways.models.running import (
    ChecklistAnswer,
    Pathway,
    PathwayEvent,
    StopPoint,
    StopPointQuerySet,
    deadline_passed_q,
    met_deadline_q,
    open_q,
)
from forlop.pathways.models.templates import (
    ChecklistItem,
    PathwayTemplate,
    StopPointDefinition,
    TemplateVersion,
)

__all__ = [
    "AnchorChoices",
    "AssessmentDomain",
    "ChainActor",
    "ChecklistAnswer",
    "ChecklistItem",
    "DeadlineUnitChoices",
    "EventKindChoices",
    "Pathway",
    "PathwayEvent",
    "PathwayTemplate",
    "StopPoint",
    "StopPointDefinition",
    "StopPointQuerySet",
    "TemplateVersion",
    "TriggerChoices",
    "deadline_passed_q",
    "met_deadline_q",
    "open_q",
]

"""The pathway engine's data: templates (``templates``), running pathways (``running``) and
their shared vocabularies (``choices``)."""

from forlop.pathways.models.choices import (
    AnchorChoices,
    AssessmentDomain,
    ChainActor,
    DeadlineUnitChoices,
    EventKindChoices,
    ShortStayKind,
    TimeKindChoices,
    TriggerChoices,
)
from forlop.pathways.models.running import (
    ChecklistAnswer,
    Pathway,
    PathwayEvent,
    PathwayTimeChange,
    StopPoint,
    StopPointPart,
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
    "PathwayTimeChange",
    "ShortStayKind",
    "StopPoint",
    "StopPointDefinition",
    "StopPointPart",
    "StopPointQuerySet",
    "TemplateVersion",
    "TimeKindChoices",
    "TriggerChoices",
    "deadline_passed_q",
    "met_deadline_q",
    "open_q",
]

"""The shape of a shipped template (``TemplateSpec`` → ``DefinitionSpec`` → ``ItemSpec``), the short
names of the choices the templates use, and the sources their deadlines cite."""

from __future__ import annotations

from dataclasses import dataclass, field

from forlop.pathways.models import (
    AnchorChoices,
    AssessmentDomain,
    ChecklistItem,
    DeadlineUnitChoices,
    EventKindChoices,
    TriggerChoices,
)

A = AnchorChoices
D = AssessmentDomain
E = EventKindChoices
K = ChecklistItem.Kind
T = TriggerChoices
U = DeadlineUnitChoices

DEFAULT_NOTE = (
    "Standardmal, til lokal tilpasning: kommunen kopierer malen og tilpasser stoppunkter, "
    "frister, ansvar og sjekklister til lokale forhold før bruk. Frister og punkter merket "
    "«lokal standard» har ingen publisert kilde."
)

# Sources of the shipped deadlines (template data, shown beside the deadline).
ROSSTAD_2013 = "Røsstad mfl. 2013 (BMC Health Serv Res 13:121), figur 1"
ROSSTAD_2017 = "Røsstad mfl. 2017 (BMC Health Serv Res 17:275), tabell 1"
ANNUAL_REPORT_2022 = "Gode pasientforløp, årsrapport 2022"
LOCAL_DEFAULT = "Lokal standard"


@dataclass(frozen=True, slots=True)
class ItemSpec:
    key: str
    text: str
    kind: str = K.YES_NO
    required: bool = False
    domain: str = ""
    guidance: str = ""
    carry: bool = False
    choices: tuple[str, ...] = ()
    number_unit: str = ""
    number_min: int | None = None
    number_max: int | None = None
    allow_not_relevant: bool = True
    part: str = ""
    """Empty: the owner's part; otherwise the role of the part the item is in."""
    local_default: bool = False
    """No published source backs the item (or the tool it names): shown as a local default."""


@dataclass(frozen=True, slots=True)
class PartSpec:
    """A part of a stop point that another role completes."""

    role: str
    title: str


@dataclass(frozen=True, slots=True)
class DefinitionSpec:
    code: str
    title: str
    role: str
    actor: str
    trigger: str
    anchor: str
    amount: int
    unit: str
    description: str = ""
    trigger_events: tuple[str, ...] = ()
    after_code: str = ""
    window_amount: int | None = None
    window_unit: str = ""
    repeats: bool = False
    in_chain: bool = True
    items: tuple[ItemSpec, ...] = ()
    main: bool = False
    """One of the main checklists (the trial's "at least 3 of the 4 main checklists")."""
    parts: tuple[PartSpec, ...] = ()
    deadline_source: str = ""
    deadline_local_default: bool = False
    show_code: bool = True
    """False for a stop point outside the HPH numbering: users see its title only."""


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    code: str
    name: str
    description: str
    definitions: tuple[DefinitionSpec, ...] = field(default_factory=tuple)

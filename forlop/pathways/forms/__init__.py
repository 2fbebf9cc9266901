"""Forms of the pathway pages: validate at the edge, then call a service.

One module per page family: ``fields`` (the shared wall-time field), ``worklist``, ``start``,
``timeline``, ``checklists``, ``events`` and ``leaders``.
"""

from forlop.pathways.forms.checklists import (
    NO,
    NOT_RELEVANT,
    YES,
    AnswerRevisionForm,
    AssignForm,
    ChecklistAnswerForm,
    NumberAnswerField,
    ReasonForm,
    RevisionForm,
    item_choices,
)
from forlop.pathways.forms.events import (
    ENDING_EVENTS,
    EventCorrectForm,
    EventRecordForm,
)
from forlop.pathways.forms.fields import (
    DateTimeLocalField,
    now_for_input,
)
from forlop.pathways.forms.leaders import (
    AdherencePeriodForm,
    LeaderDrillForm,
)
from forlop.pathways.forms.start import (
    PathwayStartForm,
)
from forlop.pathways.forms.timeline import (
    TIME_FORMS,
    ArrivalHomeForm,
    DischargeForm,
    PlannedDischargeForm,
    ReadyForDischargeForm,
    ShortStayForm,
    TimeCorrectionForm,
    TimeForm,
)
from forlop.pathways.forms.worklist import (
    PrintDayForm,
    WorkListFilterForm,
)

__all__ = [
    "ENDING_EVENTS",
    "NO",
    "NOT_RELEVANT",
    "TIME_FORMS",
    "YES",
    "AdherencePeriodForm",
    "AnswerRevisionForm",
    "ArrivalHomeForm",
    "AssignForm",
    "ChecklistAnswerForm",
    "DateTimeLocalField",
    "DischargeForm",
    "EventCorrectForm",
    "EventRecordForm",
    "LeaderDrillForm",
    "NumberAnswerField",
    "PathwayStartForm",
    "PlannedDischargeForm",
    "PrintDayForm",
    "ReadyForDischargeForm",
    "ReasonForm",
    "RevisionForm",
    "ShortStayForm",
    "TimeCorrectionForm",
    "TimeForm",
    "WorkListFilterForm",
    "item_choices",
    "now_for_input",
]

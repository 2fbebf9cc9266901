"""The improvement app's data: learning networks, their gatherings and teams, the work between
gatherings, status reports, posters, guidance and evaluations, and the annotations on charts.

No model here holds patient data. Interview notes are written without identifying the patient
(``privacy.py`` warns before saving), and evaluation answers carry no respondent.
"""

from forlop.improvement.models.evaluation import Answer, Question, Receipt, Response, Survey
from forlop.improvement.models.guidance import GuidanceInvitation, GuidanceSession
from forlop.improvement.models.invitations import EventInvitation
from forlop.improvement.models.method import (
    BoardSetting,
    ChangeIdea,
    CommunicationItem,
    Driver,
    IdeaComment,
    IdeaVote,
    PdsaCycle,
    ProgressScore,
    SpreadStep,
)
from forlop.improvement.models.network import Annotation, Gathering, Material, Network
from forlop.improvement.models.reports import Poster, StatusReport, StatusReportVersion
from forlop.improvement.models.team import Team, TeamMember
from forlop.improvement.models.work import (
    Aim,
    AimMeasure,
    ImprovementArea,
    InterviewNote,
    TaskCompletion,
)

__all__ = [
    "Aim",
    "AimMeasure",
    "Annotation",
    "Answer",
    "BoardSetting",
    "ChangeIdea",
    "CommunicationItem",
    "Driver",
    "EventInvitation",
    "Gathering",
    "GuidanceInvitation",
    "GuidanceSession",
    "IdeaComment",
    "IdeaVote",
    "ImprovementArea",
    "InterviewNote",
    "Material",
    "Network",
    "PdsaCycle",
    "Poster",
    "ProgressScore",
    "Question",
    "Receipt",
    "Response",
    "SpreadStep",
    "StatusReport",
    "StatusReportVersion",
    "Survey",
    "TaskCompletion",
    "Team",
    "TeamMember",
]

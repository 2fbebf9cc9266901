"""The model for improvement on the team's pages: the driver diagram of an aim, change ideas
and time thieves (voting, discussion, one step to a PDSA cycle), PDSA cycles and their ramps,
the progress score, and the communication and spread plans. Members write; the network's
coordinators read (and review progress scores); leaders of the team's organisation read the
aims, diagrams and cycles.

Split by page: ``base`` (the shared lookups), ``diagram``, ``ideas``, ``cycles``, ``progress``
and ``plans``; every view is re-exported here for ``urls.py`` (``method.<view>``).
"""

from forlop.improvement.views.method.cycles import (
    cycle_create,
    cycle_detail,
    cycle_next,
    cycles,
)
from forlop.improvement.views.method.diagram import (
    aim_diagram,
    aim_status,
    diagram_idea_add,
    diagram_svg,
    diagram_tree,
    driver_add,
    driver_edit,
    driver_remove,
    manual_measure_create,
    manual_value_add,
)
from forlop.improvement.views.method.ideas import (
    idea_detail,
    idea_to_cycle,
    idea_vote,
    ideas,
)
from forlop.improvement.views.method.plans import (
    communication_done,
    plans,
    quality_system,
    spread_add,
    spread_adopted,
)
from forlop.improvement.views.method.progress import (
    network_progress,
    progress,
    progress_review,
)

__all__ = [
    "aim_diagram",
    "aim_status",
    "communication_done",
    "cycle_create",
    "cycle_detail",
    "cycle_next",
    "cycles",
    "diagram_idea_add",
    "diagram_svg",
    "diagram_tree",
    "driver_add",
    "driver_edit",
    "driver_remove",
    "idea_detail",
    "idea_to_cycle",
    "idea_vote",
    "ideas",
    "manual_measure_create",
    "manual_value_add",
    "network_progress",
    "plans",
    "progress",
    "progress_review",
    "quality_system",
    "spread_add",
    "spread_adopted",
]

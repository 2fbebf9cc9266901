"""The collaboration chain of one pathway: one lane per actor, with statuses and events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from forlop.core.models import User
from forlop.pathways import mappers, models, rules
from forlop.pathways.selectors.responsibility import (
    OWNER_PREFETCH,
    OWNER_SELECT,
    PartOwner,
    stop_point_owners,
    stop_point_responsible,
)


@dataclass(frozen=True, slots=True)
class ChainStopPoint:
    stop_point: models.StopPoint
    code: str
    title: str
    status: rules.StopPointStatus
    opens_at: datetime
    due_at: datetime
    all_day: bool
    completed_at: datetime | None
    responsible: User | None
    owners: tuple[PartOwner, ...] = ()

    @property
    def shown_code(self) -> str:
        """The code users see ("" for the daily care plan; ``code`` stays "DAILY")."""
        return self.stop_point.definition.shown_code


@dataclass(frozen=True, slots=True)
class ChainLane:
    actor: str
    label: str
    definitions: list[models.StopPointDefinition]
    stop_points: list[ChainStopPoint]


@dataclass(frozen=True, slots=True)
class ChainView:
    pathway: models.Pathway
    lanes: list[ChainLane]
    events: list[models.PathwayEvent]
    previous: models.Pathway | None
    next: models.Pathway | None


def pathway_chain(*, pathway: models.Pathway, now: datetime) -> ChainView:
    """The pathway as a collaboration chain: one lane per actor, in the chain's order.

    Each lane has the version's definitions for that actor and their instances with status
    and dates; the events are on a timeline (oldest first). Five queries.
    """
    definitions = list(pathway.version.definitions.all())
    instances = list(
        pathway.stop_points.select_related(*OWNER_SELECT)
        .prefetch_related(*OWNER_PREFETCH)
        .order_by("definition__order", "occurrence", "due_at", "pk")
    )
    events = list(pathway.events.select_related("recorded_by").order_by("occurred_at", "pk"))
    following = models.Pathway.objects.filter(previous=pathway).first()
    actor_order = [value for value, _label in models.ChainActor.choices]
    labels = dict(models.ChainActor.choices)
    actors = sorted(
        {d.actor for d in definitions} | {sp.definition.actor for sp in instances},
        key=lambda a: actor_order.index(a) if a in actor_order else len(actor_order),
    )
    lanes = [
        ChainLane(
            actor=actor,
            label=str(labels.get(actor, actor)),
            definitions=[d for d in definitions if d.actor == actor],
            stop_points=[
                ChainStopPoint(
                    stop_point=sp,
                    code=sp.definition.code,
                    title=sp.definition.title,
                    status=mappers.stop_point_status(sp, now=now),
                    opens_at=sp.opens_at,
                    due_at=sp.due_at,
                    all_day=sp.due_all_day,
                    completed_at=sp.completed_at,
                    responsible=stop_point_responsible(sp),
                    owners=tuple(stop_point_owners(sp)),
                )
                for sp in instances
                if sp.definition.actor == actor
            ],
        )
        for actor in actors
    ]
    return ChainView(
        pathway=pathway,
        lanes=lanes,
        events=events,
        previous=pathway.previous,
        next=following,
    )

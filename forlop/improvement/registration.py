"""What the improvement app plugs into ``measures.registry`` (registered in ``apps.py``, after
the models are loaded): the networks' aggregate scopes and the annotations on measure charts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from forlop.core.models import User
from forlop.improvement import selectors, services
from forlop.improvement.models import Annotation, Network
from forlop.measures.compute import Scope
from forlop.measures.models import Measure, ScopeLevel
from forlop.measures.registry import ChartNote


class NetworkScopes:
    """Network coordinators see their networks' aggregates (and nothing per patient)."""

    def scopes_for_user(self, *, user: User) -> Sequence[Scope]:
        networks = selectors.networks_coordinated_by(user=user).prefetch_related("members")
        return [selectors.scope_for_network(network) for network in networks.order_by("name")]

    def scope_get_for_user(self, *, user: User, level: str, code: str) -> Scope | None:
        if level != ScopeLevel.NETWORK:
            return None
        network = selectors.networks_coordinated_by(user=user).filter(code=code).first()
        return selectors.scope_for_network(network) if network is not None else None

    def scope_get_by_code(self, *, code: str) -> Scope | None:
        network = Network.objects.filter(code=code).first()
        return selectors.scope_for_network(network) if network is not None else None

    def scopes_listed(self) -> Sequence[Scope]:
        networks = Network.objects.prefetch_related("members").order_by("name")
        return [selectors.scope_for_network(network) for network in networks]


def _note(annotation: Annotation) -> ChartNote:
    return ChartNote(
        date=annotation.date, text=annotation.text, part_ends_here=annotation.part_ends_here
    )


class AnnotationStore:
    """Chart notes are the team's annotations, kept per measure and scope."""

    def notes_for(self, *, measure: Measure, scope: Scope) -> Sequence[ChartNote]:
        return [_note(a) for a in selectors.annotations_for(measure=measure, scope=scope)]

    def note_add(
        self,
        *,
        measure: Measure,
        scope: Scope,
        actor: User | None,
        on: date,
        text: str,
        part_ends_here: bool = False,
    ) -> ChartNote:
        annotation = services.annotation_add(
            measure=measure,
            scope=scope,
            actor=actor,
            on=on,
            text=text,
            part_ends_here=part_ends_here,
        )
        return _note(annotation)

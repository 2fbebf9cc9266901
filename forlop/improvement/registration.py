"""What the improvement app plugs into ``measures.registry`` and its own status-report drafting
(registered in ``apps.py``, after the models are loaded): the networks' aggregate scopes, the
notes on measure charts (the team's annotations and its PDSA cycles on the measures they
target), and the PDSA cycles of a status report's period."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from forlop.core.models import User
from forlop.improvement import selectors, services
from forlop.improvement.drafting import CycleSummary
from forlop.improvement.models import Annotation, Network, Team
from forlop.improvement.stages import STAGE_LABELS
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
    """Chart notes are the team's annotations, kept per measure and scope, and the PDSA
    cycles that target the measure in that scope (where a cycle starts, and where its change
    was adopted)."""

    def notes_for(self, *, measure: Measure, scope: Scope) -> Sequence[ChartNote]:
        notes = [_note(a) for a in selectors.annotations_for(measure=measure, scope=scope)]
        notes += selectors.cycle_notes(measure=measure, scope=scope)
        return sorted(notes, key=lambda note: note.date)

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


class Cycles:
    """The status report's PDSA section: the team's cycles that ran in the report's period."""

    def cycles_for(self, *, team: Team, since: date, until: date) -> Sequence[CycleSummary]:
        cycles = (
            team.cycles.filter(starts_on__lte=until, ends_on__gte=since)
            .select_related("idea")
            .order_by("starts_on", "pk")
        )
        rows: list[CycleSummary] = []
        for cycle in cycles:
            stage = selectors.cycle_stage(cycle, today=until)
            label = (
                str(cycle.get_decision_display()) if cycle.decision else str(STAGE_LABELS[stage])
            )
            rows.append(
                CycleSummary(
                    title=cycle.title,
                    started_on=cycle.starts_on,
                    stage=label,
                    learned=cycle.study_text.strip().replace("\n", " "),
                )
            )
        return rows


def leader_section(user: User, today: date) -> list[dict[str, object]] | None:
    """The leaders' view: each team of the leader's organisation with its active aims and
    their charts and its open PDSA cycles, for the results asked for in fixed meetings."""
    from django.utils import timezone

    from forlop.improvement import access
    from forlop.improvement.charts import aim_charts

    teams = list(access.led_teams(user).select_related("network").order_by("name"))
    if not teams:
        return None
    rows: list[dict[str, object]] = []
    for team in teams:
        cycles = [
            {"cycle": cycle, "label": STAGE_LABELS[selectors.cycle_stage(cycle, today=today)]}
            for cycle in selectors.team_cycles(team).filter(decision="").order_by("ends_on", "pk")
        ]
        rows.append(
            {
                "team": team,
                "charts": aim_charts(team, today=today, as_of=timezone.now(), size="small"),
                "cycles": cycles,
                "today": today,
            }
        )
    return rows

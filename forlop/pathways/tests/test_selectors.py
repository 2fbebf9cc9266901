"""Pathway selectors: access, work lists, care plan and the collaboration chain.

Adherence is in ``test_selectors_adherence``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404
from django.utils import translation

from forlop.core.audit import audit_write_queries
from forlop.core.models import AuditEvent, AuditVerb, Role, Unit, User
from forlop.core.tests.factories import OrganisationFactory, UnitFactory
from forlop.pathways import selectors
from forlop.pathways.models import (
    ChainActor,
    ChecklistAnswer,
    TemplateVersion,
)
from forlop.pathways.rules import StopPointStatus
from forlop.pathways.tests.factories import (
    ChecklistItemFactory,
    PathwayFactory,
    StopPointDefinitionFactory,
    StopPointFactory,
    TemplateVersionFactory,
    oslo,
)
from forlop.pathways.tests.helpers import served_patient
from forlop.patients.models import Patient


@pytest.fixture(autouse=True)
def _english():
    """These tests compare messages with their English msgids; pages are tested in Norwegian."""
    with translation.override("en"):
        yield


# Wednesday 11 March 2026, 10:00 in Oslo; the week ends on Sunday 15 March.
NOW = oslo(2026, 3, 11, 10)


def codes(items: list[selectors.WorkItem]) -> list[str]:
    return [item.code for item in items]


# --- access -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pathway_access_ladder(
    patient: Patient,
    district: Unit,
    nurse: User,
    other_municipality: Any,
    make_member: Callable[..., User],
) -> None:
    # given
    pathway = PathwayFactory(patient=patient, unit=district)
    sp = StopPointFactory(pathway=pathway)
    stranger = make_member(UnitFactory(organisation=other_municipality), Role.PRIMARY_CONTACT)
    anonymous = User(username="anon", is_active=False)

    # when / then: no access; only the stranger's refusals are logged (ASVS 7.2.2)
    for user in (anonymous, stranger):
        with pytest.raises(Http404):
            selectors.pathway_get_for_user(user=user, pathway_id=pathway.pk, now=NOW)
        with pytest.raises(Http404):
            selectors.stop_point_get_for_user(user=user, pk=sp.pk, now=NOW)
    with pytest.raises(Http404):
        selectors.pathway_get_for_user(user=nurse, pathway_id=pathway.pk + 1000, now=NOW)
    assert (
        list(AuditEvent.objects.order_by("pk").values_list("verb", "actor", "patient_id"))
        == [(AuditVerb.ACCESS_REFUSED, stranger.pk, patient.pk)] * 2
    )

    # when / then: the nurse of the serving unit gets it, audited
    assert selectors.pathway_get_for_user(user=nurse, pathway_id=pathway.pk, now=NOW) == pathway
    assert selectors.stop_point_get_for_user(user=nurse, pk=sp.pk, now=NOW) == sp
    assert list(
        AuditEvent.objects.exclude(verb=AuditVerb.ACCESS_REFUSED)
        .order_by("pk")
        .values_list("verb", "actor", "patient_id", "data")
    ) == [
        (AuditVerb.PATHWAY_VIEWED, nurse.pk, patient.pk, {"pathway": pathway.pk}),
        (
            AuditVerb.CHECKLIST_VIEWED,
            nurse.pk,
            patient.pk,
            {"stop_point": sp.pk, "code": sp.definition.code},
        ),
    ]


# --- work list ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_worklist_sorts_open_stop_points_by_due_date(
    patient: Patient,
    district: Unit,
    nurse: User,
    make_member: Callable[..., User],
    other_district: Unit,
) -> None:
    # given
    pathway = PathwayFactory(patient=patient, unit=district, primary_contact=nurse)
    overdue = StopPointFactory(
        pathway=pathway, definition__code="OVERDUE", due_at=oslo(2026, 3, 10)
    )
    StopPointFactory(pathway=pathway, definition__code="TODAY", due_at=oslo(2026, 3, 11))
    StopPointFactory(
        pathway=pathway, definition__code="HOURS", due_at=oslo(2026, 3, 11, 9), due_all_day=False
    )
    StopPointFactory(
        pathway=pathway, definition__code="LATER", due_at=oslo(2026, 3, 11, 18), due_all_day=False
    )
    StopPointFactory(pathway=pathway, definition__code="SUNDAY", due_at=oslo(2026, 3, 15))
    StopPointFactory(pathway=pathway, definition__code="NEXT_WEEK", due_at=oslo(2026, 3, 16))
    StopPointFactory(
        pathway=pathway, definition__code="DONE", due_at=oslo(2026, 3, 10), completed_at=NOW
    )
    StopPointFactory(
        pathway=pathway, definition__code="GONE", due_at=oslo(2026, 3, 10), interrupted_at=NOW
    )
    ended = PathwayFactory(patient=patient, unit=district, ended_at=oslo(2026, 3, 9))
    StopPointFactory(pathway=ended, definition__code="ENDED", due_at=oslo(2026, 3, 10))
    elsewhere = PathwayFactory(patient=served_patient(other_district), unit=other_district)
    StopPointFactory(pathway=elsewhere, definition__code="NOT_MINE", due_at=oslo(2026, 3, 10))
    colleague = make_member(district, Role.PRIMARY_CONTACT)
    overdue.assignee = colleague
    overdue.save()

    # when
    result = selectors.worklist(user=nurse, now=NOW)

    # then
    assert codes(result.overdue) == ["OVERDUE", "HOURS"]  # by when the deadline ends
    assert codes(result.due_today) == ["LATER", "TODAY"]
    assert codes(result.due_this_week) == ["SUNDAY"]
    assert result.overdue[0].responsible == colleague
    assert result.due_today[0].responsible == nurse
    assert result.overdue[0].status is StopPointStatus.OVERDUE
    assert result.due_today[1].patient == patient
    assert codes(selectors.worklist(user=nurse, now=NOW, assignee=nurse).overdue) == ["HOURS"]
    assert selectors.worklist(user=nurse, now=NOW, unit=other_district).total == 0
    assert selectors.worklist_counts(user=nurse, now=NOW) == {"overdue": 2, "today": 2}
    assert AuditEvent.objects.filter(verb=AuditVerb.WORKLIST_VIEWED, actor=nurse).count() == 3


@pytest.mark.parametrize("n_patients", [3, 30])
@pytest.mark.django_db
def test_worklist_query_count_is_constant(
    n_patients: int, district: Unit, nurse: User, django_assert_num_queries: Any
) -> None:
    # given: each patient with an overdue, a today and a this-week stop point, some assigned
    version = TemplateVersionFactory()
    for i in range(n_patients):
        pathway = PathwayFactory(
            patient=served_patient(district), unit=district, version=version, primary_contact=nurse
        )
        for day in (10, 11, 13):
            StopPointFactory(
                pathway=pathway, due_at=oslo(2026, 3, day), assignee=nurse if i % 2 else None
            )

    # when: the user's roles, one SELECT for the list, one for the parts of its stop points,
    # and the audit row (its insert, with the chain's head)
    with django_assert_num_queries(3 + audit_write_queries()):
        result = selectors.worklist(user=nurse, now=NOW)
        rendered = [
            (
                item.patient.full_name,
                item.code,
                item.title,
                str(item.responsible),
                item.stop_point.pathway.unit.name,
            )
            for group in (result.overdue, result.due_today, result.due_this_week)
            for item in group
        ]

    # then
    assert len(rendered) == 3 * n_patients
    assert (len(result.overdue), len(result.due_today), len(result.due_this_week)) == (
        n_patients,
    ) * 3
    with django_assert_num_queries(1):
        assert selectors.worklist_counts(user=nurse, now=NOW) == {
            "overdue": n_patients,
            "today": n_patients,
        }


@pytest.mark.django_db
def test_worklist_for_unit_is_an_audited_system_read(patient: Patient, district: Unit) -> None:
    # given
    StopPointFactory(
        pathway=PathwayFactory(patient=patient, unit=district), due_at=oslo(2026, 3, 12)
    )

    # when
    result = selectors.worklist_for_unit(unit=district, now=NOW)

    # then
    assert len(result.due_this_week) == 1
    row = AuditEvent.objects.get()
    # the log names the patients shown, not only how many (ASVS: what was disclosed)
    assert (row.actor, row.verb, row.data) == (
        None,
        AuditVerb.WORKLIST_VIEWED,
        {"unit": district.code, "items": 1, "patients": [patient.pk]},
    )


# --- care plan and chain ------------------------------------------------------------------------


@pytest.mark.django_db
def test_care_plan_has_the_latest_carried_answer_per_key(
    patient: Patient, district: Unit, nurse: User
) -> None:
    # given: the medication item answered in two pathways, a non-carried item, and a cleared one
    first = PathwayFactory(patient=patient, unit=district)
    second = PathwayFactory(patient=patient, unit=district, started_at=oslo(2026, 4, 1))
    old_sp, new_sp = StopPointFactory(pathway=first), StopPointFactory(pathway=second)
    med_old = ChecklistItemFactory(
        definition=old_sp.definition, key="legemidler", carry_to_care_plan=True, domain="medication"
    )
    med_new = ChecklistItemFactory(
        definition=new_sp.definition, key="legemidler", carry_to_care_plan=True, domain="medication"
    )
    private = ChecklistItemFactory(definition=new_sp.definition, key="notat")
    cleared = ChecklistItemFactory(
        definition=new_sp.definition, key="fall", carry_to_care_plan=True
    )
    for sp, item, value, at in [
        (old_sp, med_old, "Dosett", oslo(2026, 3, 3)),
        (new_sp, med_new, "Multidose", oslo(2026, 4, 2)),
        (new_sp, private, "Privat", oslo(2026, 4, 2)),
        (new_sp, cleared, None, oslo(2026, 4, 2)),
    ]:
        ChecklistAnswer.objects.create(
            stop_point=sp, item=item, value=value, answered_by=nurse, answered_at=at
        )

    # when
    plan = selectors.care_plan(patient=patient)

    # then
    assert [(e.key, e.value, e.domain_label, e.pathway_id) for e in plan] == [
        ("legemidler", "Multidose", "Medication", second.pk)
    ]


@pytest.mark.django_db
def test_chain_groups_stop_points_by_actor(
    hph_version: TemplateVersion, patient: Patient, district: Unit
) -> None:
    # given
    pathway = PathwayFactory(patient=patient, unit=district, version=hph_version)
    definitions = {d.code: d for d in hph_version.definitions.all()}
    StopPointFactory(pathway=pathway, definition=definitions["HPH3"], due_at=oslo(2026, 3, 16))
    StopPointFactory(
        pathway=pathway,
        definition=definitions["HPH2"],
        due_at=oslo(2026, 3, 5),
        completed_at=oslo(2026, 3, 4),
    )

    # when
    chain = selectors.pathway_chain(pathway=pathway, now=NOW)

    # then
    lanes = {lane.actor: lane for lane in chain.lanes}
    assert [lane.actor for lane in chain.lanes] == [
        a for a in ChainActor.values if a in {d.actor for d in definitions.values()}
    ]
    assert [(s.code, s.status) for s in lanes[ChainActor.HOME_CARE].stop_points] == [
        ("HPH2", StopPointStatus.DONE)
    ]
    assert [(s.code, s.status) for s in lanes[ChainActor.GP].stop_points] == [
        ("HPH3", StopPointStatus.DUE)
    ]
    assert (chain.previous, chain.next) == (None, None)


@pytest.mark.django_db
def test_own_worklist_is_by_role_and_the_unit_list_and_leader_see_all(
    district: Unit, nurse: User, make_member: Any
) -> None:
    # given a pathway with a nurse's, a GP's and a hospital's stop point, all overdue
    gp_office = OrganisationFactory(
        kind="gp_office", code="gp-sel", municipality=district.organisation
    )
    gp = make_member(
        UnitFactory(organisation=gp_office, kind=Unit.Kind.GP_PRACTICE, code="gp-sel-u"), Role.GP
    )
    leader = make_member(district, Role.UNIT_LEADER)
    patient = served_patient(district)
    patient.gp = gp
    patient.save(update_fields=["gp"])
    version = TemplateVersionFactory()
    pathway = PathwayFactory(patient=patient, unit=district, version=version, primary_contact=nurse)
    for code, role in (
        ("HPH2", Role.PRIMARY_CONTACT),
        ("HPH3", Role.GP),
        ("HPH0", Role.HOSPITAL_NURSE),
    ):
        definition = StopPointDefinitionFactory(version=version, code=code, responsible_role=role)
        StopPointFactory(pathway=pathway, definition=definition, due_at=oslo(2026, 3, 5))

    # when / then: each person's own list holds their role's stop points
    assert codes(selectors.worklist(user=nurse, now=NOW).overdue) == ["HPH2"]
    gp_list = selectors.worklist(user=gp, now=NOW).overdue
    assert codes(gp_list) == ["HPH3"]
    assert gp_list[0].responsible == gp  # the GP answers for the GP visit
    # the unit's list and the leader's list hold everything
    assert sorted(codes(selectors.worklist(user=nurse, now=NOW, unit=district).overdue)) == [
        "HPH0",
        "HPH2",
        "HPH3",
    ]
    assert sorted(codes(selectors.worklist(user=leader, now=NOW).overdue)) == [
        "HPH0",
        "HPH2",
        "HPH3",
    ]

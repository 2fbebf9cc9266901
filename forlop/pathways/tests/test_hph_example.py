"""The HPH example of seed 001's figure, end to end on the shipped HPH template.

From the hospital's report on a Friday afternoon that the patient is ready for discharge to the
four-week conversation: HPH0 and HPH1 on the allocation office's list before the discharge,
the discharge moved by the hospital (the deadlines move with it), a two-day short stay, home,
HPH2 three days after the arrival, HPH3 booked by home care and completed by the GP, and HPH5.
A second test: an admission while HPH3 is overdue leaves it missed, not interrupted.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from forlop.core.models import AuditEvent, AuditVerb, Unit, User
from forlop.pathways import mappers, rules, selectors, services
from forlop.pathways.models import (
    ChecklistItem,
    Pathway,
    PathwayTimeChange,
    ShortStayKind,
    StopPoint,
    TemplateVersion,
)
from forlop.pathways.tests.factories import oslo
from forlop.patients.models import HospitalStay, Patient

S = rules.StopPointStatus
pytestmark = pytest.mark.django_db


def answer_for(item: ChecklistItem) -> Any:
    kinds = ChecklistItem.Kind
    return {
        kinds.YES_NO: True,
        kinds.NUMBER: 1,
        kinds.DATE: "2026-03-20",
        kinds.SINGLE_CHOICE: item.choices[0] if item.choices else None,
        kinds.MULTIPLE_CHOICE: item.choices[:1],
    }.get(item.kind, "Skrevet svar")


def answer_required(stop_point: StopPoint, actor: User, at: datetime, *, part: str) -> None:
    for item in stop_point.definition.items.filter(required=True, part=part):
        if item.kind == ChecklistItem.Kind.WHAT_MATTERS:
            services.checklist_answer_save(
                actor=actor,
                stop_point=stop_point,
                item_id=item.pk,
                value=None,
                not_relevant_reason="Samtalen er ført på målsiden.",
                expected_revision=stop_point.revision,
                now=at,
            )
            continue
        services.checklist_answer_save(
            actor=actor,
            stop_point=stop_point,
            item_id=item.pk,
            value=answer_for(item),
            expected_revision=stop_point.revision,
            now=at,
        )


def sign(stop_point: StopPoint, actor: User, at: datetime) -> None:
    answer_required(stop_point, actor, at, part="")
    services.stop_point_complete(
        actor=actor, stop_point=stop_point, expected_revision=stop_point.revision, now=at
    )


def stop(pathway: Pathway, code: str) -> StopPoint:
    return pathway.stop_points.select_related("definition", "pathway").get(definition__code=code)


def deadline(pathway: Pathway, code: str) -> rules.Deadline:
    return mappers.stop_point_deadline(stop(pathway, code))


def listed(user: User, now: datetime) -> list[str]:
    work = selectors.worklist(user=user, now=now)
    return sorted(item.code for item in [*work.overdue, *work.due_today, *work.due_this_week])


@pytest.fixture
def in_hospital(patient: Patient, ward: Unit) -> HospitalStay:
    """Admitted on Monday 9 March 2026 to the medical ward."""
    return HospitalStay.objects.create(patient=patient, ward=ward, admitted_at=oslo(2026, 3, 9, 14))


@pytest.fixture
def reported(
    hph_version: TemplateVersion,
    patient: Patient,
    district: Unit,
    nurse: User,
    allocation_officer: User,
    in_hospital: HospitalStay,
) -> Pathway:
    """Friday 13 March 2026, 14:00: the hospital reports the patient ready for discharge,
    planned for 18:00 the same day. The allocation office starts HPH on the report."""
    return services.pathway_start(
        actor=allocation_officer,
        patient=patient,
        version=hph_version,
        unit=district,
        start_reason=Pathway.StartReason.DISCHARGE,
        started_at=oslo(2026, 3, 13, 14),
        ready_for_discharge_at=oslo(2026, 3, 13, 14),
        planned_discharge_at=oslo(2026, 3, 13, 18),
        primary_contact=nurse,
        now=oslo(2026, 3, 13, 14, 5),
    )


def test_seed_001_from_a_friday_report_to_the_four_week_conversation(
    reported: Pathway,
    nurse: User,
    allocation_officer: User,
    hospital_nurse: User,
    gp: User,
) -> None:
    pathway = reported
    friday = oslo(2026, 3, 13, 15)

    # then: only HPH0 and HPH1 so far, due before the patient leaves, on the allocation
    # office's list while the patient is still in hospital (and on nobody else's)
    assert set(pathway.stop_points.values_list("definition__code", flat=True)) == {"HPH0", "HPH1"}
    assert deadline(pathway, "HPH0") == rules.Deadline.at(oslo(2026, 3, 13, 18))
    assert deadline(pathway, "HPH1") == rules.Deadline.on_date(date(2026, 3, 13))
    assert listed(allocation_officer, friday) == ["HPH0", "HPH1"]
    assert listed(nurse, friday) == []
    assert listed(hospital_nurse, friday) == []
    assert mappers.stop_point_status(stop(pathway, "HPH0"), now=friday) is S.DUE

    # when: at 16:00 the hospital moves the discharge to Saturday 11:00
    moved = services.pathway_planned_discharge_move(
        actor=hospital_nurse,
        pathway=pathway,
        planned_discharge_at=oslo(2026, 3, 14, 11),
        reason="Venter på svar fra røntgen",
        now=oslo(2026, 3, 13, 16),
    )

    # then: HPH0 and HPH1 move with it, and the change is kept with what it moved
    assert deadline(pathway, "HPH0") == rules.Deadline.at(oslo(2026, 3, 14, 11))
    assert deadline(pathway, "HPH1") == rules.Deadline.on_date(date(2026, 3, 14))
    assert sorted(m.code for m in moved.moved) == ["HPH0", "HPH1"]
    change = PathwayTimeChange.objects.get(pathway=pathway, action="moved")
    assert (change.kind, change.old_value, change.new_value, change.changed_by) == (
        "planned_discharge",
        oslo(2026, 3, 13, 18),
        oslo(2026, 3, 14, 11),
        hospital_nurse,
    )
    assert [m["code"] for m in change.moved] == ["HPH0", "HPH1"]
    assert (
        AuditEvent.objects.filter(
            verb=AuditVerb.PATHWAY_TIME_CORRECTED, target_id=pathway.pk
        ).count()
        == 1
    )
    # at 18:00 on Friday HPH0 is no longer overdue: the patient has not left
    assert mappers.stop_point_status(stop(pathway, "HPH0"), now=oslo(2026, 3, 13, 19)) is S.DUE

    # when: the allocation office has the discharge call on Saturday morning and prepares the
    # return home; the patient leaves at 11:30 for a short-term stay (korttidsopphold)
    sign(stop(pathway, "HPH0"), allocation_officer, oslo(2026, 3, 14, 9))
    sign(stop(pathway, "HPH1"), allocation_officer, oslo(2026, 3, 14, 10))
    services.pathway_discharge_register(
        actor=hospital_nurse,
        pathway=pathway,
        at=oslo(2026, 3, 14, 11, 30),
        short_stay_kind=ShortStayKind.SHORT_TERM,
        now=oslo(2026, 3, 14, 11, 35),
    )

    # then: HPH0 was done before the patient left (its deadline is now the discharge itself);
    # HPH3 counts from the discharge; nothing counted from the arrival home is planned yet
    saturday = oslo(2026, 3, 14, 12)
    assert mappers.stop_point_status(stop(pathway, "HPH0"), now=saturday) is S.DONE
    assert deadline(pathway, "HPH0") == rules.Deadline.at(oslo(2026, 3, 14, 11, 30))
    assert mappers.stop_point_status(stop(pathway, "HPH1"), now=saturday) is S.DONE
    assert deadline(pathway, "HPH3") == rules.Deadline.on_date(date(2026, 3, 28))
    assert not pathway.stop_points.filter(definition__code__in=["HPH2", "HPH5"]).exists()
    pathway.refresh_from_db()
    assert (pathway.short_stay_kind, pathway.short_stay_started_at) == (
        "short_term",
        oslo(2026, 3, 14, 11, 30),
    )

    # when: two days later the patient comes home; the nurse registers the arrival
    services.pathway_arrival_home_register(
        actor=nurse, pathway=pathway, at=oslo(2026, 3, 16, 13), now=oslo(2026, 3, 16, 13, 10)
    )

    # then: HPH2 three days after the arrival, HPH5 four weeks after it, both on her list
    assert deadline(pathway, "HPH2") == rules.Deadline.on_date(date(2026, 3, 19))
    assert deadline(pathway, "HPH5") == rules.Deadline.on_date(date(2026, 4, 13))
    monday = oslo(2026, 3, 16, 14)
    assert listed(nurse, monday) == ["DAILY", "HPH2"]
    assert listed(allocation_officer, monday) == []

    # when: home care does HPH2 on Wednesday and books the GP visit (its part of HPH3)
    sign(stop(pathway, "HPH2"), nurse, oslo(2026, 3, 18, 11))
    hph3 = stop(pathway, "HPH3")
    sign(hph3, nurse, oslo(2026, 3, 18, 12))

    # then: HPH3 is not done: the GP's part waits, on the GP's list and no longer on hers
    hph3.refresh_from_db()
    assert hph3.owner_signed_by == nurse
    assert hph3.completed_at is None
    # (the work list shows this week: HPH3 is due on Saturday 28 March)
    assert "HPH3" in listed(gp, oslo(2026, 3, 23, 8))
    assert "HPH3" not in listed(nurse, oslo(2026, 3, 23, 8))
    owners = selectors.stop_point_owners(
        StopPoint.objects.select_related(*selectors.OWNER_SELECT)
        .prefetch_related(*selectors.OWNER_PREFETCH)
        .get(pk=hph3.pk)
    )
    assert [(o.role, o.person, o.signed_by) for o in owners] == [
        ("primary_contact", nurse, nurse),
        ("gp", gp, None),
    ]
    # the home nurse cannot sign the GP's part
    with pytest.raises(PermissionDenied):
        services.stop_point_part_complete(
            actor=nurse, stop_point=hph3, part="gp", expected_revision=hph3.revision
        )

    # when: the GP sees the patient on 25 March and signs the visit and medication review
    answer_required(hph3, gp, oslo(2026, 3, 25, 10), part="gp")
    services.stop_point_part_complete(
        actor=gp,
        stop_point=hph3,
        part="gp",
        expected_revision=hph3.revision,
        now=oslo(2026, 3, 25, 10),
    )

    # then: HPH3 is done on time, signed last by the GP
    hph3.refresh_from_db()
    assert (hph3.completed_at, hph3.completed_by) == (oslo(2026, 3, 25, 10), gp)
    assert mappers.stop_point_status(hph3, now=oslo(2026, 3, 26)) is S.DONE

    # when: the four-week conversation on 10 April
    sign(stop(pathway, "HPH5"), nurse, oslo(2026, 4, 10, 10))

    # then: all four main checklists, each on time
    statuses = {
        code: mappers.stop_point_status(stop(pathway, code), now=oslo(2026, 4, 20))
        for code in ("HPH0", "HPH2", "HPH3", "HPH5")
    }
    assert statuses == {"HPH0": S.DONE, "HPH2": S.DONE, "HPH3": S.DONE, "HPH5": S.DONE}
    # every time on the timeline was registered by the role that knows it, and kept
    assert list(
        PathwayTimeChange.objects.filter(pathway=pathway)
        .order_by("changed_at", "pk")
        .values_list("kind", "action", "changed_by__username")
    ) == [
        ("ready_for_discharge", "registered", "tildeling"),
        ("planned_discharge", "registered", "tildeling"),
        ("planned_discharge", "moved", "sykehus"),
        ("discharged", "registered", "sykehus"),
        ("short_stay", "registered", "sykehus"),
        ("arrived_home", "registered", "nurse"),
    ]


def test_an_admission_leaves_an_overdue_hph3_missed_not_interrupted(
    reported: Pathway, nurse: User, allocation_officer: User, hospital_nurse: User, gp: User
) -> None:
    # given: discharged home on Saturday 14 March; home care books the GP visit, but the GP's
    # part is not signed by its deadline (Saturday 28 March)
    pathway = reported
    services.pathway_discharge_register(
        actor=hospital_nurse,
        pathway=pathway,
        at=oslo(2026, 3, 14, 11),
        now=oslo(2026, 3, 14, 11, 5),
    )
    services.pathway_arrival_home_register(
        actor=nurse, pathway=pathway, at=oslo(2026, 3, 14, 13), now=oslo(2026, 3, 14, 13, 5)
    )
    sign(stop(pathway, "HPH2"), nurse, oslo(2026, 3, 16, 10))
    sign(stop(pathway, "HPH3"), nurse, oslo(2026, 3, 16, 11))

    # when: the patient is admitted on 30 March, two days after HPH3's deadline
    admitted = oslo(2026, 3, 30, 9)
    services.event_record(
        actor=nurse, patient=pathway.patient, kind="admission", occurred_at=admitted, now=admitted
    )

    # then: HPH3 stays open and counts as missed; HPH5, not yet due, is interrupted
    after = oslo(2026, 3, 30, 10)
    assert mappers.stop_point_status(stop(pathway, "HPH3"), now=after) is S.OVERDUE
    assert stop(pathway, "HPH3").interrupted_at is None
    assert mappers.stop_point_status(stop(pathway, "HPH5"), now=after) is S.INTERRUPTED
    assert rules.is_on_time(mappers.stop_point_state(stop(pathway, "HPH3")), now=after) is False
    assert mappers.stop_point_status(stop(pathway, "HPH2"), now=after) is S.DONE


def test_bad_times_are_refused_and_change_nothing(
    reported: Pathway, nurse: User, allocation_officer: User, hospital_nurse: User, gp: User
) -> None:
    # given
    pathway = reported
    before = (
        list(Pathway.objects.filter(pk=pathway.pk).values()),
        list(StopPoint.objects.values_list("pk", "due_at")),
        PathwayTimeChange.objects.count(),
        AuditEvent.objects.filter(verb__startswith="pathway.time").count(),
    )

    def snapshot() -> tuple[Any, ...]:
        return (
            list(Pathway.objects.filter(pk=pathway.pk).values()),
            list(StopPoint.objects.values_list("pk", "due_at")),
            PathwayTimeChange.objects.count(),
            AuditEvent.objects.filter(verb__startswith="pathway.time").count(),
        )

    from django.core.exceptions import ValidationError

    # when / then: a discharge more than a year ahead
    with pytest.raises(ValidationError) as exc:
        services.pathway_planned_discharge_move(
            actor=hospital_nurse,
            pathway=pathway,
            planned_discharge_at=oslo(2027, 3, 20, 11),
            now=oslo(2026, 3, 13, 16),
        )
    assert exc.value.code == "planned_too_far"
    assert "mer enn ett år" in exc.value.messages[0]
    # a correction without a reason
    with pytest.raises(ValidationError) as exc:
        services.pathway_time_correct(
            actor=allocation_officer,
            pathway=pathway,
            kind="ready_for_discharge",
            at=oslo(2026, 3, 13, 13),
            reason="  ",
            now=oslo(2026, 3, 13, 16),
        )
    assert exc.value.code == "reason"
    # the arrival home before the discharge
    services.pathway_discharge_register(
        actor=hospital_nurse, pathway=pathway, at=oslo(2026, 3, 14, 11), now=oslo(2026, 3, 14, 12)
    )
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.pathway_arrival_home_register(
            actor=nurse, pathway=pathway, at=oslo(2026, 3, 14, 10), now=oslo(2026, 3, 14, 12)
        )
    assert exc.value.code == "arrival_before_discharge"
    assert exc.value.messages == ["Pasienten kan ikke komme hjem før utskrivningen."]
    # a role without rights: the GP registers the arrival home
    with pytest.raises(PermissionDenied) as denied:
        services.pathway_arrival_home_register(
            actor=gp, pathway=pathway, at=oslo(2026, 3, 14, 13), now=oslo(2026, 3, 14, 14)
        )
    assert "Din rolle kan ikke registrere" in str(denied.value)
    # and the nurse may not move the hospital's plan
    with pytest.raises(PermissionDenied):
        services.pathway_time_correct(
            actor=nurse,
            pathway=pathway,
            kind="ready_for_discharge",
            at=oslo(2026, 3, 13, 13),
            reason="Feil klokkeslett",
            now=oslo(2026, 3, 14, 14),
        )
    assert snapshot() == before

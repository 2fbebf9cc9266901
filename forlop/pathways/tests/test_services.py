"""Pathway services: bad input is refused with a stable code and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from forlop.authoring.defaults import install_national_defaults
from forlop.core.models import AuditEvent, AuditVerb, Role, Unit, User
from forlop.core.tests.factories import UnitFactory
from forlop.demo.loader import load_demo
from forlop.demo.pathways import load_pathway_demo
from forlop.pathways import selectors, services
from forlop.pathways.models import (
    AnchorChoices,
    ChecklistAnswer,
    ChecklistItem,
    Pathway,
    PathwayEvent,
    StopPoint,
    TemplateVersion,
    TriggerChoices,
)
from forlop.pathways.tests.factories import (
    ChecklistItemFactory,
    StopPointDefinitionFactory,
    TemplateVersionFactory,
    oslo,
)
from forlop.patients.models import HospitalStay, Patient

NOW = oslo(2026, 3, 10, 15)


def snapshot() -> dict[str, Any]:
    return {
        "pathways": Pathway.objects.count(),
        "stop_points": list(
            StopPoint.objects.order_by("pk").values_list(
                "pk", "revision", "completed_at", "not_relevant_at", "interrupted_at", "assignee"
            )
        ),
        "answers": list(
            ChecklistAnswer.objects.order_by("pk").values_list("pk", "value", "revision")
        ),
        "events": PathwayEvent.objects.count(),
        "audit": AuditEvent.objects.count(),
        "stays": HospitalStay.objects.count(),
    }


@pytest.fixture
def start(
    hph_version: TemplateVersion, patient: Patient, district: Unit, nurse: User
) -> Callable[..., Pathway]:
    def make(**kwargs: Any) -> Pathway:
        values: dict[str, Any] = {
            "actor": nurse,
            "patient": patient,
            "version": hph_version,
            "unit": district,
            "start_reason": Pathway.StartReason.DISCHARGE,
            "started_at": oslo(2026, 3, 10, 9),
            "discharged_at": oslo(2026, 3, 10, 11),
            "arrived_home_at": oslo(2026, 3, 10, 14),
            "primary_contact": nurse,
            "now": NOW,
        }
        values.update(kwargs)
        return services.pathway_start(**values)

    return make


def stop(pathway: Pathway, code: str) -> StopPoint:
    return pathway.stop_points.select_related("definition").get(definition__code=code)


def item(stop_point: StopPoint, key: str) -> ChecklistItem:
    return stop_point.definition.items.get(key=key)


# --- pathway_start / preview ------------------------------------------------------------------


@pytest.mark.django_db
def test_preview_writes_nothing_and_matches_the_start(
    hph_version: TemplateVersion, start: Callable[..., Pathway]
) -> None:
    # given
    before = snapshot()

    # when
    rows = services.pathway_preview(
        version=hph_version,
        start_reason=Pathway.StartReason.DISCHARGE,
        started_at=oslo(2026, 3, 10, 9),
        discharged_at=oslo(2026, 3, 10, 11),
        arrived_home_at=oslo(2026, 3, 10, 14),
    )

    # then
    assert snapshot() == before
    assert [(r.code, r.due_at.date(), r.all_day) for r in rows if r.code in ("HPH2", "HPH3")] == [
        ("HPH2", date(2026, 3, 13), True),
        ("HPH3", date(2026, 3, 24), True),
    ]
    pathway = start()
    assert sorted(r.code for r in rows) == sorted(
        pathway.stop_points.values_list("definition__code", flat=True)
    )


@pytest.mark.django_db
def test_start_refuses_an_unpublished_version(
    hph_version: TemplateVersion, start: Callable[..., Pathway]
) -> None:
    # given
    draft = TemplateVersionFactory(
        template=hph_version.template, number=2, status=TemplateVersion.Status.DRAFT
    )
    StopPointDefinitionFactory(version=draft)
    before = snapshot()

    # when
    with pytest.raises(ValidationError) as exc:
        start(version=draft)

    # then
    assert exc.value.code == "unpublished"
    assert snapshot() == before


@pytest.mark.django_db
def test_start_at_home_anchors_on_the_start(
    hph_version: TemplateVersion, patient: Patient, district: Unit, nurse: User
) -> None:
    # when: a decline at home, no hospital
    pathway = services.pathway_start(
        actor=nurse,
        patient=patient,
        version=hph_version,
        unit=district,
        start_reason=Pathway.StartReason.DECLINE,
        started_at=oslo(2026, 5, 12, 13),
        now=oslo(2026, 5, 12, 13),
    )

    # then: nothing anchored on a discharge; HPH2 three days after the start
    codes = set(pathway.stop_points.values_list("definition__code", flat=True))
    assert "HPH0" not in codes
    assert stop(pathway, "HPH2").due_at == oslo(2026, 5, 15)


@pytest.mark.django_db
def test_start_refuses_a_second_running_pathway(start: Callable[..., Pathway]) -> None:
    # given
    start()
    before = snapshot()

    # when
    with pytest.raises(ValidationError) as exc:
        start()

    # then
    assert exc.value.code == "already_running"
    assert snapshot() == before


@pytest.mark.django_db
def test_anchors_set_plans_the_waiting_stop_points(
    start: Callable[..., Pathway], nurse: User
) -> None:
    # given: the discharge is known, the arrival home is not
    pathway = start(arrived_home_at=None)
    assert not pathway.stop_points.filter(definition__code="HPH2").exists()

    # when
    created = services.pathway_anchors_set(
        actor=nurse, pathway=pathway, arrived_home_at=oslo(2026, 3, 11, 10), now=NOW.replace(day=11)
    )

    # then
    assert sorted(sp.definition.code for sp in created) == ["DAILY", "HPH2", "HPH5"]
    assert stop(pathway, "HPH2").due_at == oslo(2026, 3, 14)


# --- checklists ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_answer_for_an_item_of_another_version_is_refused(
    start: Callable[..., Pathway], nurse: User
) -> None:
    # given: an item with the same key in another version
    hph2 = stop(start(), "HPH2")
    other = ChecklistItemFactory(key="legemiddelliste")
    before = snapshot()

    # when
    with pytest.raises(ValidationError) as exc:
        services.checklist_answer_save(
            actor=nurse,
            stop_point=hph2,
            item_id=other.pk,
            value=True,
            expected_revision=hph2.revision,
            now=NOW,
        )

    # then
    assert exc.value.code == "wrong_version"
    assert snapshot() == before


@pytest.mark.django_db
def test_stale_edit_is_a_conflict(
    start: Callable[..., Pathway], nurse: User, make_member: Callable[..., User], district: Unit
) -> None:
    # given: two nurses open the same checklist at revision 0; the colleague saves first
    hph2 = stop(start(), "HPH2")
    colleague = make_member(district, Role.PRIMARY_CONTACT)
    mine = StopPoint.objects.get(pk=hph2.pk)
    yes_no = hph2.definition.items.filter(kind=ChecklistItem.Kind.YES_NO).first()
    services.checklist_answer_save(
        actor=colleague,
        stop_point=hph2,
        item_id=yes_no.pk,
        value=True,
        expected_revision=0,
        now=NOW,
    )
    before = snapshot()

    # when
    with pytest.raises(services.ChecklistConflict) as exc:
        services.checklist_answer_save(
            actor=nurse,
            stop_point=mine,
            item_id=yes_no.pk,
            value=False,
            expected_revision=mine.revision,
            now=NOW,
        )

    # then
    assert exc.value.code == "conflict"
    assert snapshot() == before
    assert ChecklistAnswer.objects.get(item=yes_no).value is True


@pytest.mark.django_db
def test_completion_with_required_items_missing_is_refused(
    start: Callable[..., Pathway], nurse: User
) -> None:
    # given: one of the required items answered
    hph6_free = stop(start(), "HPH0")
    first = hph6_free.definition.items.filter(required=True).first()
    services.checklist_answer_save(
        actor=nurse,
        stop_point=hph6_free,
        item_id=first.pk,
        value=True,
        expected_revision=0,
        now=NOW,
    )
    before = snapshot()

    # when
    with pytest.raises(ValidationError) as exc:
        services.stop_point_complete(
            actor=nurse, stop_point=hph6_free, expected_revision=hph6_free.revision, now=NOW
        )

    # then: the message lists the missing questions
    assert exc.value.code == "required_missing"
    missing = list(
        hph6_free.definition.items.filter(required=True)
        .exclude(pk=first.pk)
        .values_list("text", flat=True)
    )
    assert exc.value.params == {"items": "; ".join(missing)}
    assert all(text in exc.value.messages[0] for text in missing)
    assert snapshot() == before


@pytest.mark.django_db
def test_reopen_without_reason_is_refused(start: Callable[..., Pathway], nurse: User) -> None:
    # given: a signed checklist
    sp = stop(start(), "HPH0")
    services.stop_point_mark_not_relevant(
        actor=nurse, stop_point=sp, reason="Ikke aktuelt", now=NOW
    )
    before = snapshot()

    # when
    with pytest.raises(ValidationError) as exc:
        services.stop_point_reopen(actor=nurse, stop_point=sp, reason="  ok ", now=NOW)

    # then
    assert exc.value.code == "reason"
    assert snapshot() == before


@pytest.mark.django_db
def test_complete_reopen_and_complete_again(start: Callable[..., Pathway], nurse: User) -> None:
    # given: HPH6-free stop point with every required item answered
    sp = stop(start(), "HPH0")
    for required in sp.definition.items.filter(required=True):
        services.checklist_answer_save(
            actor=nurse,
            stop_point=sp,
            item_id=required.pk,
            value=True,
            expected_revision=sp.revision,
            now=NOW,
        )

    # when
    services.stop_point_complete(actor=nurse, stop_point=sp, expected_revision=sp.revision, now=NOW)
    services.stop_point_reopen(
        actor=nurse, stop_point=sp, reason="Feil i legemiddellisten", now=NOW
    )

    # then
    sp.refresh_from_db()
    assert (sp.completed_at, sp.completed_by) == (None, None)
    reopened = AuditEvent.objects.get(verb=AuditVerb.CHECKLIST_REOPENED)
    assert reopened.reason == "Feil i legemiddellisten"
    with pytest.raises(ValidationError) as exc:
        services.checklist_answer_save(
            actor=nurse,
            stop_point=sp,
            item_id=required.pk,
            value=True,
            expected_revision=sp.revision - 1,
            now=NOW,
        )
    assert exc.value.code == "conflict"
    services.stop_point_complete(actor=nurse, stop_point=sp, expected_revision=sp.revision, now=NOW)
    assert StopPoint.objects.get(pk=sp.pk).completed_by == nurse


@pytest.mark.django_db
def test_answer_audit_holds_the_key_not_the_text(
    start: Callable[..., Pathway], nurse: User
) -> None:
    # given
    sp = stop(start(), "HPH3")
    text_item = sp.definition.items.filter(kind=ChecklistItem.Kind.TEXT).first()

    # when
    answer = services.checklist_answer_save(
        actor=nurse,
        stop_point=sp,
        item_id=text_item.pk,
        value="  Hemmelig funn  ",
        expected_revision=0,
        now=NOW,
    )

    # then
    assert answer.value == "Hemmelig funn"
    assert sp.revision == 1
    row = AuditEvent.objects.get(verb=AuditVerb.CHECKLIST_ANSWERED)
    assert row.data == {"item": text_item.key, "not_relevant": False, "cleared": False}
    assert "Hemmelig" not in str(row.data)


def _version_with(kind: str, **item_kwargs: Any) -> tuple[TemplateVersion, ChecklistItem]:
    definition = StopPointDefinitionFactory(code="X1")
    return definition.version, ChecklistItemFactory(definition=definition, kind=kind, **item_kwargs)


@pytest.mark.parametrize(
    ("kind", "extra", "value", "stored"),
    [
        (ChecklistItem.Kind.YES_NO, {}, False, False),
        (ChecklistItem.Kind.NUMBER, {"number_unit": "kg"}, Decimal("61.5"), 61.5),
        (ChecklistItem.Kind.NUMBER, {}, "72,0", 72),
        (ChecklistItem.Kind.SINGLE_CHOICE, {"choices": ["Lav", "Høy"]}, "Høy", "Høy"),
        (ChecklistItem.Kind.MULTIPLE_CHOICE, {"choices": ["a", "b", "c"]}, ["c", "a"], ["a", "c"]),
        (ChecklistItem.Kind.DATE, {}, date(2026, 3, 12), "2026-03-12"),
        (ChecklistItem.Kind.DATE, {}, "2026-03-12", "2026-03-12"),
        (ChecklistItem.Kind.TEXT, {}, "x" * 2000, "x" * 2000),
    ],
)
@pytest.mark.django_db
def test_valid_values_are_stored(
    kind: str,
    extra: dict[str, Any],
    value: Any,
    stored: Any,
    patient: Patient,
    district: Unit,
    nurse: User,
) -> None:
    # given
    version, the_item = _version_with(kind, **extra)
    pathway = services.pathway_start(
        actor=nurse,
        patient=patient,
        version=version,
        unit=district,
        start_reason=Pathway.StartReason.NEW_USER,
        started_at=NOW,
        now=NOW,
    )
    sp = pathway.stop_points.get()

    # when
    answer = services.checklist_answer_save(
        actor=nurse, stop_point=sp, item_id=the_item.pk, value=value, expected_revision=0, now=NOW
    )

    # then
    answer.refresh_from_db()
    assert answer.value == stored


@pytest.mark.parametrize(
    ("kind", "extra", "value", "reason", "code"),
    [
        (ChecklistItem.Kind.YES_NO, {}, "yes", "", "invalid_value"),
        (ChecklistItem.Kind.NUMBER, {}, "many", "", "invalid_value"),
        (ChecklistItem.Kind.NUMBER, {}, True, "", "invalid_value"),
        (ChecklistItem.Kind.SINGLE_CHOICE, {"choices": ["Lav"]}, "Høy", "", "invalid_value"),
        (ChecklistItem.Kind.MULTIPLE_CHOICE, {"choices": ["a"]}, ["a", "b"], "", "invalid_value"),
        (ChecklistItem.Kind.DATE, {}, "12.03.2026", "", "invalid_value"),
        (ChecklistItem.Kind.TEXT, {}, "x" * 2001, "", "invalid_value"),
        (
            ChecklistItem.Kind.YES_NO,
            {"allow_not_relevant": False},
            None,
            "Ikke aktuelt",
            "not_relevant_not_allowed",
        ),
        (ChecklistItem.Kind.YES_NO, {}, True, "Ikke aktuelt", "invalid_value"),
    ],
)
@pytest.mark.django_db
def test_invalid_values_are_refused(
    kind: str,
    extra: dict[str, Any],
    value: Any,
    reason: str,
    code: str,
    patient: Patient,
    district: Unit,
    nurse: User,
) -> None:
    # given
    version, the_item = _version_with(kind, **extra)
    pathway = services.pathway_start(
        actor=nurse,
        patient=patient,
        version=version,
        unit=district,
        start_reason=Pathway.StartReason.NEW_USER,
        started_at=NOW,
        now=NOW,
    )
    sp = pathway.stop_points.get()
    before = snapshot()

    # when
    with pytest.raises(ValidationError) as exc:
        services.checklist_answer_save(
            actor=nurse,
            stop_point=sp,
            item_id=the_item.pk,
            value=value,
            not_relevant_reason=reason,
            expected_revision=0,
            now=NOW,
        )

    # then
    assert exc.value.code == code
    assert snapshot() == before


@pytest.mark.django_db
def test_not_relevant_answer_counts_for_required(
    patient: Patient, district: Unit, nurse: User
) -> None:
    # given: one required item that may be not relevant
    version, the_item = _version_with(ChecklistItem.Kind.TEXT, required=True)
    pathway = services.pathway_start(
        actor=nurse,
        patient=patient,
        version=version,
        unit=district,
        start_reason=Pathway.StartReason.NEW_USER,
        started_at=NOW,
        now=NOW,
    )
    sp = pathway.stop_points.get()

    # when
    services.checklist_answer_save(
        actor=nurse,
        stop_point=sp,
        item_id=the_item.pk,
        value=None,
        not_relevant_reason="Bruker ønsker ikke",
        expected_revision=0,
        now=NOW,
    )
    services.stop_point_complete(actor=nurse, stop_point=sp, expected_revision=1, now=NOW)

    # then
    assert StopPoint.objects.get(pk=sp.pk).completed_at == NOW
    with pytest.raises(ValidationError) as exc:
        services.checklist_answer_save(
            actor=nurse, stop_point=sp, item_id=the_item.pk, value="x", expected_revision=2, now=NOW
        )
    assert exc.value.code == "completed"


@pytest.mark.django_db
def test_completion_opens_the_next_stop_point(
    patient: Patient, district: Unit, nurse: User
) -> None:
    # given: B follows A, 10 working days after A is done
    version = TemplateVersionFactory()
    StopPointDefinitionFactory(version=version, code="A")
    StopPointDefinitionFactory(
        version=version,
        code="B",
        trigger=TriggerChoices.AFTER_STOP_POINT,
        after_code="A",
        anchor=AnchorChoices.PREVIOUS_DONE,
        deadline_amount=10,
        deadline_unit="working_days",
    )
    pathway = services.pathway_start(
        actor=nurse,
        patient=patient,
        version=version,
        unit=district,
        start_reason=Pathway.StartReason.NEW_USER,
        started_at=NOW,
        now=NOW,
    )
    a = pathway.stop_points.get()

    # when: done on Wednesday 11 March 2026
    services.stop_point_complete(
        actor=nurse, stop_point=a, expected_revision=0, now=oslo(2026, 3, 11, 10)
    )

    # then
    b = pathway.stop_points.get(definition__code="B")
    assert (b.due_at, b.triggered_at) == (oslo(2026, 3, 25), oslo(2026, 3, 11, 10))
    assert AuditEvent.objects.get(verb=AuditVerb.CHECKLIST_COMPLETED).data == {
        "code": "A",
        "on_time": True,
        "opened": ["B"],
    }


@pytest.mark.django_db
def test_mark_not_relevant_and_assign(
    start: Callable[..., Pathway], nurse: User, make_member: Callable[..., User], district: Unit
) -> None:
    # given
    pathway = start()
    sp = stop(pathway, "HPH3")
    colleague = make_member(district, Role.PRIMARY_CONTACT)

    # when
    services.stop_point_assign(actor=nurse, stop_point=sp, assignee=colleague)
    with pytest.raises(ValidationError) as exc:
        services.stop_point_mark_not_relevant(actor=nurse, stop_point=sp, reason=" ", now=NOW)
    services.stop_point_mark_not_relevant(
        actor=nurse, stop_point=sp, reason="Har ikke fastlege", now=NOW
    )

    # then
    assert exc.value.code == "reason"
    sp.refresh_from_db()
    assert (sp.assignee, sp.not_relevant_reason, sp.revision) == (colleague, "Har ikke fastlege", 2)


# --- events -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_event_in_the_future_is_refused(
    start: Callable[..., Pathway], patient: Patient, nurse: User
) -> None:
    # given
    start()
    before = snapshot()

    # when
    with pytest.raises(ValidationError) as exc:
        services.event_record(
            actor=nurse, patient=patient, kind="fall", occurred_at=oslo(2026, 3, 10, 15, 6), now=NOW
        )

    # then
    assert exc.value.code == "future"
    assert snapshot() == before


@pytest.mark.django_db
def test_return_home_without_admission_is_refused(
    start: Callable[..., Pathway], patient: Patient, nurse: User
) -> None:
    # given
    start()
    before = snapshot()

    # when
    with pytest.raises(ValidationError) as exc:
        services.event_record(
            actor=nurse, patient=patient, kind="return_home", occurred_at=NOW, now=NOW
        )

    # then
    assert exc.value.code == "not_admitted"
    assert snapshot() == before


@pytest.mark.django_db
def test_admission_to_a_ward_and_back_home(
    start: Callable[..., Pathway], patient: Patient, nurse: User, municipality: Any
) -> None:
    # given
    first = start()
    ward = UnitFactory(kind=Unit.Kind.HOSPITAL_WARD, code="ward")
    admitted, back = oslo(2026, 3, 12, 8), oslo(2026, 3, 14, 10)

    # when: admitted, the report is not sent in time, then home again
    services.event_record(
        actor=nurse,
        patient=patient,
        kind="admission",
        occurred_at=admitted,
        ward=ward,
        now=admitted,
    )
    with pytest.raises(ValidationError) as exc:  # already admitted: nothing half-saved
        services.event_record(
            actor=nurse,
            patient=patient,
            kind="admission",
            occurred_at=admitted,
            ward=ward,
            now=admitted,
        )
    services.event_record(
        actor=nurse, patient=patient, kind="return_home", occurred_at=back, now=back
    )

    # then
    assert exc.value.code == "already_admitted"
    assert PathwayEvent.objects.filter(kind="admission").count() == 1
    stay = HospitalStay.objects.get(patient=patient)
    assert (stay.ward, stay.admitted_at, stay.discharged_at) == (ward, admitted, back)
    hph6 = stop(first, "HPH6")
    assert hph6.interrupted_at is None  # missed, and stays counted as missed
    second = Pathway.objects.get(previous=first)
    assert second.ended_at is None


@pytest.mark.django_db
def test_death_ends_the_pathway(
    start: Callable[..., Pathway], patient: Patient, nurse: User
) -> None:
    # given
    pathway = start()
    died = oslo(2026, 3, 11, 3)

    # when
    services.event_record(
        actor=nurse, patient=patient, kind="death", occurred_at=died, now=NOW.replace(day=11)
    )

    # then
    pathway.refresh_from_db()
    assert (pathway.ended_at, pathway.end_reason) == (died, "death")
    assert not pathway.stop_points.filter(
        completed_at__isnull=True, interrupted_at__isnull=True, not_relevant_at__isnull=True
    ).exists()
    assert (
        AuditEvent.objects.filter(verb=AuditVerb.EVENT_RECORDED, patient_id=patient.pk).count() == 1
    )


@pytest.mark.django_db
def test_repeated_falls_open_several_hph4(
    start: Callable[..., Pathway], patient: Patient, nurse: User
) -> None:
    # given
    pathway = start()

    # when
    for hour in (10, 12):
        services.event_record(
            actor=nurse,
            patient=patient,
            kind="decline",
            occurred_at=oslo(2026, 3, 10, hour),
            now=NOW,
        )

    # then
    assert list(
        pathway.stop_points.filter(definition__code="HPH4")
        .order_by("occurrence")
        .values_list("occurrence", "due_at")
    ) == [(1, oslo(2026, 3, 10, 10)), (2, oslo(2026, 3, 10, 12))]


# --- demo ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_pathways_are_idempotent_and_varied() -> None:
    # given
    today = date(2026, 3, 11)
    # when (forlop demo loads the pathway demo as one of its parts)
    created = load_demo(today=today)["pathways"]
    again = load_pathway_demo(today=today)

    # then
    assert created > 15
    assert again == 0
    now = oslo(2026, 3, 11, 7)
    nurse = User.objects.get(username="sykepleier")
    work = selectors.worklist(user=nurse, now=now)
    assert work.overdue
    assert work.due_today
    assert work.due_this_week
    assert Pathway.objects.filter(previous__isnull=False).count() == 1
    assert StopPoint.objects.filter(definition__code="HPH4").exists()
    assert StopPoint.objects.filter(definition__code="HPH6").count() >= 2
    assert StopPoint.objects.filter(completed_at__isnull=False).exists()
    patient = (
        Pathway.objects.filter(stop_points__answers__item__carry_to_care_plan=True).first().patient
    )
    assert selectors.care_plan(patient=patient)


@pytest.mark.django_db
def test_admission_interrupts_every_running_pathway_and_opens_hph6_once(
    start: Callable[..., Pathway], patient: Patient, district: Unit, nurse: User
) -> None:
    # given: an HPH pathway and, started later, a decline-at-home pathway (also with HPH6)
    hph = start()
    decline_version = install_national_defaults()["decline-at-home"].versions.get(number=1)
    decline = services.pathway_start(
        actor=nurse,
        patient=patient,
        version=decline_version,
        unit=district,
        start_reason=Pathway.StartReason.DECLINE,
        started_at=oslo(2026, 3, 10, 12),
        now=NOW,
    )
    admitted = oslo(2026, 3, 11, 9)

    # when
    event = services.event_record(
        actor=nurse, patient=patient, kind="admission", occurred_at=admitted, now=admitted
    )

    # then: nothing open is left but one HPH6, in the newest pathway
    open_points = StopPoint.objects.filter(
        pathway__patient=patient,
        completed_at__isnull=True,
        not_relevant_at__isnull=True,
        interrupted_at__isnull=True,
    )
    assert list(open_points.values_list("pathway", "definition__code")) == [(decline.pk, "HPH6")]
    assert event.pathway == decline
    assert hph.stop_points.filter(interrupted_at=admitted).count() == hph.stop_points.count()
    row = AuditEvent.objects.get(verb=AuditVerb.EVENT_RECORDED)
    assert row.data["opened"] == ["HPH6"]
    assert sorted(row.data["pathways"]) == sorted([hph.pk, decline.pk])

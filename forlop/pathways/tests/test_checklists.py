"""Checklists and stop points: answers, conflicts, signing, reopening, not relevant, assigning."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from forlop.core.models import AuditEvent, AuditVerb, Role, Unit, User
from forlop.pathways import services
from forlop.pathways.models import (
    AnchorChoices,
    ChecklistAnswer,
    ChecklistItem,
    Pathway,
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
from forlop.pathways.tests.helpers import NOW, snapshot, stop
from forlop.patients.models import Patient

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
        "part": "owner",
        "completed": True,
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

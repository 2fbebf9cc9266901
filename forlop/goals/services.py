"""Writes for 'what matters to you': goals, scorings, proposals and portal accounts.

Every service opens a transaction, applies the pure rules in `rules.py`, saves and writes an
audit row. A broken rule raises `ValidationError` (with the rule's stable code) before anything
is saved, so each call is all or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, User
from forlop.core.tz import OSLO
from forlop.goals import rules
from forlop.goals.error_codes import GoalErrorCode as Code
from forlop.goals.models import (
    AnsweredBy,
    Goal,
    GoalChange,
    PatientProposal,
    Score,
    Scoring,
    WhatMattersForm,
    WhatMattersFormVersion,
    WhatMattersQuestion,
)
from forlop.goals.plugins import WhatMattersLink
from forlop.pathways import services as pathway_services
from forlop.pathways.models import ChecklistItem, Pathway, StopPoint
from forlop.patients.models import Patient
from forlop.patients.selectors import PatientAccess, patient_access_require

NATIONAL_FORM_NAME = "Hva er viktig for deg?"

# Question texts of the national default (the PSFS question as the KS guide asks it).
# Sami versions are added as rows when a validated translation is available.
DEFAULT_QUESTIONS: dict[str, tuple[str, str, str]] = {
    "nb": (
        "Hva er viktig for deg? Hvilke aktiviteter er viktige for deg og vanskelige å utføre nå?",
        "Klarer ikke å utføre aktiviteten",
        "Klarer å utføre aktiviteten like godt som før",
    ),
    "nn": (
        "Kva er viktig for deg? Kva aktivitetar er viktige for deg og vanskelege å utføre no?",
        "Klarer ikkje å utføre aktiviteten",
        "Klarer å utføre aktiviteten like godt som før",
    ),
    "en": (
        "What matters to you? Which activities matter to you and are hard to do now?",
        "Unable to perform the activity",
        "Able to perform the activity as well as before",
    ),
}


def _access(actor: User, patient_id: int) -> PatientAccess:
    """The actor's service need for the patient; ``PermissionDenied`` without one."""
    return patient_access_require(user=actor, patient_id=patient_id, now=timezone.now())


def _as_validation_error(exc: rules.GoalRuleError) -> ValidationError:
    return ValidationError(str(exc.message), code=exc.code, params=exc.params or None)


def form_version_national_default_ensure() -> WhatMattersFormVersion:
    """The national default form's published version, created on first use (idempotent)."""
    with transaction.atomic():
        form = WhatMattersForm.objects.filter(organisation__isnull=True).order_by("pk").first()
        if form is None:
            form = WhatMattersForm.objects.create(name=NATIONAL_FORM_NAME)
        version = form.versions.filter(published=True).order_by("-number").first()
        if version is not None:
            return version
        version = WhatMattersFormVersion.objects.create(
            form=form, number=1, published=True, published_at=timezone.now()
        )
        WhatMattersQuestion.objects.bulk_create(
            WhatMattersQuestion(
                version=version, language=lang, text=text, anchor_min=low, anchor_max=high
            )
            for lang, (text, low, high) in DEFAULT_QUESTIONS.items()
        )
    return version


def form_version_for_patient(*, patient: Patient) -> WhatMattersFormVersion:
    """The version a patient's goals use: the version already in use, else the municipality's
    latest published version, else the national default."""
    in_use = Goal.objects.filter(patient=patient).select_related("version").last()
    if in_use is not None:
        return in_use.version
    version = (
        WhatMattersFormVersion.objects.filter(
            form__organisation_id=patient.municipality_id, published=True
        )
        .order_by("-number")
        .first()
    )
    return version or form_version_national_default_ensure()


def _clean_text(text: str) -> str:
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise ValidationError(
            _("Write the goal in the patient's own words."), code=Code.GOAL_TEXT_REQUIRED
        )
    return cleaned


def goal_add(
    *,
    patient: Patient,
    actor: User,
    text: str,
    answered_by: str = AnsweredBy.PATIENT,
    version: WhatMattersFormVersion | None = None,
) -> Goal:
    """Add a goal in the patient's own words. Refuses empty text and more than max_goals."""
    text = _clean_text(text)
    access = _access(actor, patient.pk)
    with transaction.atomic():
        # Lock the patient row so two nurses adding at once cannot pass the count together.
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        version = version or form_version_for_patient(patient=patient)
        active = Goal.objects.filter(patient=patient, status=Goal.Status.ACTIVE).count()
        try:
            rules.validate_goal_count(active, version.max_goals)
        except rules.GoalCountError as exc:
            raise _as_validation_error(exc) from None
        goal = Goal(
            patient=patient,
            version=version,
            text=text,
            answered_by=answered_by,
            created_by=actor,
        )
        goal.full_clean()
        goal.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.GOAL_CHANGED,
            emergency=access.emergency,
            reason=access.reason,
            patient_id=patient.pk,
            target=goal,
            data={"action": "added"},
        )
    return goal


def goal_update(*, goal: Goal, actor: User, text: str, note: str = "") -> Goal:
    """Reword a goal; the previous wording is kept as a GoalChange."""
    text = _clean_text(text)
    access = _access(actor, goal.patient_id)
    with transaction.atomic():
        goal = Goal.objects.select_for_update().get(pk=goal.pk)
        if text == goal.text:
            return goal
        GoalChange.objects.create(
            goal=goal,
            changed_by=actor,
            old_text=goal.text,
            new_text=text,
            old_status=goal.status,
            new_status=goal.status,
            note=note,
        )
        goal.text = text
        goal.full_clean()
        goal.save(update_fields=["text", "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.GOAL_CHANGED,
            emergency=access.emergency,
            reason=access.reason,
            patient_id=goal.patient_id,
            target=goal,
            data={"action": "reworded"},
        )
    return goal


def goal_status_change(*, goal: Goal, actor: User, status: str, note: str = "") -> Goal:
    """Mark a goal reached, changed or dropped (or active again); the history is kept."""
    if status not in Goal.Status.values:
        raise ValidationError(_("Unknown status."), code=Code.INVALID_STATUS)
    access = _access(actor, goal.patient_id)
    with transaction.atomic():
        goal = Goal.objects.select_for_update().get(pk=goal.pk)
        if status == goal.status:
            return goal
        if status == Goal.Status.ACTIVE:
            active = Goal.objects.filter(patient_id=goal.patient_id, status=Goal.Status.ACTIVE)
            try:
                rules.validate_goal_count(active.count(), goal.version.max_goals)
            except rules.GoalCountError as exc:
                raise _as_validation_error(exc) from None
        GoalChange.objects.create(
            goal=goal,
            changed_by=actor,
            old_text=goal.text,
            new_text=goal.text,
            old_status=goal.status,
            new_status=status,
            note=note,
        )
        goal.status = status
        goal.status_changed_at = timezone.now()
        goal.save(update_fields=["status", "status_changed_at", "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.GOAL_CHANGED,
            emergency=access.emergency,
            reason=access.reason,
            patient_id=goal.patient_id,
            target=goal,
            data={"action": "status", "status": status},
        )
    return goal


def goal_edit(*, goal: Goal, actor: User, text: str, status: str, note: str = "") -> Goal:
    """The goal page's edit form: reword and change status in one transaction, both or
    neither (each step keeps its own history row and audit row)."""
    with transaction.atomic():
        goal = goal_update(goal=goal, actor=actor, text=text, note=note)
        return goal_status_change(goal=goal, actor=actor, status=status, note=note)


def _span(pathway: Pathway) -> rules.EpisodeSpan[int]:
    return rules.EpisodeSpan(pathway.pk, pathway.started_at, pathway.ended_at)


def scoring_episode(
    *, patient: Patient, now: datetime, pathway: Pathway | None = None
) -> Pathway | None:
    """The episode (pathway) a scoring of ``patient`` made at ``now`` belongs to: the given
    pathway, else the patient's running pathway started most recently (``rules.
    episode_running``), else None (scored outside a pathway)."""
    if pathway is not None:
        return pathway
    pathways = {
        p.pk: p
        for p in Pathway.objects.filter(patient=patient, ended_at__isnull=True).only(
            "pk", "started_at", "ended_at", "patient_id"
        )
    }
    running = rules.episode_running([_span(p) for p in pathways.values()], now)
    return pathways[running.key] if running is not None else None


def scoring_record(
    *,
    patient: Patient,
    actor: User,
    kind: str,
    scores: Mapping[int, object],
    scored_at: datetime | None = None,
    answered_by: str = AnsweredBy.PATIENT,
    stop_point: StopPoint | None = None,
    pathway: Pathway | None = None,
) -> Scoring:
    """Record one scoring (baseline or follow-up) of the patient's active goals, in an episode.

    ``scores`` maps goal pk to a score 0-10; None or "" means not scored this time. All scores
    are validated before anything is saved. No scoring is dated after today.

    The episode is ``pathway``, else the stop point's pathway, else the patient's running
    pathway (`scoring_episode`); with none running the scoring is outside a pathway. A pathway
    that has ended takes no new scorings, nor one dated before the pathway started. Each
    episode has one baseline sitting (per form version); a follow-up needs an earlier
    baseline in the same episode. A goal first scored in a follow-up (added later) has that
    score as its baseline: pairing is per goal within the episode.

    Opened from a checklist (``stop_point``, HPH2's or HPH5's), the scoring answers that
    checklist's "what matters" items in the same transaction, so both are saved or neither.
    When the stop point was closed meanwhile (signed by someone else), the scores are saved
    without the link: ``scoring.stop_point_id`` is then None.
    """
    now = timezone.now()
    scored_at = scored_at or now
    if timezone.localdate(scored_at) > timezone.localdate(now):
        # By the day, not the instant: a scoring entered as today's date is never "ahead".
        raise ValidationError(_("A scoring cannot be dated in the future."), code=Code.FUTURE)
    if kind not in Scoring.Kind.values:
        raise ValidationError(_("Unknown kind of scoring."), code=Code.INVALID_KIND)
    if pathway is not None and pathway.patient_id != patient.pk:
        raise ValidationError(_("The pathway belongs to another patient."), code=Code.WRONG_PATHWAY)
    errors: list[ValidationError] = []
    values: dict[int, int] = {}
    for goal_id, raw in scores.items():
        if raw is None or raw == "":
            continue
        try:
            values[int(goal_id)] = rules.validate_score(raw)
        except rules.ScoreError as exc:
            errors.append(_as_validation_error(exc))
    if errors:
        raise ValidationError(errors)
    if not values:
        raise ValidationError(_("Score at least one goal."), code=Code.NO_SCORES)
    access = _access(actor, patient.pk)
    with transaction.atomic():
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        goals = {
            g.pk: g
            for g in Goal.objects.filter(
                patient=patient, status=Goal.Status.ACTIVE, pk__in=values.keys()
            ).select_related("version")
        }
        if set(values) - set(goals):
            raise ValidationError(
                _("Only the patient's active goals can be scored."), code=Code.UNKNOWN_GOAL
            )
        version = next(iter(goals.values())).version
        locked_stop_point: StopPoint | None = None
        if stop_point is not None:
            locked_stop_point = (
                StopPoint.objects.select_for_update()
                .select_related("pathway", "definition")
                .filter(pk=stop_point.pk, pathway__patient=patient)
                .first()
            )
            if locked_stop_point is None:
                raise ValidationError(
                    _("The stop point belongs to another patient."), code=Code.WRONG_STOP_POINT
                )
            if pathway is None:
                pathway = locked_stop_point.pathway
        episode = scoring_episode(patient=patient, now=now, pathway=pathway)
        if episode is not None:
            episode = Pathway.objects.select_for_update().get(pk=episode.pk)
            try:
                rules.validate_scoring_in_episode(
                    _span(episode),
                    scored_on=timezone.localdate(scored_at),
                    now=now,
                    started_on=episode.started_at.astimezone(OSLO).date(),
                )
            except rules.EpisodeError as exc:
                raise _as_validation_error(exc) from None
        in_episode = Scoring.objects.filter(patient=patient, version=version, pathway=episode)
        baseline = in_episode.filter(kind=Scoring.Kind.BASELINE).first()
        if kind == Scoring.Kind.BASELINE and baseline is not None:
            raise ValidationError(
                _("The baseline has already been recorded. Record a follow-up instead."),
                code=Code.BASELINE_EXISTS,
            )
        if kind == Scoring.Kind.FOLLOW_UP:
            if baseline is None:
                raise ValidationError(
                    _("Record the baseline before a follow-up."),
                    code=Code.NO_BASELINE,
                )
            try:
                rules.validate_follow_up_after_baseline(baseline.scored_at, scored_at)
            except rules.ScoringDateError as exc:
                raise _as_validation_error(exc) from None
        linked = (
            locked_stop_point
            if locked_stop_point is not None
            and locked_stop_point.is_open
            and (episode is None or locked_stop_point.pathway_id == episode.pk)
            else None
        )
        scoring = Scoring(
            patient=patient,
            version=version,
            kind=kind,
            pathway=episode,
            scored_at=scored_at,
            answered_by=answered_by,
            recorded_by=actor,
            stop_point=linked,
        )
        scoring.full_clean()
        scoring.save()
        Score.objects.bulk_create(
            Score(scoring=scoring, goal_id=goal_id, value=value)
            for goal_id, value in sorted(values.items())
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.SCORES_RECORDED,
            emergency=access.emergency,
            reason=access.reason,
            patient_id=patient.pk,
            target=scoring,
            data={
                "kind": kind,
                "goals": len(values),
                "pathway": episode.pk if episode is not None else None,
            },
        )
        if linked is not None:
            _answer_what_matters_items(actor=actor, stop_point=linked, scoring=scoring)
    return scoring


def _answer_what_matters_items(*, actor: User, stop_point: StopPoint, scoring: Scoring) -> None:
    """Answer the stop point's "what matters" items with ``scoring``. The caller holds the
    transaction and the lock on the stop point, so the revision read here is current."""
    link = WhatMattersLink(
        scoring_id=scoring.pk, kind=scoring.kind, scored_on=timezone.localdate(scoring.scored_at)
    )
    items = stop_point.definition.items.filter(kind=ChecklistItem.Kind.WHAT_MATTERS)
    for item_id in items.values_list("pk", flat=True):
        pathway_services.checklist_answer_save(
            actor=actor,
            stop_point=stop_point,
            item_id=item_id,
            value=link.to_json(),
            expected_revision=stop_point.revision,
        )


def proposal_create(*, patient_id: int, author: User, kind: str, text: str) -> PatientProposal:
    """A goal the patient proposes or a comment they leave (from their own pages: the portal
    checks that ``author`` is the patient or authorised next of kin)."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise ValidationError(
            _("Write your proposal or comment."), code=Code.PROPOSAL_TEXT_REQUIRED
        )
    with transaction.atomic():
        proposal = PatientProposal(patient_id=patient_id, author=author, kind=kind, text=cleaned)
        proposal.full_clean()
        proposal.save()
        audit_record(
            actor=author,
            verb=AuditVerb.PATIENT_PROPOSAL,
            patient_id=patient_id,
            target=proposal,
            data={"kind": kind},
        )
    return proposal


def proposal_mark_seen(*, proposal: PatientProposal, actor: User) -> PatientProposal:
    access = _access(actor, proposal.patient_id)
    with transaction.atomic():
        proposal = PatientProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.seen_at is None:
            proposal.seen_at = timezone.now()
            proposal.seen_by = actor
            proposal.save(update_fields=["seen_at", "seen_by", "updated_at"])
            audit_record(
                actor=actor,
                verb=AuditVerb.GOAL_CHANGED,
                emergency=access.emergency,
                reason=access.reason,
                patient_id=proposal.patient_id,
                target=proposal,
                data={"action": "proposal_seen"},
            )
    return proposal


def proposal_accept(*, proposal: PatientProposal, actor: User) -> Goal:
    """Make a goal the patient suggested from the portal a goal, in their words, in one step:
    the goal is added (answered by the patient) and the suggestion marked seen, together."""
    if proposal.kind != PatientProposal.Kind.GOAL:
        raise ValidationError(
            _("Only a suggested goal can become a goal."), code=Code.NOT_A_GOAL_PROPOSAL
        )
    with transaction.atomic():
        locked = PatientProposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.seen_at is not None:
            raise ValidationError(
                _("This suggestion has already been handled."), code=Code.PROPOSAL_HANDLED
            )
        goal = goal_add(
            patient=locked.patient, actor=actor, text=locked.text, answered_by=AnsweredBy.PATIENT
        )
        proposal_mark_seen(proposal=locked, actor=actor)
    return goal

"""Core data: organisations, units, staff users, memberships and the audit log."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


def validate_org_number_field(value: str) -> None:
    from forlop.core.identifiers import OrgNumberError, validate_org_number

    try:
        validate_org_number(value)
    except OrgNumberError as exc:
        raise ValidationError(exc.message, code=exc.code) from exc


class Organisation(BaseModel):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        HOSPITAL_TRUST = "hospital_trust", _("Hospital trust")
        GP_OFFICE = "gp_office", _("GP office")
        COORDINATION = "coordination", _("Development centre or network office")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short code used in the CLI and exports."),
    )
    org_number = models.CharField(
        _("organisation number"),
        max_length=9,
        unique=True,
        validators=[validate_org_number_field],
    )
    municipality_number = models.CharField(
        _("municipality number"),
        max_length=4,
        blank=True,
        help_text=_("Four digits, for municipalities."),
    )
    # A GP office and a hospital trust serve municipalities; a GP office is in one.
    municipality = models.ForeignKey(
        "self",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="located_organisations",
        limit_choices_to={"kind": "municipality"},
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(BaseModel):
    class Kind(models.TextChoices):
        HOME_CARE = "home_care", _("Home-care district")
        ALLOCATION_OFFICE = "allocation_office", _("Allocation office")
        NURSING_HOME = "nursing_home", _("Nursing home")
        REHABILITATION = "rehabilitation", _("Rehabilitation")
        OUT_OF_HOURS = "out_of_hours", _("Out-of-hours service")
        HOSPITAL_WARD = "hospital_ward", _("Hospital ward")
        GP_PRACTICE = "gp_practice", _("GP practice")
        ADMINISTRATION = "administration", _("Administration")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="units"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"


class Role(models.TextChoices):
    PRIMARY_CONTACT = "primary_contact", _("Primary contact / nurse")
    ALLOCATION_OFFICE = "allocation_office", _("Allocation office")
    GP = "gp", _("GP")
    HOSPITAL_NURSE = "hospital_nurse", _("Hospital nurse")
    UNIT_LEADER = "unit_leader", _("Unit leader")
    IMPROVEMENT_MEMBER = "improvement_member", _("Improvement team member")
    NETWORK_COORDINATOR = "network_coordinator", _("Network coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")

    @classmethod
    def label_of(cls, role: str) -> str:
        """A role's label in the active language (the stored value when it is no role)."""
        return str(cls(role).label) if role in cls.values else role


# Roles whose unit membership gives access to the patients the unit serves.
CLINICAL_ROLES: frozenset[str] = frozenset(
    {Role.PRIMARY_CONTACT, Role.ALLOCATION_OFFICE, Role.GP, Role.HOSPITAL_NURSE, Role.UNIT_LEADER}
)


# Roles that give direct patient care and so may take emergency access (nødtilgang) within their
# own data controller. Leaders review emergency access and the allocation office makes service
# decisions; neither needs to break the glass, and administrative roles never do.
EMERGENCY_ACCESS_ROLES: frozenset[str] = frozenset(
    {Role.PRIMARY_CONTACT, Role.GP, Role.HOSPITAL_NURSE}
)


class User(AbstractUser):
    """A person who logs in: staff, or a patient (portal) or authorised next of kin."""

    hpr_number = models.CharField(
        _("HPR number"), max_length=9, blank=True, help_text=_("Health personnel number, if any.")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    REQUIRED_FIELDS: ClassVar[list[str]] = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Membership(BaseModel):
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="membership_unique_user_unit_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit.name} · {self.get_role_display()}"


class AuditVerb(models.TextChoices):
    PATIENT_VIEWED = "patient.viewed", _("Viewed patient")
    PATIENT_CREATED = "patient.created", _("Created patient")
    PATIENT_UPDATED = "patient.updated", _("Updated patient")
    PATIENT_SEARCHED = "patient.searched", _("Searched for patient by identity number")
    PATIENT_SERVICE_ADDED = (
        "patient.service_added",
        _("Service decision: unit started serving patient"),
    )
    PATIENT_SERVICE_ENDED = (
        "patient.service_ended",
        _("Service decision: unit stopped serving patient"),
    )
    ACCESS_LOG_VIEWED = "patient.access_log_viewed", _("Viewed who has looked at the record")
    EMERGENCY_ACCESS_GRANTED = "emergency.granted", _("Took emergency access")
    EMERGENCY_ACCESS_REVIEWED = "emergency.reviewed", _("Reviewed emergency access")
    EMERGENCY_ACCESS_ESCALATED = (
        "emergency.escalated",
        _("Emergency access escalated: not reviewed in time"),
    )
    ACCESS_REFUSED = "patient.access_refused", _("Refused access to patient")
    STAY_ADMITTED = "stay.admitted", _("Admitted to hospital")
    STAY_DISCHARGED = "stay.discharged", _("Discharged from hospital")
    PATHWAY_VIEWED = "pathway.viewed", _("Viewed pathway")
    PATHWAY_STARTED = "pathway.started", _("Started pathway")
    PATHWAY_MIGRATED = "pathway.migrated", _("Moved pathway to a new template version")
    PATHWAY_TIME_REGISTERED = "pathway.time_registered", _("Registered a pathway time")
    PATHWAY_TIME_CORRECTED = "pathway.time_corrected", _("Corrected a pathway time")
    TEMPLATE_COPIED = "template.copied", _("Copied pathway template")
    TEMPLATE_VERSION_DRAFTED = "template.version_drafted", _("Started a draft template version")
    TEMPLATE_VERSION_PUBLISHED = "template.version_published", _("Published template version")
    TEMPLATE_EDITED = "template.edited", _("Edited draft template version")
    CHECKLIST_VIEWED = "checklist.viewed", _("Viewed checklist")
    CHECKLIST_ANSWERED = "checklist.answered", _("Answered checklist item")
    CHECKLIST_COMPLETED = "checklist.completed", _("Completed checklist")
    CHECKLIST_REOPENED = "checklist.reopened", _("Reopened checklist")
    CHECKLIST_PART_SIGNED = "checklist.part_signed", _("Signed a part of a checklist")
    STOP_POINT_NOT_RELEVANT = "stop_point.not_relevant", _("Marked stop point not relevant")
    STOP_POINT_ASSIGNED = "stop_point.assigned", _("Assigned stop point")
    EVENT_RECORDED = "event.recorded", _("Recorded event")
    EVENT_CORRECTED = "event.corrected", _("Corrected event")
    WORKLIST_VIEWED = "worklist.viewed", _("Viewed work list")
    GOALS_VIEWED = "goals.viewed", _("Viewed goals")
    GOAL_CHANGED = "goals.changed", _("Changed goals")
    SCORES_RECORDED = "goals.scored", _("Recorded scores")
    PATIENT_PROPOSAL = "goals.proposal", _("Patient proposed a goal or comment")
    SUMMARY_PRINTED = "patient.summary_printed", _("Printed summary")
    EXPORTED = "patient.exported", _("Exported patient data")
    MEMBERSHIP_ADDED = "membership.added", _("Gave a user a role in a unit")
    MEMBERSHIP_ENDED = "membership.ended", _("Ended a user's role in a unit")
    IMPORTED = "patient.imported", _("Imported patient data")
    SYSTEM_CALL = "system.call", _("System client call")
    CLIENT_REGISTERED = "system.client_registered", _("Registered system client")
    CLIENT_REVOKED = "system.client_revoked", _("Revoked system client")
    TOKEN_ISSUED = "system.token_issued", _("Issued access token to system client")
    # The learning network: writes that others rely on (deadlines, reports, team membership)
    # and the patient-interview notes, which must stay anonymous.
    GATHERING_MOVED = "improvement.gathering_moved", _("Moved a gathering (deadlines follow)")
    INVITATIONS_SENT = "improvement.invitations_sent", _("Sent e-mail invitations to an event")
    INVITEE_ADDED = "improvement.invitee_added", _("Invited a person to an event by name")
    TEAM_MEMBER_ADDED = "improvement.member_added", _("Added a team member")
    TEAM_MEMBER_ENDED = "improvement.member_ended", _("Ended a team membership")
    INTERVIEW_SAVED = "improvement.interview_saved", _("Saved a patient-interview note")
    STATUS_REPORT_SUBMITTED = "improvement.report_submitted", _("Submitted a status report")
    STATUS_REPORT_REOPENED = "improvement.report_reopened", _("Reopened a status report")
    # The huddle board: how much patient data the unit's wall screen shows.
    BOARD_SETTING_CHANGED = "improvement.board_setting", _("Changed the huddle board's names")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are append-only")


class AuditEvent(models.Model):
    """Append-only record of every read and write of patient data.

    No identity number is ever stored in `data`: the patient is referred to by primary key.
    Deliberately not a ForeignKey to patients.Patient: core must not depend on patients, and the
    log must outlive any correction of the patient row. Never updated or deleted: corrections are
    new events (the database refuses updates and deletes too, see the migration's triggers).
    """

    # Set by audit_record before the hash is computed (not auto_now_add: the hash covers it).
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("who"),
        on_delete=models.PROTECT,  # the log must keep who did it
        null=True,
        blank=True,
        related_name="audit_events",
    )
    verb = models.CharField(_("what"), max_length=40, choices=AuditVerb)
    patient_id = models.BigIntegerField(_("patient"), null=True, blank=True, db_index=True)
    target_type = models.CharField(_("object type"), max_length=60, blank=True)
    target_id = models.BigIntegerField(_("object"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    emergency = models.BooleanField(_("emergency access"), default=False)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # The tamper-evident chain (core/audit.py): HMAC over the previous row's hash and this
    # row's content. `forlop audit_verify` recomputes it and names the first broken link.
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    chain_hash = models.CharField(_("hash"), max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["patient_id", "-created_at"], name="audit_patient_time")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.verb}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Infrastructure guard, not business logic: the audit log is append-only.
        if self.pk is not None:
            raise TypeError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are append-only")


class SubmittedForm(models.Model):
    """A form submission already received, by its one-time token (issue 11, defect 8): a
    double click or a retry of the same form finds its row and changes nothing
    (``core.submit_once``). The unique token is the lock, also between two racing requests.
    Rows hold no form data, only where the first submission led; old ones are pruned."""

    token = models.CharField(_("token"), max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE
    )
    path = models.CharField(_("path"), max_length=300)
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    location = models.CharField(_("led to"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("submitted form")
        verbose_name_plural = _("submitted forms")

    def __str__(self) -> str:
        return f"{self.path} {self.created_at:%Y-%m-%d %H:%M}"

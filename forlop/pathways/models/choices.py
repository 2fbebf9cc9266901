"""The vocabularies of the pathway engine, shared by templates, running pathways and the rules
(``rules.Trigger``, ``rules.Anchor`` and ``rules.EventKind`` use the same values)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TriggerChoices(models.TextChoices):
    PATHWAY_START = "pathway_start", _("Pathway start")
    AFTER_STOP_POINT = "after_stop_point", _("Another stop point done")
    EVENT = "event", _("An event")
    RECURRENCE = "recurrence", _("Recurrence")


class AnchorChoices(models.TextChoices):
    PATHWAY_START = "pathway_start", _("Pathway start")
    READY_FOR_DISCHARGE = "ready_for_discharge", _("Reported ready for discharge")
    PLANNED_DISCHARGE = "planned_discharge", _("Planned discharge (the discharge once it happens)")
    DISCHARGE = "discharge", _("Discharge time")
    ARRIVAL_HOME = "arrival_home", _("Arrival home")
    EVENT = "event", _("Event time")
    PREVIOUS_DONE = "previous_done", _("Previous stop point done")


class DeadlineUnitChoices(models.TextChoices):
    HOURS = "hours", _("hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")
    MONTHS = "months", _("months")


class EventKindChoices(models.TextChoices):
    ADMISSION = "admission", _("Admitted to hospital")
    FALL = "fall", _("Fall")
    DECLINE = "decline", _("Decline in health or function")
    OUT_OF_HOURS_CONTACT = "out_of_hours_contact", _("Contact with out-of-hours service")
    RETURN_HOME = "return_home", _("Discharged / home again")
    DEATH = "death", _("Died")
    SERVICES_ENDED = "services_ended", _("Services ended")
    NURSING_HOME = "nursing_home", _("Moved to a nursing home (long-term stay)")


class TimeKindChoices(models.TextChoices):
    """The times on a pathway's own timeline (``timeline.TimeKind`` uses the same values)."""

    READY_FOR_DISCHARGE = "ready_for_discharge", _("Reported ready for discharge")
    PLANNED_DISCHARGE = "planned_discharge", _("Planned discharge")
    DISCHARGED = "discharged", _("Discharged from hospital")
    SHORT_STAY = "short_stay", _("Short-term or intermediate stay")
    ARRIVED_HOME = "arrived_home", _("Arrived home")


class ShortStayKind(models.TextChoices):
    """Where the patient stays between the hospital and home, if not going straight home."""

    SHORT_TERM = "short_term", _("Short-term stay (korttidsopphold)")
    INTERMEDIATE = "intermediate", _("Intermediate stay (intermediæropphold)")
    KAD = "kad", _("Municipal acute unit (KAD)")
    REHABILITATION = "rehabilitation", _("Rehabilitation stay")


class ChainActor(models.TextChoices):
    """The lanes of the collaboration chain (the HPH model's figure of the actors)."""

    HOME = "home", _("Home")
    HOSPITAL = "hospital", _("Hospital")
    ALLOCATION_OFFICE = "allocation_office", _("Allocation office")
    GP = "gp", _("GP")
    HOME_CARE = "home_care", _("Home care")
    OUT_OF_HOURS = "out_of_hours", _("Out-of-hours service")
    THERAPY = "therapy", _("Physio- and occupational therapy")
    NURSING_HOME = "nursing_home", _("Nursing home")


class AssessmentDomain(models.TextChoices):
    MEDICAL = "medical", _("Medical condition")
    PROBLEM_AREAS = "problem_areas", _("Problem areas")
    GOALS = "goals", _("The user's goals")
    FUNCTION = "function", _("Function")
    RESOURCES = "resources", _("Resources and coping")
    SOCIAL = "social", _("Social situation")
    SURROUNDINGS = "surroundings", _("Physical surroundings")
    NEXT_OF_KIN = "next_of_kin", _("Next of kin")
    FINANCES = "finances", _("Finances")
    IPLOS = "iplos", _("Reminder: IPLOS registration")
    FIRE_SAFETY = "fire_safety", _("Reminder: fire safety")
    WORKPLACE = "workplace", _("Reminder: work-place assessment")
    NOTIFY_PARTNERS = "notify_partners", _("Reminder: notify partners")
    MEDICATION = "medication", _("Medication")

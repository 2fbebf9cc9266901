"""The notification rules shipped with the HPH template: **local defaults**, not a national
standard (no national rule for reminders was found). They apply to every municipality until it
makes them its own (``services.rules_adopt_defaults``) and adapts them.

* the day before HPH2 (the 3-day assessment) and HPH5 (the 4-week conversation) fall due,
  remind the owner;
* when any stop point is overdue, remind the owner; two working days later, tell the unit leader;
* when a pathway starts, tell the GP that a visit within 14 days is expected (HPH3);
* when the patient is admitted, tell the primary contact and the allocation office.

Migration 0002 installs these rows (it keeps its own copy, as migrations must); this module is
the list in code, checked against the rows by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RuleSpec:
    trigger: str
    target: str
    stop_point_code: str = ""
    delay_days: int = 0
    message: str = ""


HPH_DEFAULTS: tuple[RuleSpec, ...] = (
    RuleSpec("before_due", "owner", "HPH2", 1),
    RuleSpec("before_due", "owner", "HPH5", 1),
    RuleSpec("overdue", "owner"),
    RuleSpec("overdue", "unit_leader", delay_days=2),
    RuleSpec("pathway_started", "gp", message="Et legebesøk forventes innen 14 dager (HPH3)."),
    RuleSpec("admitted", "primary_contact"),
    RuleSpec("admitted", "allocation_office"),
)

"""Writes of the notifications app: rules, preferences, calendar tokens, reading, and the scheduler.

The scheduler (``notifications_run``) is one idempotent pass, safe in two workers at once:

1. **make** the notifications that are due (``notifications_generate``): each rule against the
   open stop points, the new pathways and the admissions; rows are inserted with the unique key
   (rule, subject, recipient, step) and conflicts ignored, so a second worker inserts nothing;
2. **cancel** what is no longer true (``notifications_cancel``): a stop point completed, marked
   not relevant or interrupted, or a pathway ended, cancels its notifications not yet sent;
3. **plan** the e-mails (``deliveries_plan``): one at once, or the day's digest, by preference;
4. **send** the e-mails due (``deliveries_send``): each claimed by one conditional UPDATE
   before it is sent, so only one worker sends it; a failure is retried with backoff and then
   left failed for the administrators.

Why scan state instead of a hook in the engine: notifications of a pathway start or an
admission are made from the rows themselves (``Pathway.started_at``, ``PathwayEvent``), so the
engine needs no knowledge of this app, every way in (pages, FHIR, PLO, imports) is covered, and
the unique key makes the scan exactly-once. The cost is latency: up to one scheduler tick.

Split by concern: ``configuration`` (rules, preferences, reading, calendar tokens), ``making``
(steps 1 and 2), ``delivery`` (steps 3 and 4, and the pass); every name is re-exported here.
"""

from forlop.notifications.services.configuration import (
    MAX_DELAY_DAYS,
    calendar_token_create,
    calendar_token_revoke,
    may_manage_rules,
    notification_mark_read,
    notifications_mark_all_read,
    preference_save,
    rule_save,
    rules_adopt_defaults,
    token_hash,
)
from forlop.notifications.services.delivery import (
    deliveries_plan,
    deliveries_send,
    notifications_run,
    weekly_plan,
)
from forlop.notifications.services.making import (
    LOOKAHEAD,
    LOOKBACK,
    STALE_SENDING,
    RunResult,
    notifications_cancel,
    notifications_generate,
)

__all__ = [
    "LOOKAHEAD",
    "LOOKBACK",
    "MAX_DELAY_DAYS",
    "STALE_SENDING",
    "RunResult",
    "calendar_token_create",
    "calendar_token_revoke",
    "deliveries_plan",
    "deliveries_send",
    "may_manage_rules",
    "notification_mark_read",
    "notifications_cancel",
    "notifications_generate",
    "notifications_mark_all_read",
    "notifications_run",
    "preference_save",
    "rule_save",
    "rules_adopt_defaults",
    "token_hash",
    "weekly_plan",
]

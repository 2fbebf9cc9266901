"""The demo's notifications: the shipped local defaults run once over the demo pathways, so the
bell has something to show. No e-mail is sent here (demo addresses are .invalid); the worker or
`forlop notify` sends what is due, to the console under DEBUG."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from forlop.notifications import services


def load_notifications_demo(*, today: date | None = None) -> int:
    """Make the notifications due now (idempotent: the unique key keeps each once)."""
    now = timezone.now()
    made = services.notifications_generate(now=now)
    services.notifications_cancel(now=now)
    return made

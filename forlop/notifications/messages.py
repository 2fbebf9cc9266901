"""The text of an e-mail, made from counts only: how many, and a link. Never a name, an
identity number, a diagnosis, a stop-point code or a person (docs/security.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forlop.notifications.rules import EmailCounts


@dataclass(frozen=True, slots=True)
class WeeklyCounts:
    """What the leaders' weekly e-mail may say: shares and counts, per nobody."""

    week: str
    on_time_percent: int | None
    last_month_percent: int | None
    overdue: int
    employees_with_overdue: int
    three_of_four_percent: int | None = None
    three_of_four_last_month_percent: int | None = None


def link(name: str) -> str:
    return f"{settings.FORLOP_BASE_URL}{reverse(name)}"


def _footer() -> list[str]:
    return [
        "",
        _("This e-mail contains no health information. Change how you are notified: %(url)s")
        % {"url": link("notifications:preferences")},
    ]


def notification_message(counts: EmailCounts, *, digest: bool) -> tuple[str, str]:
    """(subject, body) of a notification e-mail, in bokmål (the site's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "Forløp: %(count)d new notification",
            "Forløp: %(count)d new notifications",
            counts.total,
        ) % {"count": counts.total}
        parts = (
            (
                counts.before_due,
                ngettext(
                    "%(count)d stop point falls due soon",
                    "%(count)d stop points fall due soon",
                    counts.before_due,
                ),
            ),
            (
                counts.overdue,
                ngettext(
                    "%(count)d stop point is overdue",
                    "%(count)d stop points are overdue",
                    counts.overdue,
                ),
            ),
            (
                counts.escalated,
                ngettext(
                    "%(count)d overdue stop point in your unit needs follow-up",
                    "%(count)d overdue stop points in your unit need follow-up",
                    counts.escalated,
                ),
            ),
            (
                counts.pathway_started,
                ngettext(
                    "%(count)d new pathway: a GP visit is expected within 14 days",
                    "%(count)d new pathways: a GP visit is expected within 14 days",
                    counts.pathway_started,
                ),
            ),
            (
                counts.admitted,
                ngettext(
                    "%(count)d admission to hospital",
                    "%(count)d admissions to hospital",
                    counts.admitted,
                ),
            ),
        )
        lines = [
            _("Today's summary from Forløp.") if digest else _("News from Forløp."),
            "",
            *(f"- {text % {'count': n}}" for n, text in parts if n),
            "",
            _("Open Forløp to see them: %(url)s") % {"url": link("notifications:list")},
            *_footer(),
        ]
    return subject, "\n".join(lines) + "\n"


def _percent(value: int | None) -> str:
    return "–" if value is None else f"{value} %"


def weekly_message(counts: WeeklyCounts) -> tuple[str, str]:
    """(subject, body) of the leaders' weekly summary: shares and counts only."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Forløp: the week's summary (%(week)s)") % {"week": counts.week}
        lines = [
            _("Stop points done on time last week: %(share)s (last month: %(month)s).")
            % {
                "share": _percent(counts.on_time_percent),
                "month": _percent(counts.last_month_percent),
            },
            _(
                "Pathways with at least 3 of the 4 main checklists, of those that ended last "
                "week: %(share)s (last month: %(month)s)."
            )
            % {
                "share": _percent(counts.three_of_four_percent),
                "month": _percent(counts.three_of_four_last_month_percent),
            },
            ngettext(
                "%(count)d stop point is overdue now",
                "%(count)d stop points are overdue now",
                counts.overdue,
            )
            % {"count": counts.overdue}
            + " "
            + ngettext(
                "(with %(count)d employee).",
                "(with %(count)d employees).",
                counts.employees_with_overdue,
            )
            % {"count": counts.employees_with_overdue},
            "",
            _("The summary per unit and employee: %(url)s") % {"url": link("notifications:weekly")},
            *_footer(),
        ]
    return subject, "\n".join(lines) + "\n"

"""What the goals pages show of a patient: the goals with their scores, the summary, the question
in the reader's language and the SVG chart. Shared by the staff goals page, its print, and the
patient's own pages (``forlop.portal``)."""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from forlop.goals import charts, rules, selectors
from forlop.patients.models import Patient


def chart_context(*, patient: Patient, chart_id: str = "goals-chart") -> dict[str, Any]:
    """Rows, summary and the SVG chart of a patient's goals. Shared by staff and portal pages."""
    every = list(selectors.scorings_for_patient(patient=patient))
    all_rows = selectors.goals_for_patient(patient=patient, scorings=every)
    summary = selectors.goal_summary(patient=patient, scorings=every)
    # The table and the chart show the current episode; earlier episodes are folded below.
    scorings = summary.episode.scorings if summary.episode else []
    rows = selectors.rows_in_scorings(all_rows, scorings)
    earlier = [
        {
            "episode": episode,
            "rows": selectors.rows_in_scorings(all_rows, episode.scorings, scored_only=True),
            "averages": [
                (s, rules.average({sc.goal_id: sc.value for sc in s.scores.all()}))
                for s in episode.scorings
            ],
        }
        for episode in summary.earlier
    ]
    question = selectors.question_for_language(
        version=summary.version, language=get_language() or "nb"
    )
    chart = ""
    if scorings and rows:
        labels = [formats.date_format(s.scored_at, "SHORT_DATE_FORMAT") for s in scorings]
        shown = [row for row in rows if any(p.value is not None for p in row.points)]
        average = charts.Series(_("Average"), [avg for _s, avg in summary.averages])
        description = _("Scores from 0 to 10 at each scoring. Average: %(values)s.") % {
            "values": ", ".join(
                f"{label} {formats.number_format(avg, 1) if avg is not None else '–'}"
                for label, (_s, avg) in zip(labels, summary.averages, strict=True)
            )
        }
        series = [charts.Series(row.goal.text, [p.value for p in row.points]) for row in shown]
        chart = mark_safe(  # noqa: S308 - render_goals_chart escapes every text it embeds
            charts.render_goals_chart(
                x_labels=labels,
                goals=series,
                average=average,
                title=_("Goals over time"),
                description=description,
                chart_id=chart_id,
            )
            + charts.render_legend(goals=series, average=average)
        )
    return {
        "patient": patient,
        "scorings": scorings,
        "rows": rows,
        "active_rows": [row for row in rows if row.goal.is_active],
        "summary": summary,
        "episode": summary.episode,
        "earlier_episodes": earlier,
        "question": question,
        "chart": chart,
    }

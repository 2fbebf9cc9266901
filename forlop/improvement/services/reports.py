"""Status reports (drafted from the team's data, edited, submitted, locked, versions kept) and
the team's additions to its posters."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, User
from forlop.improvement import rules
from forlop.improvement.access import require_coordinator, require_member
from forlop.improvement.charts import aim_charts
from forlop.improvement.drafting import DRAFTED, DraftContext, draft_sections
from forlop.improvement.models import Gathering, Poster, StatusReport, StatusReportVersion, Team
from forlop.improvement.models.reports import REPORT_SECTIONS
from forlop.improvement.selectors import gathering_dates, team_deadlines


def _check_network_open(team: Team, today: date) -> None:
    network = team.network
    if today > network.ends_on:
        raise ValidationError(
            _(
                "The network ended on %(date)s: status reports can no longer be written or "
                "submitted."
            )
            % {"date": date_format(network.ends_on, "j. F Y")}
        )


def _check_gathering(team: Team, gathering: Gathering) -> None:
    if gathering.network_id != team.network_id or gathering.kind != Gathering.Kind.GATHERING:
        raise ValidationError(_("Status reports are written for the network's four gatherings."))


def _context(report: StatusReport, *, today: date, as_of: datetime) -> DraftContext:
    team, gathering = report.team, report.gathering
    dates = gathering_dates(team.network)
    since = rules.previous_gathering_date(gathering.number or 1, dates) or team.network.starts_on
    return DraftContext(
        team=team,
        gathering=gathering,
        since=since,
        until=gathering.starts_on,
        today=today,
        deadlines=team_deadlines(team, today=today),
        charts=aim_charts(team, today=today, as_of=as_of),
    )


def status_report_for(
    *, team: Team, gathering: Gathering, actor: User, today: date, as_of: datetime
) -> StatusReport:
    """The team's report for the gathering; the first time, a draft from the team's data."""
    require_member(actor, team)
    _check_gathering(team, gathering)
    existing = StatusReport.objects.filter(team=team, gathering=gathering).first()
    if existing is not None:
        return existing
    _check_network_open(team, today)
    with transaction.atomic():
        report = StatusReport(team=team, gathering=gathering)
        for name, text in draft_sections(_context(report, today=today, as_of=as_of)).items():
            setattr(report, name, text)
        report.full_clean()
        report.save()
    return report


def _check_editable(report: StatusReport) -> None:
    if report.locked:
        raise ValidationError(_("The report is submitted and locked."))


def status_report_save(
    *, report: StatusReport, actor: User, sections: dict[str, str], today: date
) -> StatusReport:
    require_member(actor, report.team)
    _check_editable(report)
    _check_network_open(report.team, today)
    with transaction.atomic():
        for name in REPORT_SECTIONS:
            if name in sections:
                setattr(report, name, sections[name])
        report.full_clean()
        report.save()
    return report


def status_report_redraft(
    *, report: StatusReport, actor: User, today: date, as_of: datetime
) -> StatusReport:
    """Fill the drafted sections from the team's data again (the team's own words stay)."""
    require_member(actor, report.team)
    _check_editable(report)
    drafted = draft_sections(_context(report, today=today, as_of=as_of))
    return status_report_save(
        report=report, actor=actor, sections={n: drafted[n] for n in DRAFTED}, today=today
    )


def status_report_submit(*, report: StatusReport, actor: User, now: datetime) -> StatusReport:
    """Submit and lock the report; the texts and the charts of today are kept as a version.
    Late is allowed (and shown as late) until the network ends."""
    require_member(actor, report.team)
    today = timezone.localtime(now).date()
    _check_editable(report)
    _check_network_open(report.team, today)
    if not any(getattr(report, name).strip() for name in REPORT_SECTIONS):
        raise ValidationError(_("The report is empty."))
    due = rules.status_report_due(report.gathering.starts_on)
    charts = [
        {
            "aim": chart.aim.statement,
            "measure": chart.measure.code,
            "name": chart.measure.name,
            "role": chart.role,
            "latest": chart.latest,
            "svg": chart.svg,
        }
        for chart in aim_charts(report.team, today=today, as_of=now)
    ]
    with transaction.atomic():
        locked = StatusReport.objects.select_for_update().get(pk=report.pk)
        _check_editable(locked)
        number = locked.versions.count() + 1
        StatusReportVersion.objects.create(
            report=locked,
            number=number,
            sections={name: getattr(report, name) for name in REPORT_SECTIONS},
            charts=charts,
            submitted_at=now,
            submitted_by=actor,
            late=today > due,
        )
        report.state = StatusReport.State.SUBMITTED
        report.submitted_at, report.submitted_by = now, actor
        report.save(update_fields=["state", "submitted_at", "submitted_by", "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.STATUS_REPORT_SUBMITTED,
            target=report,
            data={"version": number, "late": today > due},
        )
    return report


def status_report_reopen(*, report: StatusReport, actor: User, reason: str) -> StatusReport:
    """A coordinator opens a submitted report for correction; the submitted version stays."""
    require_coordinator(actor, report.team.network)
    if not report.locked:
        raise ValidationError(_("The report is not submitted."))
    if not reason.strip():
        raise ValidationError(_("Say why the report is opened again."))
    with transaction.atomic():
        report.state = StatusReport.State.DRAFT
        report.save(update_fields=["state", "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.STATUS_REPORT_REOPENED,
            target=report,
            reason=reason,
        )
    return report


def poster_save(
    *,
    team: Team,
    gathering: Gathering,
    actor: User,
    headline: str,
    photo_text: str,
    photo: bytes | None = None,
    photo_type: str = "",
    remove_photo: bool = False,
) -> Poster:
    """The headline and photo (type and size checked by the form) of the team's poster."""
    require_member(actor, team)
    _check_gathering(team, gathering)
    with transaction.atomic():
        poster = Poster.objects.filter(team=team, gathering=gathering).first() or Poster(
            team=team, gathering=gathering
        )
        poster.headline = headline
        if photo is not None:
            poster.photo, poster.photo_type = photo, photo_type
        elif remove_photo:
            poster.photo, poster.photo_type = None, ""
        if poster.photo and not photo_text.strip():
            raise ValidationError(_("Describe the photo for those who cannot see it."))
        poster.photo_text = photo_text if poster.photo else ""
        poster.full_clean()
        poster.save()
    return poster

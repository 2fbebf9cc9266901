"""``forlop measures``: compute the measures of an organisation (or unit, or network) and
write them as CSV, JSON or Excel. Without ``--org`` it lists the organisations and codes.

It only reads (after installing the default measures and, for ``--all-municipalities``,
refreshing the measures' rollup, both on the primary), so with a read replica configured it
computes there (``replica_reads``, forlop/core/dbrouter.py).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from forlop.core.dbrouter import replica_reads
from forlop.core.models import Organisation
from forlop.measures import exports, registry
from forlop.measures.compute import OSLO
from forlop.measures.definitions import install_default_measures
from forlop.measures.models import Measure, Period
from forlop.measures.rollup import rollup_refresh
from forlop.measures.selectors import (
    Series,
    measure_series,
    measure_series_grouped,
    measures_for_scope,
    measures_series_from_rollup,
    scope_for_organisation,
    scope_get_by_code,
)

FORMATS = ("csv", "json", "xlsx")


def parse_month(text: str, option: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m").replace(tzinfo=OSLO).date()
    except ValueError:
        raise CommandError(
            _("%(option)s must be a month as YYYY-MM, not %(value)s.")
            % {"option": option, "value": repr(text)}
        ) from None


class Command(BaseCommand):
    help = (
        "Compute the measures of an organisation, unit or network per month or week and write "
        "CSV, JSON or Excel with the SPC columns. Without --org, list the organisations."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", metavar="CODE", help=_("Organisation, unit or network code."))
        parser.add_argument(
            "--all-municipalities",
            action="store_true",
            help=_(
                "Every municipality (the shipped measures), each measure in one grouped pass "
                "over all of them."
            ),
        )
        parser.add_argument("--from", dest="first", metavar="YYYY-MM", help=_("First month."))
        parser.add_argument("--to", dest="last", metavar="YYYY-MM", help=_("Last month."))
        parser.add_argument("--period", choices=Period.values, help=_("Month or week."))
        parser.add_argument("--format", choices=FORMATS, default="csv", help=_("Output format."))
        parser.add_argument("--measure", metavar="CODE", help=_("Only this measure."))
        parser.add_argument(
            "--chart",
            choices=("run", "control"),
            default="run",
            help=_("SPC columns of the run chart (default) or the measure's control chart."),
        )
        parser.add_argument(
            "-o", "--output", metavar="FILE", help=_("Write to FILE instead of standard output.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        install_default_measures()  # a write: on the primary, before the reads below
        if options.get("all_municipalities") and not options["org"] and not options["period"]:
            # Every municipality reads the maintained rollup (measures/rollup.py): bring it
            # up to now first, on the primary (a write), so it equals the live computation.
            first, last = self._months(options)
            rollup_refresh(now=timezone.now(), first=first, last=self._last_day(last))
        with replica_reads():
            self._handle(options)

    @staticmethod
    def _months(options: dict[str, Any]) -> tuple[date, date]:
        """The first and the last month asked for (default: the 24 months to this one)."""
        today = timezone.localdate()
        first = parse_month(options["first"], "--from") if options["first"] else None
        last = parse_month(options["last"], "--to") if options["last"] else None
        last = last or today.replace(day=1)
        if first is None:
            months = last.year * 12 + last.month - 1 - 23
            first = date(months // 12, months % 12 + 1, 1)
        if first > last:
            raise CommandError(_("--from must not be after --to."))
        return first, last

    @staticmethod
    def _last_day(month: date) -> date:
        return month.replace(day=calendar.monthrange(month.year, month.month)[1])

    def _handle(self, options: dict[str, Any]) -> None:
        code: str | None = options["org"]
        every = bool(options.get("all_municipalities"))
        if every and code:
            raise CommandError(_("Give --org or --all-municipalities, not both."))
        if not code and not every:
            self._list()
            return
        scopes = (
            [
                scope_for_organisation(org)
                for org in Organisation.objects.filter(
                    kind=Organisation.Kind.MUNICIPALITY
                ).order_by("name", "code")
            ]
            if every
            else []
        )
        scope = scopes[0] if every and scopes else scope_get_by_code(code=code or "")
        if every and not scopes:
            raise CommandError(_("There are no municipalities."))
        if scope is None:
            raise CommandError(
                _(
                    "Unknown organisation %(code)s. Run 'forlop measures' without --org to "
                    "list the codes."
                )
                % {"code": repr(code)}
            )
        first, last = self._months(options)
        last_day = self._last_day(last)
        output_format: str = options["format"]
        if output_format == "xlsx" and not options["output"]:
            raise CommandError(_("Excel output needs a file: give -o FILE."))
        measures = (
            list(Measure.objects.filter(organisation__isnull=True, active=True).order_by("order"))
            if every
            else list(measures_for_scope(scope=scope))
        )
        if options["measure"]:
            measures = [m for m in measures if m.code == options["measure"]]
            if not measures:
                raise CommandError(_("Unknown measure %(code)s.") % {"code": options["measure"]})
        as_of = timezone.now()
        all_series: list[Series] = []
        # Every municipality: the computed measures from the maintained rollup (two queries for
        # all their numbers, as of its refresh in handle()), not a pass over the patient data
        # per measure; the others (registered by hand, or per week) by the grouped pass.
        from_rollup = (
            measures_series_from_rollup(
                [m for m in measures if not m.is_manual],
                scopes=scopes,
                first=first,
                last=last_day,
                charts={
                    m.pk: m.chart if options["chart"] == "control" else "run" for m in measures
                },
            )
            if every and not options["period"]
            else None
        ) or {}
        for measure in measures:
            if options["period"] and not measure.is_manual:
                measure.period = options["period"]  # in memory only, never saved
            chart = measure.chart if options["chart"] == "control" else "run"
            if every and measure.pk in from_rollup:
                all_series.extend(from_rollup[measure.pk][each.code] for each in scopes)
                continue
            if every:
                # One aggregate query grouped by municipality and period for all of them.
                by_scope = measure_series_grouped(
                    measure, scopes=scopes, first=first, last=last_day, as_of=as_of, chart=chart
                )
                all_series.extend(by_scope[each.code] for each in scopes)
                continue
            all_series.append(
                measure_series(
                    measure, scope=scope, first=first, last=last_day, as_of=as_of, chart=chart
                )
            )
        content: str | bytes
        if output_format == "csv":
            content = exports.to_csv(all_series)
        elif output_format == "json":
            content = exports.to_json(all_series)
        else:
            content = exports.to_xlsx(all_series)
        if options["output"]:
            target = Path(options["output"])
            try:
                if isinstance(content, bytes):
                    target.write_bytes(content)
                else:
                    target.write_text(content, encoding="utf-8")
            except OSError as error:
                raise CommandError(
                    _("Cannot write %(path)s: %(error)s")
                    % {"path": target, "error": error.strerror}
                ) from error
        else:
            assert isinstance(content, str)  # noqa: S101 - xlsx always has -o (checked above)
            self.stdout.write(content, ending="")

    def _list(self) -> None:
        self.stdout.write(_("Organisations (code, kind, name):"))
        for org in Organisation.objects.order_by("kind", "name"):
            self.stdout.write(f"  {org.code}\t{org.get_kind_display()}\t{org.name}")
        networks = [
            scope for source in registry.scope_sources() for scope in source.scopes_listed()
        ]
        if networks:
            self.stdout.write(_("Networks (code, name):"))
            for network in networks:
                self.stdout.write(f"  {network.code}\t{network.name}")

"""``forlop measures_rollup``: bring the maintained rollup of the shipped measures (every unit
x month, measures/rollup.py) up to now. Incremental by default: only the cells of units with
a pathway changed or moved by time since the last refresh. ``--rebuild`` computes every cell
again (after a bulk load such as ``forlop generate``, or a unit moved between organisations).
Run it from cron or a task (``measures.tasks.measures_rollup_refresh``); it is idempotent."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from forlop.measures.rollup import rollup_rebuild, rollup_refresh, rollup_window


class Command(BaseCommand):
    help = "Refresh the rollup of the shipped measures per unit and month (or rebuild it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help=_("Compute every cell again."))

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        first, last = rollup_window(today=timezone.localdate())
        if options["rebuild"]:
            report = rollup_rebuild(first=first, last=last, as_of=now)
        else:
            report = rollup_refresh(now=now, first=first, last=last)
        self.stdout.write(
            _(
                "Rollup as of %(as_of)s: %(rebuilt)d measures rebuilt, %(units)d units "
                "refreshed from %(since)s, %(cells)d cells written."
            )
            % {
                "as_of": report.as_of.isoformat(timespec="seconds"),
                "rebuilt": len(report.rebuilt),
                "units": report.units,
                "since": report.since.isoformat() if isinstance(report.since, date) else "-",
                "cells": report.cells,
            }
        )

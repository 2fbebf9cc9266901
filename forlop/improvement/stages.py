"""The words for a PDSA cycle's stages and the progress scale (translated labels of the pure
rules' values in ``method.py``)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from forlop.improvement.method import Stage

STAGE_LABELS: dict[Stage, Promise] = {
    Stage.PLAN: _("Plan"),
    Stage.DO: _("Do"),
    Stage.STUDY: _("Study"),
    Stage.ACT: _("Act"),
    Stage.DONE: _("Decided"),
}

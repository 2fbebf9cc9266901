"""The pathway for a decline at home without a hospital stay."""

from __future__ import annotations

from forlop.authoring.defaults.specs import (
    DEFAULT_NOTE,
    A,
    TemplateSpec,
    assessment,
    daily,
    four_weeks,
    gp_visit,
    hph4,
    hph6,
)

DECLINE_AT_HOME = TemplateSpec(
    code="decline-at-home",
    name="Forløp ved funksjonsfall hjemme",
    description=(
        "For brukere som får et funksjonsfall hjemme uten sykehusopphold, når brukeren, "
        "pårørende eller tjenestene ser et nytt behov. Stoppunktene har samme koder som i HPH "
        "slik at etterlevelse kan sammenlignes. " + DEFAULT_NOTE
    ),
    definitions=(
        assessment(A.PATHWAY_START),
        gp_visit(A.PATHWAY_START),
        hph4(),
        four_weeks(A.PATHWAY_START),
        hph6(),
        daily(A.PATHWAY_START),
    ),
)

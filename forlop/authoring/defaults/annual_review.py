"""The annual review of every home-care recipient."""

from __future__ import annotations

from forlop.authoring.defaults.specs import (
    DEFAULT_NOTE,
    WHAT_MATTERS_FOLLOW_UP,
    A,
    D,
    DefinitionSpec,
    ItemSpec,
    K,
    T,
    TemplateSpec,
    U,
)
from forlop.core.models import Role
from forlop.pathways.models import ChainActor

ANNUAL_REVIEW = TemplateSpec(
    code="annual-review",
    name="Årlig gjennomgang for hjemmetjenestebrukere",
    description=(
        "Fast gjennomgang hver 12. måned for alle som mottar hjemmetjenester. " + DEFAULT_NOTE
    ),
    definitions=(
        DefinitionSpec(
            "ANNUAL",
            "Årlig gjennomgang",
            Role.PRIMARY_CONTACT,
            ChainActor.HOME_CARE,
            T.RECURRENCE,
            A.PATHWAY_START,
            12,
            U.MONTHS,
            description=(
                "Gjennomgang av funksjon, helse, sikkerhet og mål hver 12. måned. Åpner en "
                "måned før fristen."
            ),
            window_amount=1,
            window_unit=U.MONTHS,
            items=(
                ItemSpec(
                    "legemiddelliste",
                    "Legemiddellisten er kontrollert",
                    required=True,
                    domain=D.MEDICATION,
                    carry=True,
                ),
                ItemSpec(
                    "funksjon-iplos",
                    "Funksjon kartlagt og IPLOS oppdatert",
                    required=True,
                    domain=D.IPLOS,
                ),
                ItemSpec(
                    "fallrisiko",
                    "Fallrisiko",
                    kind=K.SINGLE_CHOICE,
                    choices=("Lav", "Middels", "Høy"),
                    domain=D.PROBLEM_AREAS,
                    carry=True,
                ),
                ItemSpec(
                    "ernaering-vekt",
                    "Ernæring og vekt",
                    kind=K.NUMBER,
                    number_unit="kg",
                    domain=D.FUNCTION,
                    carry=True,
                ),
                ItemSpec("brannsikkerhet", "Brannsikkerhet vurdert", domain=D.FIRE_SAFETY),
                ItemSpec(
                    "tjenester-samsvarer",
                    "Tjenestene samsvarer med behovet",
                    required=True,
                    domain=D.RESOURCES,
                ),
                WHAT_MATTERS_FOLLOW_UP,
            ),
        ),
        DefinitionSpec(
            "ANNUAL-GP",
            "Årlig legemiddelgjennomgang hos fastlegen",
            Role.GP,
            ChainActor.GP,
            T.RECURRENCE,
            A.PATHWAY_START,
            12,
            U.MONTHS,
            window_amount=1,
            window_unit=U.MONTHS,
            items=(
                ItemSpec(
                    "legemiddelgjennomgang",
                    "Legemiddelgjennomgang gjennomført",
                    required=True,
                    domain=D.MEDICATION,
                    carry=True,
                ),
                ItemSpec("funn", "Funn og plan", kind=K.TEXT, domain=D.MEDICAL),
            ),
        ),
    ),
)

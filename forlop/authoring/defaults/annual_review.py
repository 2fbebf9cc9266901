"""The annual review of every home-care recipient."""

from __future__ import annotations

from forlop.authoring.defaults.specs import (
    DEFAULT_NOTE,
    FINANCES,
    IPLOS_SCORE,
    LOCAL_DEFAULT,
    SURROUNDINGS,
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

INTERVAL_MONTHS = 12
"""The interval of the review: 12 months by default; a municipality that reviews twice a year
sets 6 in its copy (the sources say once or twice a year)."""

INTERVAL_SOURCE = (
    "HPH i kommuner som lyktes: én til to ganger i året for alle hjemmetjenestebrukere "
    "(Gode pasientforløp, årsrapport 2022; KS). Intervallet er 12 måneder; sett 6 i kommunens "
    "kopi for gjennomgang to ganger i året."
)

ANNUAL_REVIEW = TemplateSpec(
    code="annual-review",
    name="Årlig gjennomgang for hjemmetjenestebrukere",
    description=(
        "Fast gjennomgang for alle som mottar hjemmetjenester, hver 12. måned (eller hver 6. "
        "måned, om kommunen velger det i sin kopi). " + DEFAULT_NOTE
    ),
    definitions=(
        DefinitionSpec(
            "ANNUAL",
            "Årlig gjennomgang",
            Role.PRIMARY_CONTACT,
            ChainActor.HOME_CARE,
            T.RECURRENCE,
            A.PATHWAY_START,
            INTERVAL_MONTHS,
            U.MONTHS,
            description=(
                "Gjennomgang av funksjon, helse, sikkerhet og mål med fast intervall. Åpner en "
                "måned før fristen."
            ),
            window_amount=1,
            window_unit=U.MONTHS,
            deadline_source=INTERVAL_SOURCE,
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
                IPLOS_SCORE,
                SURROUNDINGS,
                FINANCES,
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
            INTERVAL_MONTHS,
            U.MONTHS,
            window_amount=1,
            window_unit=U.MONTHS,
            deadline_source=f"{LOCAL_DEFAULT}: samme intervall som den årlige gjennomgangen.",
            deadline_local_default=True,
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

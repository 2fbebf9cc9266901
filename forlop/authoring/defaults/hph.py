"""The HPH pathway (Helhetlig pasientforløp i hjemmet): HPH0–HPH6 and the daily care plan."""

from __future__ import annotations

from forlop.authoring.defaults.specs import (
    DEFAULT_NOTE,
    LOCAL_DEFAULT,
    ROSSTAD_2013,
    ROSSTAD_2017,
    A,
    D,
    DefinitionSpec,
    ItemSpec,
    K,
    T,
    TemplateSpec,
    U,
    assessment,
    daily,
    four_weeks,
    gp_visit,
    hph4,
    hph6,
)
from forlop.core.models import Role
from forlop.pathways.models import ChainActor

HPH = TemplateSpec(
    code="hph",
    name="Helhetlig pasientforløp i hjemmet",
    description=(
        "Generelt, diagnoseuavhengig forløp for voksne som mottar hjemmetjenester etter "
        "utskrivning fra sykehus. Forløpet starter når sykehuset melder pasienten "
        "utskrivningsklar. " + DEFAULT_NOTE
    ),
    definitions=(
        DefinitionSpec(
            "HPH0",
            "Utskrivning fra sykehus",
            Role.ALLOCATION_OFFICE,
            ChainActor.ALLOCATION_OFFICE,
            T.PATHWAY_START,
            A.PLANNED_DISCHARGE,
            0,
            U.HOURS,
            description=(
                "Tildelingskontoret tar imot meldingen om utskrivningsklar pasient og har "
                "utskrivningssamtalen med sykehuset (telefon eller møte) før pasienten reiser: "
                "behov for oppfølging det første døgnet og legemidler. Foreløpig epikrise og "
                "legemiddelliste skal være hos hjemmetjenesten før pasienten kommer hjem. "
                "Fristen følger planlagt utskrivning."
            ),
            main=True,
            deadline_source=(
                f"{ROSSTAD_2017} (sjekkliste 1: utskrivningssamtale på utskrivningsdagen); "
                "Trondheims HPH0: før pasienten reiser"
            ),
            items=(
                ItemSpec(
                    "utskrivningssamtale",
                    "Utskrivningssamtale med sykehuset gjennomført (telefon eller møte)",
                    required=True,
                    domain=D.MEDICAL,
                    allow_not_relevant=False,
                    guidance=(
                        "Sykehuset gir forhåndsavtalt informasjon til kommunen, med vekt på "
                        "behov for oppfølging straks og legemidler."
                    ),
                ),
                ItemSpec(
                    "epikrise",
                    "Foreløpig epikrise mottatt",
                    required=True,
                    domain=D.MEDICAL,
                ),
                ItemSpec(
                    "legemiddelliste-mottatt",
                    "Legemiddelliste mottatt",
                    required=True,
                    domain=D.MEDICATION,
                    carry=True,
                ),
                ItemSpec(
                    "oppfolgingsbehov",
                    "Behov for oppfølging det første døgnet",
                    kind=K.TEXT,
                    domain=D.PROBLEM_AREAS,
                    guidance="Sår, smerte, ernæring, kateter, observasjoner som må gjøres.",
                ),
                ItemSpec(
                    "hjelpemidler",
                    "Behov for hjelpemidler i boligen",
                    kind=K.TEXT,
                    domain=D.SURROUNDINGS,
                ),
                ItemSpec("parorende-informert", "Pårørende informert", domain=D.NEXT_OF_KIN),
            ),
        ),
        DefinitionSpec(
            "HPH1",
            "Forberedelse til hjemkomst",
            Role.ALLOCATION_OFFICE,
            ChainActor.ALLOCATION_OFFICE,
            T.PATHWAY_START,
            A.PLANNED_DISCHARGE,
            0,
            U.CALENDAR_DAYS,
            description=(
                "Tjenestene, hjelpemidlene og første besøk er på plass og primærkontakt er "
                "utnevnt innen utskrivningsdagen."
            ),
            deadline_source=(
                f"{LOCAL_DEFAULT}: innen utskrivningsdagen. {ROSSTAD_2013}: tjenestene "
                "etableres før hjemkomst (uten frist)."
            ),
            deadline_local_default=True,
            items=(
                ItemSpec(
                    "vedtak",
                    "Vedtak om tjenester fattet",
                    required=True,
                    domain=D.RESOURCES,
                    allow_not_relevant=False,
                ),
                ItemSpec("primaerkontakt", "Primærkontakt utnevnt", required=True),
                ItemSpec(
                    "forste-besok",
                    "Første besøk planlagt",
                    kind=K.DATE,
                    required=True,
                ),
                ItemSpec(
                    "hjelpemidler-pa-plass",
                    "Hjelpemidler på plass i boligen",
                    domain=D.SURROUNDINGS,
                ),
                ItemSpec(
                    "legemidler-bestilt",
                    "Legemidler/multidose bestilt og tilgjengelige ved hjemkomst",
                    domain=D.MEDICATION,
                    carry=True,
                ),
                ItemSpec(
                    "okonomi-vedtak",
                    "Brukeren er informert om egenandel for tjenestene",
                    domain=D.FINANCES,
                ),
                ItemSpec(
                    "samarbeidspartnere-varslet",
                    "Samarbeidspartnere varslet (f.eks. matombringing, trygghetsalarm)",
                    domain=D.NOTIFY_PARTNERS,
                ),
                ItemSpec("parorende-kontaktet", "Pårørende kontaktet", domain=D.NEXT_OF_KIN),
            ),
        ),
        assessment(A.ARRIVAL_HOME),
        gp_visit(A.DISCHARGE),
        hph4(),
        four_weeks(A.ARRIVAL_HOME),
        hph6(),
        daily(A.ARRIVAL_HOME),
    ),
)

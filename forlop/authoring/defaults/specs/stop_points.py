"""Stop points several shipped templates share (bokmål template data): HPH4, HPH6, the daily
care plan, the assessment, the GP visit and the four-week conversation, each anchored as the
template says."""

from __future__ import annotations

from forlop.authoring.defaults.specs.items import (
    ASSESSMENT_ITEMS,
    FINANCES,
    IPLOS_SCORE,
    SURROUNDINGS,
    WHAT_MATTERS_FOLLOW_UP,
)
from forlop.authoring.defaults.specs.shapes import (
    ANNUAL_REPORT_2022,
    LOCAL_DEFAULT,
    ROSSTAD_2013,
    ROSSTAD_2017,
    A,
    D,
    DefinitionSpec,
    E,
    ItemSpec,
    K,
    PartSpec,
    T,
    U,
)
from forlop.core.models import Role
from forlop.pathways.models import (
    ChainActor,
)

HPH4_HOURS = 8
"""HPH4's deadline: within the same shift. A local default (the sources say "immediately" and
give a routine, not a deadline); municipalities set their own in their copy."""


def hph4(hours: int = HPH4_HOURS) -> DefinitionSpec:
    return DefinitionSpec(
        "HPH4",
        "Endring i helse/funksjon, fall, kontakt med legevakt",
        Role.PRIMARY_CONTACT,
        ChainActor.HOME_CARE,
        T.EVENT,
        A.EVENT,
        hours,
        U.HOURS,
        description=(
            "Ved fall, funksjonsfall eller kontakt med legevakt/AMK: observer, kontakt lege og "
            "gi videre informasjon, innen samme vakt. Kan skje flere ganger."
        ),
        trigger_events=(E.FALL, E.DECLINE, E.OUT_OF_HOURS_CONTACT),
        repeats=True,
        in_chain=False,
        deadline_source=(
            f"{LOCAL_DEFAULT}: samme vakt ({hours} timer). {ROSSTAD_2013}: rutine for hva som "
            "observeres, hvem som kontaktes og hvilken informasjon som gis videre."
        ),
        deadline_local_default=True,
        items=(
            ItemSpec(
                "hva-skjedde",
                "Hva skjedde?",
                kind=K.TEXT,
                required=True,
                domain=D.MEDICAL,
                allow_not_relevant=False,
            ),
            ItemSpec(
                "observasjoner",
                "Observasjoner (vitale tegn, bevissthet, smerte, skader)",
                kind=K.TEXT,
                required=True,
                domain=D.MEDICAL,
                guidance="Bruk kommunens verktøy for observasjon, f.eks. NEWS2 eller ABCDE.",
                local_default=True,
            ),
            ItemSpec(
                "lege-kontaktet",
                "Fastlege eller legevakt kontaktet",
                required=True,
                domain=D.MEDICAL,
                guidance="Gi beskjed om hva du har observert, legemiddelliste og brukerens mål.",
            ),
            ItemSpec("tiltak", "Tiltak satt i verk", kind=K.TEXT, domain=D.PROBLEM_AREAS),
            ItemSpec("parorende-varslet", "Pårørende varslet", domain=D.NEXT_OF_KIN),
            ItemSpec(
                "fallrisiko-revurdert",
                "Fallrisiko og tiltaksplan revurdert",
                domain=D.PROBLEM_AREAS,
                carry=True,
            ),
        ),
    )


def hph6() -> DefinitionSpec:
    return DefinitionSpec(
        "HPH6",
        "Informasjon til sykehus ved innleggelse",
        Role.PRIMARY_CONTACT,
        ChainActor.HOME_CARE,
        T.EVENT,
        A.EVENT,
        3,
        U.HOURS,
        description=(
            "Innleggelsesrapport og oppdatert legemiddelliste til akuttmottaket innen 3 timer "
            "etter melding om innleggelse."
        ),
        trigger_events=(E.ADMISSION,),
        repeats=True,
        in_chain=False,
        deadline_source=(
            f"{LOCAL_DEFAULT}: 3 timer, etter Trondheims rutine for innleggelsesrapport "
            "(ikke bekreftet i en publisert kilde)."
        ),
        deadline_local_default=True,
        items=(
            ItemSpec(
                "innleggelsesrapport",
                "Innleggelsesrapport sendt",
                required=True,
                domain=D.NOTIFY_PARTNERS,
                allow_not_relevant=False,
            ),
            ItemSpec(
                "legemiddelliste-sendt",
                "Oppdatert legemiddelliste sendt",
                required=True,
                domain=D.MEDICATION,
            ),
            ItemSpec(
                "mal-sendt",
                "Brukerens mål («Hva er viktig for deg?») sendt med",
                required=True,
                domain=D.GOALS,
            ),
        ),
    )


def daily(anchor: str) -> DefinitionSpec:
    return DefinitionSpec(
        "DAILY",
        "Daglig tiltaksplan",
        Role.PRIMARY_CONTACT,
        ChainActor.HOME_CARE,
        T.PATHWAY_START,
        anchor,
        1,
        U.CALENDAR_DAYS,
        description=(
            "Det viktigste fra hver sjekkliste føres inn i tiltaksplanen som alle ansatte ser "
            "hos brukeren, og holdes oppdatert."
        ),
        in_chain=False,
        show_code=False,
        deadline_source=(
            f"{LOCAL_DEFAULT}: dagen etter hjemkomst. {ROSSTAD_2017}, figur 1: tiltaksplanen "
            "holdes oppdatert (uten frist)."
        ),
        deadline_local_default=True,
        items=(
            ItemSpec(
                "tiltaksplan-oppdatert",
                "Tiltaksplanen er opprettet og oppdatert",
                required=True,
                domain=D.PROBLEM_AREAS,
                guidance="Legemidler, fallforebygging, ernæring og brukerens mål skal stå i planen.",
            ),
            ItemSpec(
                "mal-i-tiltaksplan",
                "Brukerens mål står i tiltaksplanen",
                domain=D.GOALS,
                carry=True,
            ),
        ),
    )


def assessment(anchor: str) -> DefinitionSpec:
    home = anchor == A.ARRIVAL_HOME
    return DefinitionSpec(
        "HPH2",
        "Strukturert oppfølging av sykepleier",
        Role.PRIMARY_CONTACT,
        ChainActor.HOME_CARE,
        T.PATHWAY_START,
        anchor,
        3,
        U.CALENDAR_DAYS,
        description=(
            "Strukturert kartlegging innen 3 dager etter hjemkomst (også etter et korttids- "
            "eller intermediæropphold): helseproblemer, forebygging, egenomsorg og sikkerhet. "
            "Primærkontakten gjør vurderingen hjemme hos brukeren."
            if home
            else "Strukturert kartlegging innen 3 dager: helseproblemer, forebygging, "
            "egenomsorg og sikkerhet. Primærkontakten gjør vurderingen hjemme hos brukeren."
        ),
        main=True,
        deadline_source=(
            f"{ROSSTAD_2017} (sjekkliste 2: innen tre dager); {ANNUAL_REPORT_2022} (eventuelt "
            "først etter et intermediær- eller korttidsopphold)"
        ),
        items=ASSESSMENT_ITEMS,
    )


def gp_visit(anchor: str) -> DefinitionSpec:
    return DefinitionSpec(
        "HPH3",
        "Legebesøk med legemiddelgjennomgang",
        Role.PRIMARY_CONTACT,
        ChainActor.GP,
        T.PATHWAY_START,
        anchor,
        14,
        U.CALENDAR_DAYS,
        description=(
            "Hjemmetjenesten bestiller timen hos fastlegen og sender strukturert informasjon "
            "før besøket. Fastlegen gjør medisinsk gjennomgang og legemiddelgjennomgang innen "
            "14 dager og melder endringer tilbake (fastlegens del)."
        ),
        main=True,
        parts=(PartSpec(Role.GP, "Fastlegens del: besøket og legemiddelgjennomgangen"),),
        deadline_source=(
            f"{ROSSTAD_2017} (sjekkliste 3: innen 2 uker, informasjon før og etter besøket); "
            f"{ANNUAL_REPORT_2022} (etter 14 dager)"
        ),
        items=(
            ItemSpec(
                "time-bestilt",
                "Time hos fastlegen er bestilt",
                kind=K.DATE,
                required=True,
                domain=D.NOTIFY_PARTNERS,
                guidance="Datoen for besøket. Avtal hjemmebesøk om brukeren ikke kan komme.",
            ),
            ItemSpec(
                "info-til-lege",
                "Oppsummering fra hjemmetjenesten sendt til fastlegen før besøket",
                required=True,
                domain=D.NOTIFY_PARTNERS,
                guidance="Legemidler, funn fra kartleggingen og brukerens mål (se oppsummeringen).",
            ),
            ItemSpec(
                "legemiddelgjennomgang",
                "Legemiddelgjennomgang gjennomført",
                required=True,
                domain=D.MEDICATION,
                carry=True,
                allow_not_relevant=False,
                part=Role.GP,
            ),
            ItemSpec(
                "felles-plan",
                "Felles plan for videre oppfølging",
                kind=K.TEXT,
                required=True,
                domain=D.MEDICAL,
                carry=True,
                part=Role.GP,
            ),
            ItemSpec("funn", "Funn", kind=K.TEXT, domain=D.MEDICAL, part=Role.GP),
            ItemSpec(
                "info-tilbake",
                "Endringer (legemidler, plan) meldt tilbake til hjemmetjenesten",
                domain=D.NOTIFY_PARTNERS,
                part=Role.GP,
            ),
        ),
    )


def four_weeks(anchor: str) -> DefinitionSpec:
    return DefinitionSpec(
        "HPH5",
        "Fireukerssamtale",
        Role.PRIMARY_CONTACT,
        ChainActor.HOME_CARE,
        T.PATHWAY_START,
        anchor,
        28,
        U.CALENDAR_DAYS,
        description=(
            "Ny vurdering etter fire uker: fysisk og kognitiv funksjon, helse, sikkerhet, sosial "
            "situasjon og egenomsorg. Stemmer tjenestene med behovet?"
        ),
        main=True,
        deadline_source=f"{ROSSTAD_2017} (sjekkliste 4: innen 4 uker)",
        items=(
            ItemSpec("funksjon", "Fysisk og kognitiv funksjon vurdert på nytt", domain=D.FUNCTION),
            IPLOS_SCORE,
            ItemSpec("helse", "Helsetilstand", kind=K.TEXT, domain=D.MEDICAL),
            ItemSpec(
                "sikkerhet",
                "Sikkerhet i hjemmet (fall, brann, tilsyn)",
                domain=D.PROBLEM_AREAS,
            ),
            SURROUNDINGS,
            ItemSpec("sosialt", "Sosial situasjon", kind=K.TEXT, domain=D.SOCIAL),
            ItemSpec("egenomsorg", "Egenomsorg og mestring", kind=K.TEXT, domain=D.RESOURCES),
            FINANCES,
            ItemSpec(
                "tjenester-samsvarer",
                "Tjenestene samsvarer med behovet",
                required=True,
                domain=D.RESOURCES,
                guidance="Hvis nei: meld endret behov til tildelingskontoret.",
            ),
            ItemSpec("iplos-oppdatert", "IPLOS oppdatert", domain=D.IPLOS),
            WHAT_MATTERS_FOLLOW_UP,
        ),
    )

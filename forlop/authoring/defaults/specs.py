"""The shape of a shipped template (``TemplateSpec`` → ``DefinitionSpec`` → ``ItemSpec``) and
the checklist items and stop points several shipped templates share.

Titles, questions and guidance are Norwegian bokmål on purpose: they are data a municipality
edits, not interface text, so they are not translated through gettext. Sources: the HPH
collaboration chain of the Mid-Norway model (Røsstad et al., BMC Health Serv Res 2013;13:121)
and the content of each stop point from the Mid-Norway training day on pathways (assessment
domains: medical condition, problem areas, the user's goals, function, resources and coping,
social situation, physical surroundings, next of kin, finances).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from forlop.core.models import Role
from forlop.pathways.models import (
    AnchorChoices,
    AssessmentDomain,
    ChainActor,
    ChecklistItem,
    DeadlineUnitChoices,
    EventKindChoices,
    TriggerChoices,
)

A = AnchorChoices
D = AssessmentDomain
E = EventKindChoices
K = ChecklistItem.Kind
T = TriggerChoices
U = DeadlineUnitChoices

DEFAULT_NOTE = (
    "Standardmal, til lokal tilpasning: kommunen kopierer malen og tilpasser stoppunkter, "
    "frister, ansvar og sjekklister til lokale forhold før bruk. Frister og punkter merket "
    "«lokal standard» har ingen publisert kilde."
)

# Sources of the shipped deadlines (template data, shown beside the deadline).
ROSSTAD_2013 = "Røsstad mfl. 2013 (BMC Health Serv Res 13:121), figur 1"
ROSSTAD_2017 = "Røsstad mfl. 2017 (BMC Health Serv Res 17:275), tabell 1"
ANNUAL_REPORT_2022 = "Gode pasientforløp, årsrapport 2022"
LOCAL_DEFAULT = "Lokal standard"


@dataclass(frozen=True, slots=True)
class ItemSpec:
    key: str
    text: str
    kind: str = K.YES_NO
    required: bool = False
    domain: str = ""
    guidance: str = ""
    carry: bool = False
    choices: tuple[str, ...] = ()
    number_unit: str = ""
    number_min: int | None = None
    number_max: int | None = None
    allow_not_relevant: bool = True
    part: str = ""
    """Empty: the owner's part; otherwise the role of the part the item is in."""
    local_default: bool = False
    """No published source backs the item (or the tool it names): shown as a local default."""


@dataclass(frozen=True, slots=True)
class PartSpec:
    """A part of a stop point that another role completes."""

    role: str
    title: str


@dataclass(frozen=True, slots=True)
class DefinitionSpec:
    code: str
    title: str
    role: str
    actor: str
    trigger: str
    anchor: str
    amount: int
    unit: str
    description: str = ""
    trigger_events: tuple[str, ...] = ()
    after_code: str = ""
    window_amount: int | None = None
    window_unit: str = ""
    repeats: bool = False
    in_chain: bool = True
    items: tuple[ItemSpec, ...] = ()
    main: bool = False
    """One of the main checklists (the trial's "at least 3 of the 4 main checklists")."""
    parts: tuple[PartSpec, ...] = ()
    deadline_source: str = ""
    deadline_local_default: bool = False
    show_code: bool = True
    """False for a stop point outside the HPH numbering: users see its title only."""


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    code: str
    name: str
    description: str
    definitions: tuple[DefinitionSpec, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------------------------
# Checklist items shared by several templates
# --------------------------------------------------------------------------------------------

WHAT_MATTERS = ItemSpec(
    "hva-er-viktig",
    "Hva er viktig for deg?-samtale",
    kind=K.WHAT_MATTERS,
    required=True,
    domain=D.GOALS,
    carry=True,
    guidance=(
        "Spør brukeren: «Hva er viktig for deg?» Skriv målene med brukerens egne ord og la "
        "brukeren skåre dem (0–10). Målene følger brukeren gjennom hele forløpet; et nytt "
        "forløp får et nytt utgangspunkt."
    ),
)

WHAT_MATTERS_FOLLOW_UP = ItemSpec(
    "hva-er-viktig-oppfolging",
    "Hva er viktig for deg? – oppfølging av målene",
    kind=K.WHAT_MATTERS,
    required=True,
    domain=D.GOALS,
    carry=True,
    guidance=(
        "Gå gjennom målene fra første samtale sammen med brukeren: skår dem på nytt (0–10), "
        "juster eller sett nye mål. Er tjenestene rettet mot det som er viktig for brukeren?"
    ),
)

SURROUNDINGS = ItemSpec(
    "fysiske-omgivelser",
    "Fysiske omgivelser: bolig og tilgjengelighet",
    kind=K.TEXT,
    domain=D.SURROUNDINGS,
    guidance=(
        "Boligen og det brukeren må klare der: trapper og terskler, bad og toalett, adkomst "
        "ute og inne, lys, behov for tilrettelegging eller hjelpemidler."
    ),
)

FINANCES = ItemSpec(
    "okonomi",
    "Økonomi",
    kind=K.TEXT,
    domain=D.FINANCES,
    guidance=(
        "Klarer brukeren egen økonomi og betaling av regninger og egenandeler? Behov for hjelp "
        "(pårørende, verge, NAV), eller for å søke om støtte eller fritak?"
    ),
)

WORKPLACE = ItemSpec(
    "arbeidsplass",
    "Arbeidsplasskartlegging av hjemmet (for de ansatte)",
    domain=D.WORKPLACE,
    guidance=(
        "Huskepunkt for arbeidsmiljøet til de ansatte som kommer: plass til forflytning og "
        "arbeid rundt seng og bad, løft og hjelpemidler til det, husdyr, røyking, tilkomst. "
        "Brukerens egne behov i boligen står under fysiske omgivelser."
    ),
)

IPLOS_SCORE = ItemSpec(
    "iplos-skar",
    "IPLOS-skår for funksjon (gjennomsnitt 1–5)",
    kind=K.NUMBER,
    domain=D.IPLOS,
    guidance=(
        "Gjennomsnittet av brukerens IPLOS-variabler for funksjon (1 = klarer seg selv, "
        "5 = trenger full hjelp). Føres ved HPH2 og på nytt ved HPH5, så endringen kan følges."
    ),
    local_default=True,
)

ASSESSMENT_ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec(
        "legemiddelliste",
        "Legemiddellisten er kontrollert mot epikrise og det brukeren faktisk har hjemme",
        required=True,
        domain=D.MEDICATION,
        carry=True,
        guidance=(
            "Sammenlign epikrise, e-resept/multidose og legemidlene i hjemmet. Avvik meldes til "
            "fastlegen samme dag."
        ),
    ),
    ItemSpec(
        "helsetilstand",
        "Medisinsk tilstand og helseproblemer",
        kind=K.TEXT,
        domain=D.MEDICAL,
        guidance="Diagnoser, symptomer og observasjoner som må følges opp (f.eks. vitale tegn).",
    ),
    ItemSpec(
        "funksjon-iplos",
        "Funksjon kartlagt og IPLOS registrert",
        required=True,
        domain=D.IPLOS,
        guidance="Kartlegg ADL og mobilitet. Husk IPLOS-registrering etter kartleggingen.",
    ),
    IPLOS_SCORE,
    ItemSpec(
        "ernaering-vekt",
        "Ernæring og vekt",
        kind=K.NUMBER,
        number_unit="kg",
        number_min=20,
        number_max=300,
        domain=D.FUNCTION,
        carry=True,
        guidance=(
            "Vei brukeren og kartlegg matlyst og vekttap (f.eks. MNA-SF). Ved risiko: lag "
            "ernæringstiltak i tiltaksplanen."
        ),
        local_default=True,
    ),
    ItemSpec(
        "fallrisiko",
        "Fallrisiko",
        kind=K.SINGLE_CHOICE,
        choices=("Lav", "Middels", "Høy"),
        required=True,
        domain=D.PROBLEM_AREAS,
        carry=True,
        guidance=(
            "Har brukeren falt siste år? Svimmelhet, legemidler, syn, løse tepper, lys. Ved "
            "middels eller høy risiko: fallforebyggende tiltak i tiltaksplanen."
        ),
        local_default=True,
    ),
    ItemSpec(
        "smerte",
        "Smerte",
        kind=K.TEXT,
        domain=D.PROBLEM_AREAS,
        guidance="Hvor, hvor sterk (0–10), og hjelper smertebehandlingen?",
    ),
    ItemSpec(
        "hud",
        "Hud og trykksår",
        kind=K.TEXT,
        domain=D.PROBLEM_AREAS,
        guidance="Se etter rødhet, sår og trykkpunkter. Vurder trykksårforebygging.",
    ),
    ItemSpec(
        "eliminasjon",
        "Eliminasjon (vannlating og avføring)",
        kind=K.TEXT,
        domain=D.PROBLEM_AREAS,
        guidance="Inkontinens, forstoppelse, urinveisinfeksjon, kateter.",
    ),
    ItemSpec(
        "kognisjon",
        "Kognisjon",
        kind=K.TEXT,
        domain=D.FUNCTION,
        guidance="Hukommelse, orientering og forvirring. Vurder kartleggingsverktøy ved endring.",
    ),
    ItemSpec(
        "mestring-ressurser",
        "Ressurser og mestring",
        kind=K.TEXT,
        domain=D.RESOURCES,
        guidance="Hva klarer brukeren selv? Muligheter for hverdagsrehabilitering.",
    ),
    ItemSpec(
        "sosial-situasjon",
        "Sosial situasjon og pårørende",
        kind=K.TEXT,
        domain=D.SOCIAL,
        guidance="Nettverk, ensomhet, pårørendes rolle og behov for avlastning.",
    ),
    SURROUNDINGS,
    FINANCES,
    ItemSpec(
        "brannsikkerhet",
        "Brannsikkerhet vurdert",
        domain=D.FIRE_SAFETY,
        guidance="Røykvarsler virker, komfyrvakt ved behov, røyking, levende lys.",
    ),
    WORKPLACE,
    ItemSpec(
        "samarbeidspartnere",
        "Samarbeidspartnere varslet (f.eks. matombringing, trygghetsalarm, fysioterapeut)",
        domain=D.NOTIFY_PARTNERS,
    ),
    WHAT_MATTERS,
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

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
    "Nasjonal standardmal. Kommunen kopierer malen og tilpasser stoppunkter, frister og "
    "sjekklister til lokale forhold før bruk."
)


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
    allow_not_relevant: bool = True


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
        "brukeren score dem (1–10). Målene følger brukeren gjennom hele forløpet."
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
        "Gå gjennom målene fra første samtale sammen med brukeren: score dem på nytt, juster "
        "eller sett nye mål. Er tjenestene rettet mot det som er viktig for brukeren?"
    ),
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
    ItemSpec(
        "ernaering-vekt",
        "Ernæring og vekt",
        kind=K.NUMBER,
        number_unit="kg",
        domain=D.FUNCTION,
        carry=True,
        guidance=(
            "Vei brukeren og kartlegg matlyst og vekttap (f.eks. MNA-SF). Ved risiko: lag "
            "ernæringstiltak i tiltaksplanen."
        ),
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
    ItemSpec(
        "brannsikkerhet",
        "Brannsikkerhet vurdert",
        domain=D.FIRE_SAFETY,
        guidance="Røykvarsler virker, komfyrvakt ved behov, røyking, levende lys.",
    ),
    ItemSpec(
        "arbeidsplass",
        "Arbeidsplasskartlegging av hjemmet",
        domain=D.WORKPLACE,
        guidance="Plass rundt seng og bad, hjelpemidler for forflytning, husdyr, tilkomst.",
    ),
    ItemSpec(
        "samarbeidspartnere",
        "Samarbeidspartnere varslet (f.eks. matombringing, trygghetsalarm, fysioterapeut)",
        domain=D.NOTIFY_PARTNERS,
    ),
    WHAT_MATTERS,
)


def hph4() -> DefinitionSpec:
    return DefinitionSpec(
        "HPH4",
        "Endring i helse/funksjon, fall, kontakt med legevakt",
        Role.PRIMARY_CONTACT,
        ChainActor.HOME_CARE,
        T.EVENT,
        A.EVENT,
        0,
        U.HOURS,
        description=(
            "Straks ved fall, funksjonsfall eller kontakt med legevakt/AMK: observer, kontakt "
            "lege og gi videre informasjon. Kan skje flere ganger."
        ),
        trigger_events=(E.FALL, E.DECLINE, E.OUT_OF_HOURS_CONTACT),
        repeats=True,
        in_chain=False,
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
            "Strukturert kartlegging innen 3 dager: helseproblemer, forebygging, egenomsorg og "
            "sikkerhet. Primærkontakten gjør vurderingen hjemme hos brukeren."
        ),
        items=ASSESSMENT_ITEMS,
    )


def gp_visit(anchor: str) -> DefinitionSpec:
    return DefinitionSpec(
        "HPH3",
        "Legebesøk med legemiddelgjennomgang",
        Role.GP,
        ChainActor.GP,
        T.PATHWAY_START,
        anchor,
        14,
        U.CALENDAR_DAYS,
        description=(
            "Fastlegen gjør medisinsk gjennomgang og legemiddelgjennomgang innen 14 dager, med "
            "strukturert informasjon fra hjemmetjenesten før og etter besøket."
        ),
        items=(
            ItemSpec(
                "info-til-lege",
                "Oppsummering fra hjemmetjenesten sendt til fastlegen før besøket",
                domain=D.NOTIFY_PARTNERS,
                guidance="Legemidler, funn fra kartleggingen og brukerens mål.",
            ),
            ItemSpec(
                "legemiddelgjennomgang",
                "Legemiddelgjennomgang gjennomført",
                required=True,
                domain=D.MEDICATION,
                carry=True,
                allow_not_relevant=False,
            ),
            ItemSpec(
                "felles-plan",
                "Felles plan for videre oppfølging",
                kind=K.TEXT,
                required=True,
                domain=D.MEDICAL,
                carry=True,
            ),
            ItemSpec("funn", "Funn", kind=K.TEXT, domain=D.MEDICAL),
            ItemSpec(
                "info-tilbake",
                "Endringer (legemidler, plan) meldt tilbake til hjemmetjenesten",
                domain=D.NOTIFY_PARTNERS,
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
        items=(
            ItemSpec("funksjon", "Fysisk og kognitiv funksjon vurdert på nytt", domain=D.FUNCTION),
            ItemSpec("helse", "Helsetilstand", kind=K.TEXT, domain=D.MEDICAL),
            ItemSpec("sikkerhet", "Sikkerhet i hjemmet", domain=D.SURROUNDINGS),
            ItemSpec("sosialt", "Sosial situasjon", kind=K.TEXT, domain=D.SOCIAL),
            ItemSpec("egenomsorg", "Egenomsorg og mestring", kind=K.TEXT, domain=D.RESOURCES),
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

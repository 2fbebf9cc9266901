"""The national default pathway templates, installed once and then copied by municipalities.

``install_national_defaults()`` creates (or finds, by template code) each national template with
a published version 1. It never changes a template that already exists: the defaults are data
that municipalities copy and adapt (``versioning.template_copy``), and published versions are
immutable, so a changed default here becomes a new version through the versioning services.

Titles, questions and guidance are Norwegian bokmål on purpose: they are data a municipality
edits, not interface text, so they are not translated through gettext.

Sources: /work/shared/domain/hph.md (HPH stop points, assessment domains, the general municipal
pathway); the deadlines are those of the Mid-Norway HPH model (Røsstad et al. 2013).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from forlop.core.models import Role
from forlop.pathways.models import (
    AnchorChoices,
    AssessmentDomain,
    ChainActor,
    ChecklistItem,
    DeadlineUnitChoices,
    EventKindChoices,
    PathwayTemplate,
    StopPointDefinition,
    TemplateVersion,
    TriggerChoices,
)
from forlop.pathways.versioning import definitions_validate

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


def _hph4() -> DefinitionSpec:
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


def _hph6() -> DefinitionSpec:
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


def _daily(anchor: str) -> DefinitionSpec:
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


def _assessment(anchor: str) -> DefinitionSpec:
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


def _gp_visit(anchor: str) -> DefinitionSpec:
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


def _four_weeks(anchor: str) -> DefinitionSpec:
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


HPH = TemplateSpec(
    code="hph",
    name="Helhetlig pasientforløp i hjemmet",
    description=(
        "Generelt, diagnoseuavhengig forløp for voksne som mottar hjemmetjenester etter "
        "utskrivning fra sykehus. " + DEFAULT_NOTE
    ),
    definitions=(
        DefinitionSpec(
            "HPH0",
            "Utskrivning fra sykehus",
            Role.HOSPITAL_NURSE,
            ChainActor.HOSPITAL,
            T.PATHWAY_START,
            A.DISCHARGE,
            0,
            U.HOURS,
            description=(
                "Utskrivningssamtale (telefon eller møte) mellom sykehuset og kommunen før "
                "pasienten reiser. Foreløpig epikrise og legemiddelliste skal være hos "
                "hjemmetjenesten før pasienten kommer hjem."
            ),
            items=(
                ItemSpec(
                    "utskrivningssamtale",
                    "Utskrivningssamtale gjennomført",
                    required=True,
                    domain=D.MEDICAL,
                    allow_not_relevant=False,
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
                    "Behov for hjelpemidler",
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
            A.DISCHARGE,
            0,
            U.CALENDAR_DAYS,
            description=(
                "Tjenestene, hjelpemidlene og første besøk er på plass og primærkontakt er "
                "utnevnt innen utskrivningsdagen."
            ),
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
                    "Hjelpemidler på plass",
                    domain=D.SURROUNDINGS,
                ),
                ItemSpec(
                    "legemidler-bestilt",
                    "Legemidler/multidose bestilt og tilgjengelige ved hjemkomst",
                    domain=D.MEDICATION,
                    carry=True,
                ),
                ItemSpec(
                    "samarbeidspartnere-varslet",
                    "Samarbeidspartnere varslet (f.eks. matombringing, trygghetsalarm)",
                    domain=D.NOTIFY_PARTNERS,
                ),
                ItemSpec("parorende-kontaktet", "Pårørende kontaktet", domain=D.NEXT_OF_KIN),
            ),
        ),
        _assessment(A.ARRIVAL_HOME),
        _gp_visit(A.DISCHARGE),
        _hph4(),
        _four_weeks(A.ARRIVAL_HOME),
        _hph6(),
        _daily(A.ARRIVAL_HOME),
    ),
)


GENERAL = TemplateSpec(
    code="general",
    name="Generelt kommunalt forløp",
    description=(
        "Ett generelt forløp i en enhet: henvisning og vedtak, utredning, behandling og "
        "oppfølging, avslutning. Passer for somatikk, rus og psykisk helse og rehabilitering. "
        + DEFAULT_NOTE
    ),
    definitions=(
        DefinitionSpec(
            "G1",
            "Henvisning, kartlegging og vedtak",
            Role.ALLOCATION_OFFICE,
            ChainActor.ALLOCATION_OFFICE,
            T.PATHWAY_START,
            A.PATHWAY_START,
            10,
            U.WORKING_DAYS,
            description="Henvisningen er mottatt, behovet kartlagt og vedtaket fattet.",
            items=(
                ItemSpec("henvisning", "Henvisning mottatt og registrert", required=True),
                ItemSpec(
                    "kartlegging",
                    "Behovet er kartlagt",
                    kind=K.TEXT,
                    required=True,
                    domain=D.PROBLEM_AREAS,
                ),
                ItemSpec(
                    "vedtak",
                    "Vedtak fattet",
                    required=True,
                    domain=D.RESOURCES,
                    allow_not_relevant=False,
                ),
                ItemSpec("iplos", "IPLOS registrert", domain=D.IPLOS),
            ),
        ),
        DefinitionSpec(
            "G2",
            "Utredning i enheten",
            Role.PRIMARY_CONTACT,
            ChainActor.HOME_CARE,
            T.AFTER_STOP_POINT,
            A.PREVIOUS_DONE,
            10,
            U.WORKING_DAYS,
            description="Enheten utreder brukerens situasjon og avtaler mål og tiltak.",
            after_code="G1",
            items=(
                ItemSpec(
                    "utredning",
                    "Utredning gjennomført",
                    kind=K.TEXT,
                    required=True,
                    domain=D.MEDICAL,
                ),
                ItemSpec(
                    "legemidler",
                    "Legemiddelliste kontrollert",
                    domain=D.MEDICATION,
                    carry=True,
                ),
                WHAT_MATTERS,
            ),
        ),
        DefinitionSpec(
            "G3",
            "Behandling, oppfølging og justering av tiltak",
            Role.PRIMARY_CONTACT,
            ChainActor.HOME_CARE,
            T.AFTER_STOP_POINT,
            A.PREVIOUS_DONE,
            20,
            U.WORKING_DAYS,
            description="Tiltakene evalueres mot målene og justeres.",
            after_code="G2",
            items=(
                ItemSpec(
                    "tiltak-evaluert",
                    "Tiltakene er evaluert mot målene",
                    required=True,
                    domain=D.GOALS,
                ),
                ItemSpec("tiltak-justert", "Endringer i tiltak", kind=K.TEXT),
                WHAT_MATTERS_FOLLOW_UP,
            ),
        ),
        DefinitionSpec(
            "G4",
            "Overføring, utskrivning eller avslutning",
            Role.PRIMARY_CONTACT,
            ChainActor.HOME_CARE,
            T.AFTER_STOP_POINT,
            A.PREVIOUS_DONE,
            10,
            U.WORKING_DAYS,
            description="Forløpet avsluttes eller brukeren overføres, med informasjon videre.",
            after_code="G3",
            items=(
                ItemSpec(
                    "avslutning",
                    "Utfall",
                    kind=K.SINGLE_CHOICE,
                    choices=("Avsluttet", "Overført", "Videre oppfølging"),
                    required=True,
                ),
                ItemSpec(
                    "informasjon-videre",
                    "Informasjon sendt til neste tjeneste og fastlege",
                    domain=D.NOTIFY_PARTNERS,
                ),
            ),
        ),
    ),
)


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


DECLINE_AT_HOME = TemplateSpec(
    code="decline-at-home",
    name="Forløp ved funksjonsfall hjemme",
    description=(
        "For brukere som får et funksjonsfall hjemme uten sykehusopphold, når brukeren, "
        "pårørende eller tjenestene ser et nytt behov. Stoppunktene har samme koder som i HPH "
        "slik at etterlevelse kan sammenlignes. " + DEFAULT_NOTE
    ),
    definitions=(
        _assessment(A.PATHWAY_START),
        _gp_visit(A.PATHWAY_START),
        _hph4(),
        _four_weeks(A.PATHWAY_START),
        _hph6(),
        _daily(A.PATHWAY_START),
    ),
)


NATIONAL_DEFAULTS: tuple[TemplateSpec, ...] = (HPH, GENERAL, ANNUAL_REVIEW, DECLINE_AT_HOME)


def _install(spec: TemplateSpec) -> PathwayTemplate:
    template = PathwayTemplate.objects.create(
        code=spec.code,
        name=spec.name,
        description=spec.description,
        organisation=None,
        national_default=True,
    )
    version = TemplateVersion.objects.create(
        template=template,
        number=1,
        status=TemplateVersion.Status.PUBLISHED,
        published_at=timezone.now(),
        notes="Nasjonal standard, versjon 1.",
    )
    definitions: list[StopPointDefinition] = []
    for order, d in enumerate(spec.definitions, start=1):
        definition = StopPointDefinition(
            version=version,
            order=order * 10,
            code=d.code,
            title=d.title,
            description=d.description,
            responsible_role=d.role,
            actor=d.actor,
            trigger=d.trigger,
            trigger_events=[str(e) for e in d.trigger_events],
            after_code=d.after_code,
            anchor=d.anchor,
            deadline_amount=d.amount,
            deadline_unit=d.unit,
            window_amount=d.window_amount,
            window_unit=d.window_unit,
            repeats=d.repeats,
            in_chain=d.in_chain,
        )
        definition.full_clean(exclude=["version"])
        definition.save()
        for item_order, i in enumerate(d.items, start=1):
            item = ChecklistItem(
                definition=definition,
                order=item_order * 10,
                key=i.key,
                text=i.text,
                kind=i.kind,
                required=i.required,
                allow_not_relevant=i.allow_not_relevant,
                number_unit=i.number_unit,
                choices=list(i.choices),
                domain=i.domain,
                guidance=i.guidance,
                carry_to_care_plan=i.carry,
            )
            item.full_clean(exclude=["definition"])
            item.save()
        definitions.append(definition)
    # Prove the shipped data consistent with the pure rules; a failure rolls everything back.
    definitions_validate(definitions)
    return template


def install_national_defaults() -> dict[str, PathwayTemplate]:
    """Create the national default templates that do not exist yet; return all, by code.

    Idempotent: a template is found by its code and left as it is when it exists.
    """
    installed: dict[str, PathwayTemplate] = {}
    with transaction.atomic():
        for spec in NATIONAL_DEFAULTS:
            existing = PathwayTemplate.objects.filter(code=spec.code).first()
            installed[spec.code] = existing if existing is not None else _install(spec)
    return installed

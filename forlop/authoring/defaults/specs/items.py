"""Checklist items several shipped templates share (bokmål template data)."""

from __future__ import annotations

from forlop.authoring.defaults.specs.shapes import (
    D,
    ItemSpec,
    K,
)

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

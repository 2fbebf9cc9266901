"""The general municipal pathway: referral, assessment, follow-up, closure (Stjørdal's model)."""

from __future__ import annotations

from forlop.authoring.defaults.specs import (
    DEFAULT_NOTE,
    FINANCES,
    LOCAL_DEFAULT,
    SURROUNDINGS,
    WHAT_MATTERS,
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

WORKING_DAYS_SOURCE = (
    f"{LOCAL_DEFAULT}: stoppunktene er fra Stjørdals generelle forløp (fagdag for kommuner i "
    "Midt-Norge); fristene i virkedager har ingen kilde."
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
            deadline_source=WORKING_DAYS_SOURCE,
            deadline_local_default=True,
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
            deadline_source=WORKING_DAYS_SOURCE,
            deadline_local_default=True,
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
                SURROUNDINGS,
                FINANCES,
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
            deadline_source=WORKING_DAYS_SOURCE,
            deadline_local_default=True,
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
            deadline_source=WORKING_DAYS_SOURCE,
            deadline_local_default=True,
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

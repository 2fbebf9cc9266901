"""The current network's names, themes, interview notes and members, and small helpers."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone
from django.utils.text import slugify

LIVE = "vestfold"
VESTFOLD = ("Horten", "Tønsberg", "Sandefjord", "Holmestrand", "Færder")
THEMES = {
    1: "Felles forståelse for behovet for endring\nHvordan komme i gang?\nHPH og «Hva er viktig for deg?»\nModell for kvalitetsforbedring og målepunkter\nPostervandring",
    2: "Tidlig identifisering av helse- og funksjonsfall\nKompetanse\n«Hva er viktig for deg?»-samtalen i praksis\nMåling i forbedringsarbeid",
    3: "Evaluere eget forbedringsarbeid\nJustere mål og plan for de neste ni månedene\nMåleverksted\nSykehus og kommuner: samarbeidet",
    4: "Presentere forbedringsarbeidet\nPlan for kontinuerlig forbedring\nNye rutiner inn i kvalitetssystemet",
}
INTERVIEWS = (
    (
        "patient",
        "Hjemmetjenesten kom samme dag som hjemkomst. Trygt å vite hvem som var primærkontakt.",
        "Ingen visste hvilke medisiner som var endret på sykehuset. Måtte fortelle det samme til mange.",
        "Ønsker en fast person å ringe til.",
    ),
    (
        "both",
        "Pårørende fikk være med på utskrivningssamtalen på telefon.",
        "Epikrisen kom først etter en uke. Fastlegetimen ble ikke avtalt.",
        "",
    ),
    (
        "patient",
        "Fysioterapeuten kom raskt og laget en plan for trening hjemme.",
        "Ble ikke spurt om hva som var viktig. Hjelpen passet ikke med dagsrytmen.",
        "Spør hva som er viktig før tjenestene planlegges.",
    ),
    (
        "next_of_kin",
        "God informasjon fra sykehuset om når utskrivningen skjedde.",
        "Ingen oppfølging etter fire uker. Pårørende måtte selv ta kontakt da det gikk dårligere.",
        "Fast evalueringssamtale etter fire uker.",
    ),
    (
        "patient",
        "Kjente igjen de som kom. Tryggere enn sist.",
        "Tre ulike personer på en dag, og ingen visste om fallet forrige uke.",
        "",
    ),
)
MEMBERS = {
    "Horten": (
        ("Frida Fjeld", "forbedring", "Rådgiver, helse og omsorg", True, True),
        ("Hilde Strand", None, "Sykepleier, hjemmetjenesten nord", False, False),
        ("Ola Bakke", None, "Fysioterapeut", False, False),
        ("Siri Moe", None, "Avdelingsleder, tildelingskontoret", False, False),
    ),
    "Tønsberg": (
        ("Marte Nes", None, "Fagutviklingssykepleier", True, False),
        ("Kristian Vik", None, "Ergoterapeut", False, True),
    ),
    "Sandefjord": (("Ingvild Åsen", None, "Enhetsleder hjemmetjenesten", True, True),),
    "Holmestrand": (("Jonas Lie", None, "Sykepleier", True, False),),
    "Færder": (("Camilla Tveit", None, "Rådgiver", True, True),),
    "Sykehuset i Vestfold": (
        ("Anette Rød", None, "Fagsykepleier, medisinsk sengepost", True, False),
    ),
}
DESCRIPTIONS = {
    "Horten": (
        "Horten har om lag 28 000 innbyggere. Hjemmetjenesten er delt i nord og sør, med "
        "tildelingskontor, helsehus med korttid og rehabilitering, og legevakt. Mange eldre bor "
        "alene, og de fleste kommer hjem fra Sykehuset i Vestfold i Tønsberg. Det som utfordrer "
        "forløpene: informasjon om legemidler ved utskrivning, og at fastlegetimen etter hjemkomst "
        "ikke blir avtalt."
    ),
}


def slug_code(name: str) -> str:
    text = name.replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = text.replace("Æ", "Ae").replace("Ø", "O").replace("Å", "A")
    return slugify(text)


def demo_email(name: str) -> str:
    """A reserved-domain address for a demo person (``example.org``: never delivered)."""
    local = name.lower().translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a", " ": "."}))
    return f"{local}@example.org"


def at_hour(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())

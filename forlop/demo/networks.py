"""The learning networks of Gode pasientforløp for the elderly and chronically ill, 2014-2023,
with their participating municipalities and hospital trusts, as listed in the programme's
annual report 2022. Demo data: the networks are loaded with their periods (whole years) and
participants; only the demo's own current network has gatherings and teams.

Where two municipalities share a name the code says which (Herøy in Nordland and in Møre og
Romsdal); "Nes (Viken)" in the Gardermoen network is the Nes of the Ahus network.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NetworkRow:
    code: str
    area: str
    first_year: int
    last_year: int
    municipalities: tuple[str, ...]
    trusts: tuple[str, ...]
    guide: str  # code of the guiding organisation (GUIDES)


#: Guiding organisations: code, name. The Vestfold development centre is the demo's own.
GUIDES: tuple[tuple[str, str], ...] = (
    ("ks-fhi", "KS og Folkehelseinstituttet, Gode pasientforløp"),
    ("usht-innlandet", "Utviklingssenter for sykehjem og hjemmetjenester Innlandet"),
    ("usht-hordaland", "Utviklingssenter for sykehjem og hjemmetjenester Vestland (Hordaland)"),
    ("usht-akershus", "Utviklingssenter for sykehjem og hjemmetjenester Viken (Akershus)"),
    ("usht-nordland", "Utviklingssenter for sykehjem og hjemmetjenester Nordland"),
    (
        "usht-sogn-og-fjordane",
        "Utviklingssenter for sjukeheim og heimetenester Vestland (Sogn og Fjordane)",
    ),
)

#: Hospital trusts: code, name. "siv" is the demo's Sykehuset i Vestfold.
TRUSTS: tuple[tuple[str, str], ...] = (
    ("sykehuset-innlandet", "Sykehuset Innlandet HF"),
    ("helse-bergen", "Helse Bergen HF"),
    ("ahus", "Akershus universitetssykehus HF"),
    ("sykehuset-telemark", "Sykehuset Telemark HF"),
    ("helgelandssykehuset", "Helgelandssykehuset HF"),
    ("helse-forde", "Helse Førde HF"),
    ("siv", "Sykehuset i Vestfold HF"),
    ("sykehuset-ostfold", "Sykehuset Østfold HF"),
    ("finnmarkssykehuset", "Finnmarkssykehuset HF"),
    ("unn", "Universitetssykehuset Nord-Norge HF"),
    ("helse-more-og-romsdal", "Helse Møre og Romsdal HF"),
    ("ous", "Oslo universitetssykehus HF"),
    ("nordlandssykehuset", "Nordlandssykehuset HF"),
    ("sus", "Stavanger universitetssjukehus (Helse Stavanger HF)"),
    ("helse-fonna", "Helse Fonna HF"),
    ("sorlandet-sykehus", "Sørlandet sykehus HF"),
)


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


NETWORKS: tuple[NetworkRow, ...] = (
    NetworkRow(
        "innlandet-2022",
        "Innlandet",
        2022,
        2023,
        _names(
            "Elverum, Gausdal, Gran, Hamar, Lillehammer, Løten, Nord-Fron, Ringsaker, Skjåk, "
            "Stange, Søndre Land, Vestre Toten, Vågå, Våler"
        ),
        ("sykehuset-innlandet",),
        "usht-innlandet",
    ),
    NetworkRow(
        "helse-bergen-2022",
        "Helse Bergen-regionen",
        2022,
        2023,
        _names(
            "Alver, Askøy, Austevoll, Austrheim, Bergen, Bjørnafjorden, Eidfjord, Fedje, Gulen, "
            "Kvam, Masfjorden, Modalen, Osterøy, Samnanger, Ulvik, Vaksdal, Voss, Øygarden"
        ),
        ("helse-bergen",),
        "usht-hordaland",
    ),
    NetworkRow(
        "ahus-2021",
        "Ahus-regionen",
        2021,
        2023,
        _names(
            "Aurskog-Høland, Eidsvoll, Hurdal, Kongsvinger, Lillestrøm, Lørenskog, Nes, "
            "Nittedal, Rælingen, Sør-Odal"
        ),
        ("ahus",),
        "usht-akershus",
    ),
    NetworkRow(
        "telemark-2021",
        "Telemark",
        2021,
        2023,
        _names(
            "Fyresdal, Hjartdal, Kviteseid, Midt-Telemark, Nissedal, Notodden, Seljord, Tinn, Tokke, Vinje"
        ),
        ("sykehuset-telemark",),
        "usht-vestfold",
    ),
    NetworkRow(
        "helgeland-2021",
        "Helgeland",
        2021,
        2023,
        _names(
            "Alstahaug, Brønnøy, Dønna, Grane, Hemnes, Herøy (Nordland), Leirfjord, Lurøy, Rana, "
            "Sømna, Vefsn, Vega"
        ),
        ("helgelandssykehuset",),
        "usht-nordland",
    ),
    NetworkRow(
        "sogn-og-fjordane-2021",
        "Sogn og Fjordane",
        2021,
        2022,
        _names(
            "Askvoll, Aurland, Bremanger, Fjaler, Hyllestad, Kinn, Luster, Lærdal, Sogndal, Stad, "
            "Stryn, Sunnfjord, Vik"
        ),
        ("helse-forde",),
        "usht-sogn-og-fjordane",
    ),
    NetworkRow(
        "vestfold-2020",
        "Vestfold",
        2020,
        2022,
        _names("Horten, Tønsberg, Sandefjord, Larvik, Holmestrand, Færder"),
        ("siv",),
        "ks-fhi",
    ),
    NetworkRow(
        "ostfold-2018",
        "Østfold",
        2018,
        2020,
        _names(
            "Askim, Eidsberg, Fredrikstad, Halden, Hobøl, Hvaler, Rakkestad, Rygge, Sarpsborg, "
            "Spydeberg, Trøgstad"
        ),
        ("sykehuset-ostfold",),
        "ks-fhi",
    ),
    NetworkRow(
        "ofoten-troms-finnmark-2018",
        "Ofoten, Troms og Finnmark",
        2018,
        2019,
        _names(
            "Alta, Balsfjord, Dyrøy, Evenes, Hammerfest, Harstad, Hasvik, Kvæfjord, Kåfjord, "
            "Lenvik, Loppa, Lyngen, Nordkapp, Nordreisa, Salangen, Skjervøy, Skånland, "
            "Storfjord, Sørreisa, Sør-Varanger, Tjeldsund, Tromsø"
        ),
        ("finnmarkssykehuset", "unn"),
        "ks-fhi",
    ),
    NetworkRow(
        "more-og-romsdal-2017",
        "Møre og Romsdal",
        2017,
        2019,
        _names(
            "Aukra, Aure, Averøy, Eide, Fræna, Giske, Gjemnes, Haram, Herøy (Møre og Romsdal), "
            "Kristiansund, Midsund, Nesset, Norddal, Rauma, Sande, Sandøy, Skodje, Smøla, "
            "Stordal, Sula, Sunndal, Surnadal, Sykkylven, Tingvoll, Ulstein, Vanylven, "
            "Vestnes, Volda, Ørskog, Ørsta, Ålesund"
        ),
        ("helse-more-og-romsdal",),
        "ks-fhi",
    ),
    NetworkRow("oslo-2017", "Oslo", 2017, 2019, ("Oslo",), ("ous",), "ks-fhi"),
    NetworkRow(
        "hedmark-og-oppland-2017",
        "Hedmark og Oppland",
        2017,
        2018,
        _names(
            "Eidskog, Gausdal, Grue, Hamar, Kongsvinger, Lillehammer, Løten, Nord-Aurdal, "
            "Nord-Odal, Ringebu, Ringsaker, Sel, Stange, Stor-Elvdal, Sør-Fron, Sør-Odal, "
            "Trysil, Tynset, Vågå, Øyer, Åsnes"
        ),
        ("sykehuset-innlandet",),
        "ks-fhi",
    ),
    NetworkRow(
        "nordland-2017",
        "Nordland",
        2017,
        2018,
        _names(
            "Andøy, Bodø, Bø, Fauske, Gildeskål, Hadsel, Lødingen, Meløy, Sortland, Vestvågøy, "
            "Vågan, Øksnes"
        ),
        ("nordlandssykehuset", "unn"),
        "ks-fhi",
    ),
    NetworkRow(
        "rogaland-2016",
        "Rogaland",
        2016,
        2018,
        _names(
            "Bømlo, Eigersund, Gjesdal, Haugesund, Hå, Klepp, Lund, Sandnes, Forsand, Sola, "
            "Stavanger, Finnøy, Rennesøy, Stord, Strand, Suldal, Time, Tysvær"
        ),
        ("sus", "helse-fonna"),
        "ks-fhi",
    ),
    NetworkRow(
        "agder-2016",
        "Agder",
        2016,
        2018,
        _names(
            "Farsund, Flekkefjord, Hægebostad, Kristiansand, Songdalen, Søgne, Kvinesdal, "
            "Lindesnes, Mandal, Marnardal, Lyngdal, Audnedal, Sirdal, Vennesla, Åseral, Arendal, "
            "Birkenes, Bygland, Bykle, Evje og Hornnes, Froland, Gjerstad, Grimstad, Iveland, "
            "Lillesand, Risør, Tvedestrand, Valle, Vegårshei, Åmli"
        ),
        ("sorlandet-sykehus",),
        "ks-fhi",
    ),
    NetworkRow(
        "gardermoen-2014",
        "Læringsnettverk Gardermoen",
        2014,
        2015,
        _names(
            "Sarpsborg, Nes, Frogn, Oppegård, Rendalen, Tynset, Jevnaker, Lunner, Søndre Land, "
            "Østre Toten, Hole, Nesbyen, Ringerike, Larvik, Sandefjord, Notodden, Molde, "
            "Malvik, Melhus, Røros, Vågan"
        ),
        (),
        "ks-fhi",
    ),
    NetworkRow(
        "sor-2014",
        "Læringsnettverk Sør",
        2014,
        2015,
        _names(
            "Arendal, Froland, Gjerstad, Grimstad, Risør, Tvedestrand, Vegårshei, Åmli, "
            "Kristiansand, Åseral, Lindesnes, Mandal, Marnardal, Flekkefjord, Kvinesdal, "
            "Lyngdal, Audnedal, Sirdal, Sola, Stavanger"
        ),
        (),
        "ks-fhi",
    ),
)

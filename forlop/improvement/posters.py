"""Posters as A4 or A3 PDF, rendered with WeasyPrint from HTML and CSS, following the
compendium's template: the municipality or hospital and the team, a short description,
before gathering 1 what the interviews taught and the improvement areas, later the status
since the last gathering with the measure charts as vector graphics, and an optional photo.

WeasyPrint reads nothing from outside the document: its URL fetcher refuses every URL but the
``data:`` ones the template uses for the photo.
"""

from __future__ import annotations

import base64
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from forlop.improvement.charts import AimChart, aim_charts
from forlop.improvement.models import Gathering, Poster, StatusReport, Team

SIZES = ("a4", "a3")


@dataclass(frozen=True, slots=True)
class PosterContent:
    team: Team
    gathering: Gathering
    poster: Poster | None
    members: list[object]
    areas: list[object]
    report: StatusReport | None
    sections: dict[str, str]
    charts: list[AimChart]
    photo_uri: str

    @property
    def before_first(self) -> bool:
        return self.gathering.number == 1


def _fetcher() -> URLFetcher:
    """Only the ``data:`` URLs of the document itself (the photo); nothing from outside."""
    return URLFetcher(allowed_protocols=("data",), allow_redirects=False)


def poster_content(
    team: Team, gathering: Gathering, *, today: date, as_of: datetime
) -> PosterContent:
    """What goes on the poster, from the team's data: the submitted version of the status
    report where there is one, else the draft."""
    poster = Poster.objects.filter(team=team, gathering=gathering).first()
    report = StatusReport.objects.filter(team=team, gathering=gathering).first()
    sections: dict[str, str] = {}
    if report is not None:
        version = report.versions.order_by("-number").first() if report.locked else None
        if version is not None:
            sections = dict(version.sections)
        else:
            sections = {
                name: getattr(report, name)
                for name in ("work_done", "aims_and_measures", "pdsa", "next_steps")
            }
    photo_uri = ""
    if poster is not None and poster.photo:
        encoded = base64.b64encode(bytes(poster.photo)).decode("ascii")
        photo_uri = f"data:{poster.photo_type};base64,{encoded}"
    return PosterContent(
        team=team,
        gathering=gathering,
        poster=poster,
        members=list(team.members.filter(active=True).select_related("organisation")),
        areas=list(team.improvement_areas.all()),
        report=report,
        sections=sections,
        charts=[]
        if gathering.number == 1
        else aim_charts(team, today=today, as_of=as_of, size="small"),
        photo_uri=photo_uri,
    )


def poster_html(content: PosterContent, *, size: str) -> str:
    return render_to_string(
        "improvement/poster_pdf.html",
        {"c": content, "size": size, "charts": [mark_safe(chart.svg) for chart in content.charts]},  # noqa: S308 - our own SVG, text escaped by svg.py
    )


def _pdf(html: str) -> bytes:
    return HTML(string=html, url_fetcher=_fetcher(), base_url=None).write_pdf()  # type: ignore[no-any-return]


def poster_pdf(
    team: Team, gathering: Gathering, *, size: str, today: date, as_of: datetime
) -> bytes:
    if size not in SIZES:
        raise ValueError(size)
    return _pdf(poster_html(poster_content(team, gathering, today=today, as_of=as_of), size=size))


def _slug(text: str) -> str:
    for letter, ascii_letters in (("æ", "ae"), ("ø", "o"), ("å", "a")):
        text = text.replace(letter, ascii_letters).replace(letter.upper(), ascii_letters.title())
    return slugify(text)


def poster_filename(team: Team, gathering: Gathering, size: str) -> str:
    return f"plakat-{_slug(team.name)}-samling-{gathering.number}-{size}.pdf"


def posters_zip(gathering: Gathering, *, size: str, today: date, as_of: datetime) -> bytes:
    """Every active team's poster for the gathering, one PDF each, in one ZIP file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for team in _teams(gathering):
            archive.writestr(
                poster_filename(team, gathering, size),
                poster_pdf(team, gathering, size=size, today=today, as_of=as_of),
            )
    return buffer.getvalue()


def posters_combined_pdf(gathering: Gathering, *, size: str, today: date, as_of: datetime) -> bytes:
    """Every active team's poster for the gathering in one PDF, a page (or more) each."""
    parts = [
        poster_html(poster_content(team, gathering, today=today, as_of=as_of), size=size)
        for team in _teams(gathering)
    ]
    documents = [
        HTML(string=html, url_fetcher=_fetcher(), base_url=None).render() for html in parts
    ]
    if not documents:
        return _pdf(render_to_string("improvement/poster_pdf.html", {"empty": True, "size": size}))
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()  # type: ignore[no-any-return]


def _teams(gathering: Gathering) -> list[Team]:
    assert gathering.network is not None  # noqa: S101 - network gatherings only
    return list(
        gathering.network.teams.filter(withdrawn_on__isnull=True)
        .select_related("organisation", "network")
        .order_by("name")
    )


__all__ = ["SIZES", "poster_pdf", "posters_combined_pdf", "posters_zip"]

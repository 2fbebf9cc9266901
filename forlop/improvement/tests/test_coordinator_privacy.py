"""Every page the demo's network coordinator can open (and every PDF and ZIP behind them)
holds no patient name and no identity number from the demo data."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from forlop.core.models import User
from forlop.demo.testing import demo_load
from forlop.improvement.access import coordinated_networks
from forlop.improvement.models import GuidanceSession, StatusReport
from forlop.improvement.selectors import network_calendar
from forlop.patients.models import Patient

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)  # the day the clock is frozen at below


def coordinator_urls(user: User) -> list[str]:
    urls = [
        reverse("improvement:index"),
        reverse("measures:index"),
        reverse("improvement:calendar"),
    ]
    for network in coordinated_networks(user):
        urls += [
            reverse("improvement:network", args=(network.code,)),
            reverse("improvement:network-edit", args=(network.code,)),
            reverse("improvement:gathering-create", args=(network.code,)),
            reverse("improvement:team-create", args=(network.code,)),
            reverse("improvement:guidance-create", args=(network.code,)),
            reverse("measures:dashboard", args=("network", network.code)),
        ]
        for event in network_calendar(network):
            if event.network is None:  # the national events in the network's calendar
                urls += [
                    reverse("improvement:gathering", args=(event.pk,)),
                    reverse("improvement:gathering-ics", args=(event.pk,)),
                ]
        for gathering in network.gatherings.all():
            urls += [
                reverse("improvement:gathering", args=(gathering.pk,)),
                reverse("improvement:gathering-edit", args=(gathering.pk,)),
                reverse("improvement:gathering-ics", args=(gathering.pk,)),
            ]
            if gathering.number:
                urls += [
                    reverse("improvement:gathering-posters", args=(gathering.pk, "zip")),
                    reverse("improvement:gathering-posters", args=(gathering.pk, "pdf")),
                ]
        for session in GuidanceSession.objects.filter(network=network):
            urls.append(reverse("improvement:guidance", args=(session.pk,)))
        for team in network.teams.all():
            urls += [
                reverse("improvement:team", args=(team.pk,)),
                reverse("improvement:team-members", args=(team.pk,)),
                reverse("improvement:interviews", args=(team.pk,)),
                reverse("improvement:aims", args=(team.pk,)),
            ]
            for gathering in network.gatherings.filter(number__isnull=False):
                urls += [
                    reverse("improvement:report", args=(team.pk, gathering.pk)),
                    reverse("improvement:poster", args=(team.pk, gathering.pk)),
                    reverse("improvement:poster-pdf", args=(team.pk, gathering.pk)),
                ]
            for report in StatusReport.objects.filter(team=team):
                for version in report.versions.all():
                    urls.append(
                        reverse(
                            "improvement:report-version",
                            args=(team.pk, report.gathering_id, version.number),
                        )
                    )
    return urls


def readable(response) -> str:
    kind = response["Content-Type"]
    if kind == "application/pdf":
        return "\n".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        )
    if kind == "application/zip":
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        return "\n".join(
            page.extract_text()
            for name in archive.namelist()
            for page in PdfReader(io.BytesIO(archive.read(name))).pages
        )
    return response.content.decode()


def test_no_coordinator_page_shows_a_patient(client):
    with time_machine.travel(
        datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Europe/Oslo")), tick=False
    ):
        demo_load(today=TODAY)
        coordinator = User.objects.get(username="koordinator")
        client.force_login(coordinator)
        patients = list(Patient.objects.all())
        assert len(patients) == 30
        names = {f"{p.given_name} {p.family_name}" for p in patients}
        numbers = {p.identity_number for p in patients}
        urls = coordinator_urls(coordinator)
        assert len(urls) > 120  # every network, gathering, team, report and poster page
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            content = readable(response)
            digits = re.sub(r"(?<=\d)[ .-](?=\d)", "", content)
            assert not [name for name in names if name in content], url
            assert not [number for number in numbers if number in digits], url

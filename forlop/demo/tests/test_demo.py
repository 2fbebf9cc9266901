import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from forlop.core.identifiers import parse_identity_number
from forlop.core.models import AuditEvent, Membership, Organisation, Unit, User
from forlop.demo.loader import DEMO_PASSWORD
from forlop.demo.testing import demo_load
from forlop.patients.models import Patient

pytestmark = pytest.mark.django_db


def counts():
    return tuple(m.objects.count() for m in (Organisation, Unit, User, Membership, Patient))


def test_demo_is_idempotent():
    demo_load()  # the demo (a copy after the first load in this process), then the command
    first = counts()
    call_command("demo", stdout=io.StringIO())
    assert counts() == first
    assert first[4] == 30


def test_demo_uses_only_synthetic_identity_numbers():
    demo_load()
    for number in Patient.objects.values_list("identity_number", flat=True):
        assert parse_identity_number(number).synthetic


def test_demo_nurse_sees_her_patients_and_nobody_elses(client):
    demo_load()
    before = AuditEvent.objects.filter(actor__username="sykepleier").count()
    # through the login form: django-axes needs the request (client.login() has none)
    response = client.post("/login/", {"username": "sykepleier", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    response = client.get(reverse("patients:list"))
    assert response.status_code == 200
    body = response.content.decode()
    own = Patient.objects.filter(services__unit__code="horten-nord")
    others = Patient.objects.exclude(services__unit__code="horten-nord")
    assert own.count() == 14
    for p in own:
        assert p.full_name in body
    for p in others:
        assert f">{p.full_name}<" not in body
    listed = AuditEvent.objects.filter(actor__username="sykepleier").order_by("pk")[before:]
    assert [(e.verb, sorted(e.data["list"])) for e in listed] == [
        ("patient.viewed", sorted(p.pk for p in own))
    ]

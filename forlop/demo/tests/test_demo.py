import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from forlop.core.identifiers import parse_identity_number
from forlop.core.models import AuditEvent, Membership, Organisation, Unit, User
from forlop.core.tests.data_controllers import patient_record_models, rows_off_their_patient
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


def test_demo_rows_carry_their_patients_data_controller():
    # given the demo (services, its bulk history and the copy it is restored from)
    demo_load()
    # then every patient-data row names its patient's municipality (one query per table)
    assert rows_off_their_patient() == {}


# The migrations' backfills of the data-controller column, in the order they run.
BACKFILLS = [
    "forlop.patients.migrations.0005_backfill_municipality",
    "forlop.pathways.migrations.0008_backfill_municipality",
    "forlop.goals.migrations.0005_backfill_municipality",
    "forlop.portal.migrations.0003_backfill_municipality",
    "forlop.notifications.migrations.0004_backfill_municipality",
]


def test_the_data_controller_backfill_gives_each_demo_row_its_patients_municipality():
    # given the demo with every patient-data row naming a municipality not its patient's
    demo_load()
    wrong = Organisation.objects.create(
        kind=Organisation.Kind.MUNICIPALITY, name="Feil kommune", code="feil"
    )
    for model in patient_record_models():
        model._default_manager.update(municipality=wrong)
    scrambled = rows_off_their_patient()
    assert len(scrambled) >= 14
    # when the migrations' backfills run (one UPDATE per table)
    for name in BACKFILLS:
        importlib.import_module(name).forwards(apps, None)
    # then every row is its patient's municipality's again
    assert rows_off_their_patient() == {}


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

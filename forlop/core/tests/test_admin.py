"""The Django admin holds no patient data, and administrators work per organisation through
Forløp's own pages and services, which check and audit (issue 11, defect 4)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from forlop.core.models import AuditEvent, AuditVerb, Membership, Role, Unit, User
from forlop.core.tests.factories import UnitFactory

PATIENT_DATA_APPS = {"patients", "pathways", "goals", "measures"}


def patient_data_models() -> set[type]:
    """Models that hold or point at patient data: the Patient, and every model with a path of
    foreign keys to it, plus the audit log (it says who looked at whom, and why)."""
    patient = apps.get_model("patients", "Patient")
    found = {patient, AuditEvent}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in found:
                continue
            for field in model._meta.get_fields():
                if field.is_relation and field.many_to_one and field.related_model in found:
                    found.add(model)
                    changed = True
                    break
    return found


def test_no_admin_page_shows_patient_data():
    registered = set(admin.site._registry)
    leaking = sorted(m._meta.label for m in registered & patient_data_models())
    assert leaking == []


def test_no_admin_widget_points_at_patient_data():
    # a raw-id or autocomplete widget renders the related object's __str__: a patient's name
    patient_models = patient_data_models()
    for model_admin in admin.site._registry.values():
        opts = model_admin.model._meta
        for name in (*model_admin.raw_id_fields, *model_admin.autocomplete_fields):
            assert opts.get_field(name).related_model not in patient_models, (opts.label, name)


@pytest.mark.django_db
def test_the_demo_administrator_is_not_a_superuser(client):
    from forlop.demo.testing import demo_load

    demo_load()
    admin_user = User.objects.get(username="admin")
    assert (admin_user.is_superuser, admin_user.is_staff) == (False, False)
    assert not User.objects.filter(is_superuser=True).exists()
    # and the Django admin turns the demo administrator away
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_an_old_demo_superuser_is_demoted_when_the_demo_loads_again():
    from forlop.demo.loader import load_demo
    from forlop.demo.testing import demo_load

    demo_load()
    User.objects.filter(username="admin").update(is_superuser=True, is_staff=True)
    load_demo()
    assert User.objects.get(username="admin").is_superuser is False


# Administrators' own pages: members of their organisation, checked and audited.


@pytest.fixture
def admin_unit(municipality):
    return UnitFactory(
        organisation=municipality, kind=Unit.Kind.ADMINISTRATION, code="testvik-stab"
    )


@pytest.fixture
def org_admin(admin_unit, make_member):
    return make_member(admin_unit, Role.ADMINISTRATOR, username="orgadmin")


@pytest.mark.django_db
def test_an_administrator_adds_and_ends_a_membership_in_their_organisation(
    client, org_admin, district
):
    newcomer = User.objects.create_user(username="ny", first_name="Nils", last_name="Ny")
    client.force_login(org_admin)
    url = reverse("core:members")
    assert "Hjemmetjenesten nord" in client.get(url).content.decode()
    response = client.post(
        url, {"add": "1", "username": "ny", "unit": district.pk, "role": Role.PRIMARY_CONTACT}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer)
    assert (membership.unit, membership.role, membership.active) == (
        district,
        Role.PRIMARY_CONTACT,
        True,
    )
    added = AuditEvent.objects.get(verb=AuditVerb.MEMBERSHIP_ADDED)
    assert (added.actor, added.target_id, added.data) == (
        org_admin,
        membership.pk,
        {"user": newcomer.pk, "unit": district.code, "role": Role.PRIMARY_CONTACT},
    )
    response = client.post(url, {"end": "1", "membership": membership.pk})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.active is False
    assert AuditEvent.objects.filter(verb=AuditVerb.MEMBERSHIP_ENDED).count() == 1


@pytest.mark.django_db
def test_an_administrator_cannot_touch_another_organisation(
    client, org_admin, other_municipality, make_member
):
    far_unit = UnitFactory(organisation=other_municipality, code="andrevik-hjemme")
    far_nurse = make_member(far_unit, Role.PRIMARY_CONTACT, username="fjern")
    far_membership = far_nurse.memberships.get()
    client.force_login(org_admin)
    url = reverse("core:members")
    body = client.get(url).content.decode()
    assert "fjern" not in body
    before = (Membership.objects.count(), AuditEvent.objects.count())
    response = client.post(
        url, {"add": "1", "username": "orgadmin", "unit": far_unit.pk, "role": Role.GP}
    )
    assert response.status_code == 400
    response = client.post(url, {"end": "1", "membership": far_membership.pk})
    assert response.status_code == 404
    far_membership.refresh_from_db()
    assert far_membership.active is True
    assert (Membership.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_only_administrators_reach_the_members_page(client, nurse, leader):
    for user in (nurse, leader):
        client.force_login(user)
        assert client.get(reverse("core:members")).status_code == 403

"""Shared pytest fixtures: the clock, the organisation ladder, users with roles, patients, and
Chromium."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.cache import caches
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from forlop.core.models import Organisation, Role, Unit, User
from forlop.core.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UnitFactory,
    UserFactory,
)

# Playwright's sync API runs an event loop in the test thread; Django's ORM must be allowed there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("FORLOP_CHROMIUM", "/usr/bin/chromium")

# Hypothesis: no per-example deadline (its default 200 ms is a time asserted in a test, and a
# property test failed with DeadlineExceeded on a machine busy with other jobs; speed is measured
# in bench/), and no example database in the working tree. Tests may still set their own.
hypothesis_settings.register_profile("forlop", deadline=None, database=None)
hypothesis_settings.load_profile("forlop")


# Every test starts in the default language (nb). A request through the test client leaves the
# language it activated in the thread, so a test's language (and every translated text it saved
# or compared) used to depend on the test that ran before it, and differed under xdist.
@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    with translation.override(settings.LANGUAGE_CODE):
        yield


# The goals headers' cache (settings.CACHES "panels") lives in the process, and a test database
# gives the ids and the clock's times of a rolled-back test to the next one: each test starts
# with it empty, as a freshly started server does.
@pytest.fixture(autouse=True)
def _empty_panel_cache() -> None:
    caches["panels"].clear()


# The clock. A test whose data has fixed dates while the code under test reads "now" (a default
# window of "the last ended months", "today" on a page, a deadline that is overdue or not) is
# marked ``@pytest.mark.clock("2025-04-15T10:00+02:00")`` (or ``pytestmark`` for a module), so
# it gives the same answer on every day it runs. The clock starts at that instant and runs on
# (tick=True: timestamps still increase, the live server and its threads see the same time);
# ``clock(..., tick=False)`` stops it. The instant may be a function of the real time (for a
# browser test, whose CSRF cookie expires by the browser's clock, a day chosen near today
# rather than a fixed date). The fixture yields the traveller (``clock.shift(...)``,
# ``clock.move_to(...)``) or None when the test is not marked. ``make test-future`` runs the
# suite with the real clock moved ahead to catch a test that still depends on it.
@pytest.fixture(autouse=True)
def clock(request: pytest.FixtureRequest) -> Iterator[time_machine.Traveller | None]:
    marker = request.node.get_closest_marker("clock")
    if marker is None:
        yield None
        return
    (at,) = marker.args
    if callable(at):
        at = at(datetime.now(UTC))
    instant = datetime.fromisoformat(at) if isinstance(at, str) else at
    if instant.tzinfo is None:
        raise pytest.UsageError(f"@pytest.mark.clock needs an aware time (with an offset): {at!r}")
    with time_machine.travel(instant, tick=marker.kwargs.get("tick", True)) as traveller:
        yield traveller


@pytest.fixture
def municipality() -> Organisation:
    return OrganisationFactory(
        kind=Organisation.Kind.MUNICIPALITY, name="Testvik kommune", code="testvik"
    )


@pytest.fixture
def other_municipality() -> Organisation:
    return OrganisationFactory(
        kind=Organisation.Kind.MUNICIPALITY, name="Andrevik kommune", code="andrevik"
    )


@pytest.fixture
def district(municipality: Organisation) -> Unit:
    return UnitFactory(
        organisation=municipality,
        kind=Unit.Kind.HOME_CARE,
        name="Hjemmetjenesten nord",
        code="testvik-nord",
    )


@pytest.fixture
def other_district(municipality: Organisation) -> Unit:
    return UnitFactory(
        organisation=municipality,
        kind=Unit.Kind.HOME_CARE,
        name="Hjemmetjenesten sør",
        code="testvik-sor",
    )


@pytest.fixture
def make_member() -> Callable[..., User]:
    def make(unit: Unit, role: str = Role.PRIMARY_CONTACT, **kwargs: Any) -> User:
        user = UserFactory(**kwargs)
        MembershipFactory(user=user, unit=unit, role=role)
        return user

    return make


@pytest.fixture
def nurse(district: Unit, make_member: Callable[..., User]) -> User:
    return make_member(
        district, Role.PRIMARY_CONTACT, username="nurse", first_name="Nina", last_name="Nord"
    )


@pytest.fixture
def leader(district: Unit, make_member: Callable[..., User]) -> User:
    return make_member(
        district, Role.UNIT_LEADER, username="leader", first_name="Lea", last_name="Leder"
    )


# Playwright: Debian's Chromium, never a downloaded browser.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # A tablet in landscape, as a nurse uses it in a patient's home.
    return {**browser_context_args, "viewport": {"width": 1024, "height": 768}, "locale": "nb-NO"}


@pytest.fixture
def patient(municipality: Organisation, district: Unit) -> Any:
    from forlop.patients.tests.factories import PatientFactory, PatientServiceFactory

    p = PatientFactory(municipality=municipality, given_name="Astrid", family_name="Testesen")
    PatientServiceFactory(patient=p, unit=district)
    return p


@pytest.fixture
def other_patient(other_municipality: Organisation) -> Any:
    """A patient of another municipality, served there: outside the test users' service need."""
    from forlop.patients.tests.factories import PatientFactory, PatientServiceFactory

    unit = UnitFactory(organisation=other_municipality, code="andrevik-hjemme")
    p = PatientFactory(municipality=other_municipality, given_name="Olav", family_name="Annensen")
    PatientServiceFactory(patient=p, unit=unit)
    return p


@pytest.fixture
def other_nurse(other_patient: Any, make_member: Callable[..., User]) -> User:
    """A nurse of the unit that serves ``other_patient`` (in the other municipality)."""
    unit = other_patient.services.get().unit
    return make_member(unit, Role.PRIMARY_CONTACT, username="other-nurse", first_name="Ola")


@pytest.fixture
def portal_user(patient: Any) -> User:
    """The patient's own login to /my/."""
    from forlop.portal.models import PortalAccount

    user = UserFactory(username="astrid", first_name="Astrid", last_name="Testesen")
    PortalAccount.objects.create(user=user, patient=patient)
    return user


@pytest.fixture
def allocation_unit(municipality: Organisation) -> Unit:
    return UnitFactory(
        organisation=municipality,
        kind=Unit.Kind.ALLOCATION_OFFICE,
        name="Tildelingskontoret",
        code="testvik-tildeling",
    )


@pytest.fixture
def allocation_officer(
    allocation_unit: Unit, make_member: Callable[..., User], patient: Any
) -> User:
    """The allocation office (tildelingskontoret), which also serves ``patient`` (it decides
    the patient's services, so it has a service need)."""
    from forlop.patients.tests.factories import PatientServiceFactory

    PatientServiceFactory(patient=patient, unit=allocation_unit)
    return make_member(
        allocation_unit,
        Role.ALLOCATION_OFFICE,
        username="tildeling",
        first_name="Tore",
        last_name="Tildel",
    )


@pytest.fixture
def ward() -> Unit:
    hospital = OrganisationFactory(
        kind=Organisation.Kind.HOSPITAL_TRUST, name="Testvik sykehus HF", code="testvik-hf"
    )
    return UnitFactory(
        organisation=hospital,
        kind=Unit.Kind.HOSPITAL_WARD,
        name="Medisinsk sengepost",
        code="testvik-med",
    )


@pytest.fixture
def hospital_nurse(ward: Unit, make_member: Callable[..., User]) -> User:
    """A nurse of ``ward``: she reaches a patient while the patient has a stay there."""
    return make_member(
        ward, Role.HOSPITAL_NURSE, username="sykehus", first_name="Hanne", last_name="Holm"
    )


@pytest.fixture
def gp(municipality: Organisation, make_member: Callable[..., User], patient: Any) -> User:
    """``patient``'s GP (fastlege), at a GP office in the municipality."""
    office = OrganisationFactory(
        kind=Organisation.Kind.GP_OFFICE, name="Testvik legesenter", code="testvik-lege"
    )
    unit = UnitFactory(
        organisation=office, kind=Unit.Kind.GP_PRACTICE, name="Testvik legesenter", code="lege"
    )
    user = make_member(unit, Role.GP, username="fastlege", first_name="Lars", last_name="Lege")
    patient.gp = user
    patient.save(update_fields=["gp"])
    return user


@pytest.fixture
def hph_version(db: None) -> Any:
    """Version 1 of the shipped HPH template, installed by the templates' own code."""
    from forlop.authoring.defaults import install_national_defaults
    from forlop.pathways.models import TemplateVersion

    templates = install_national_defaults()
    return templates["hph"].versions.get(status=TemplateVersion.Status.PUBLISHED, number=1)


@pytest.fixture
def start_hph(hph_version: Any) -> Callable[..., Any]:
    """Start an HPH pathway through the real service: ``start_hph(patient, unit, actor)``.

    By default it starts ``days_ago`` (5) days before now with discharge and arrival home at the
    start; pass ``at`` for a fixed time (with a frozen clock), and any other keyword of
    ``services.pathway_start`` to change it.
    """
    from datetime import timedelta

    from django.utils import timezone

    from forlop.pathways import services
    from forlop.pathways.models import Pathway

    def start(
        patient: Any, unit: Unit, actor: User, *, days_ago: int = 5, at: Any = None, **kwargs: Any
    ) -> Any:
        started = at if at is not None else timezone.now() - timedelta(days=days_ago)
        options: dict[str, Any] = {
            "start_reason": Pathway.StartReason.DISCHARGE,
            "started_at": started,
            "discharged_at": started,
            "arrived_home_at": started,
            "primary_contact": actor,
            **kwargs,
        }
        options.setdefault("version", hph_version)
        return services.pathway_start(actor=actor, patient=patient, unit=unit, **options)

    return start


@pytest.fixture
def seed_goals(patient: Any, nurse: User) -> Any:
    """The worked example of the training material: three goals, baseline 5/3/5, follow-up
    10/5/10 (4.3 → 8.3)."""
    from forlop.goals.tests.builders import seed_example

    return seed_example(patient, nurse)


@pytest.fixture(scope="session", autouse=True)
def _audit_truncate_allowed_for_test_flushes(django_db_setup: Any, django_db_blocker: Any) -> None:
    """PostgreSQL refuses TRUNCATE of the audit log (core migration 0008); the flush between
    transactional tests truncates every table. scripts/test.sh gives the test role the setting
    that allows it (ALTER ROLE, which needs the superuser); this sets it for the connection
    that was open before, too. test_audit_chain turns it off again to show the refusal."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SET forlop.allow_audit_truncate = 'on'")


@pytest.fixture(scope="session", autouse=True)
def _no_connection_left_open(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """At the end of a PostgreSQL session, name any other connection still open on the test
    database (its last statement) and end it, before the database is dropped: a connection
    left open makes the drop wait and fail with "is being accessed by other users", and this
    says which statement it was."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, application_name, state, backend_start, left(query, 300), "
                "pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            left_open = cursor.fetchall()
    for pid, application, state, started, query, ended in left_open:
        # A warning, not stderr: an xdist worker's stderr is dropped, its warnings are reported
        # (beside the worker's last test).
        outcome = "ended" if ended else "could not be ended"
        warnings.warn(
            pytest.PytestWarning(
                f"connection left open on the test database ({outcome}): pid {pid} "
                f"{application!r} {state} since {started:%H:%M:%S}: {query}"
            ),
            stacklevel=1,
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist, the known long tests first, spread over the workers (core/tests/schedule)."""
    from forlop.core.tests.schedule import ordered, xdist_workers

    workers = xdist_workers()
    if workers > 1:
        postgresql = os.environ.get("FORLOP_EXPECT_DB") == "postgresql"
        items[:] = ordered(items, workers, postgresql=postgresql)

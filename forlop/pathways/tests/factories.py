"""Typed factories for pathway data. Build small templates in tests; the national defaults come
from ``forlop.pathways.defaults.install_national_defaults`` (the ``hph_version`` fixture)."""

from __future__ import annotations

from datetime import datetime, timedelta

import factory
from factory.django import DjangoModelFactory

from forlop.core.models import Role
from forlop.core.tests.factories import UnitFactory
from forlop.pathways.deadlines import OSLO, start_of_day
from forlop.pathways.models import (
    AnchorChoices,
    ChecklistItem,
    DeadlineUnitChoices,
    Pathway,
    PathwayTemplate,
    StopPoint,
    StopPointDefinition,
    TemplateVersion,
    TriggerChoices,
)
from forlop.patients.tests.factories import PatientFactory


def oslo(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO)


class PathwayTemplateFactory(DjangoModelFactory[PathwayTemplate]):
    class Meta:
        model = PathwayTemplate
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Forløp {n}")
    code = factory.Sequence(lambda n: f"template-{n}")


class TemplateVersionFactory(DjangoModelFactory[TemplateVersion]):
    class Meta:
        model = TemplateVersion

    template = factory.SubFactory(PathwayTemplateFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = TemplateVersion.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: oslo(2026, 1, 1))


class StopPointDefinitionFactory(DjangoModelFactory[StopPointDefinition]):
    class Meta:
        model = StopPointDefinition

    version = factory.SubFactory(TemplateVersionFactory)
    order = factory.Sequence(lambda n: n)
    code = factory.Sequence(lambda n: f"SP{n}")
    title = factory.LazyAttribute(lambda d: f"Stoppunkt {d.code}")
    responsible_role = Role.PRIMARY_CONTACT
    trigger = TriggerChoices.PATHWAY_START
    anchor = AnchorChoices.PATHWAY_START
    deadline_amount = 3
    deadline_unit = DeadlineUnitChoices.CALENDAR_DAYS


class ChecklistItemFactory(DjangoModelFactory[ChecklistItem]):
    class Meta:
        model = ChecklistItem

    definition = factory.SubFactory(StopPointDefinitionFactory)
    order = factory.Sequence(lambda n: n)
    key = factory.Sequence(lambda n: f"item-{n}")
    text = factory.LazyAttribute(lambda i: f"Spørsmål {i.key}")
    kind = ChecklistItem.Kind.YES_NO


class PathwayFactory(DjangoModelFactory[Pathway]):
    class Meta:
        model = Pathway

    patient = factory.SubFactory(PatientFactory)
    version = factory.SubFactory(TemplateVersionFactory)
    unit = factory.SubFactory(UnitFactory)
    start_reason = Pathway.StartReason.NEW_USER
    started_at = factory.LazyFunction(lambda: oslo(2026, 3, 2, 9))


class StopPointFactory(DjangoModelFactory[StopPoint]):
    """An instance with an all-day deadline on the local date of ``due_at``."""

    class Meta:
        model = StopPoint

    pathway = factory.SubFactory(PathwayFactory)
    definition = factory.SubFactory(
        StopPointDefinitionFactory, version=factory.SelfAttribute("..pathway.version")
    )
    triggered_at = factory.LazyAttribute(lambda sp: sp.pathway.started_at)
    opens_at = factory.LazyAttribute(lambda sp: sp.pathway.started_at)
    due_at = factory.LazyFunction(lambda: oslo(2026, 3, 5))
    due_all_day = True
    ends_at = factory.LazyAttribute(
        lambda sp: (
            start_of_day(sp.due_at.astimezone(OSLO).date() + timedelta(days=1))
            if sp.due_all_day
            else sp.due_at
        )
    )

"""Helpers of the template page tests: an English client, a snapshot of a template's stop
points (to assert that a refused edit changed nothing) and a definition's form data."""

from __future__ import annotations

from django.test import Client

from forlop.authoring import services
from forlop.core.models import User
from forlop.pathways.models import PathwayTemplate, StopPointDefinition


def client_for(user: User | None) -> Client:
    client = Client(headers={"Accept-Language": "en"})  # assert on English messages
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def snapshot(template: PathwayTemplate) -> list[tuple[object, ...]]:
    return list(
        StopPointDefinition.objects.filter(version__template=template)
        .order_by("version__number", "order")
        .values_list(
            "version__number",
            "version__status",
            "code",
            "deadline_amount",
            "deadline_unit",
            "title",
        )
    )


class DefinitionFormData:
    @staticmethod
    def of(definition: StopPointDefinition, **changes: object) -> dict[str, object]:
        values: dict[str, object] = {
            name: getattr(definition, name) for name in services.DEFINITION_FIELDS
        }
        values.update(changes)
        data: dict[str, object] = {}
        for name, value in values.items():
            if isinstance(value, bool):
                if value:
                    data[name] = "on"
            elif value is None:
                data[name] = ""
            else:
                data[name] = value
        return data

"""Installing the shipped templates: each once, with a published version 1, then left alone.

``install_national_defaults()`` creates (or finds, by template code) each shipped template. It
never changes a template that already exists: the defaults are data that municipalities copy
and adapt (``authoring.services.template_copy``), and published versions are immutable, so a
changed default here becomes a new version through the authoring services.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from forlop.authoring.defaults.annual_review import ANNUAL_REVIEW
from forlop.authoring.defaults.decline_at_home import DECLINE_AT_HOME
from forlop.authoring.defaults.general import GENERAL
from forlop.authoring.defaults.hph import HPH
from forlop.authoring.defaults.specs import TemplateSpec
from forlop.authoring.validation import definitions_validate
from forlop.pathways.models import (
    ChecklistItem,
    PathwayTemplate,
    StopPointDefinition,
    TemplateVersion,
)

NATIONAL_DEFAULTS: tuple[TemplateSpec, ...] = (HPH, GENERAL, ANNUAL_REVIEW, DECLINE_AT_HOME)


def _install(spec: TemplateSpec) -> PathwayTemplate:
    template = PathwayTemplate.objects.create(
        code=spec.code,
        name=spec.name,
        description=spec.description,
        organisation=None,
        national_default=True,
    )
    version = TemplateVersion.objects.create(
        template=template,
        number=1,
        status=TemplateVersion.Status.PUBLISHED,
        published_at=timezone.now(),
        notes="Standardmal, versjon 1.",
    )
    definitions: list[StopPointDefinition] = []
    for order, d in enumerate(spec.definitions, start=1):
        definition = StopPointDefinition(
            version=version,
            order=order * 10,
            code=d.code,
            show_code=d.show_code,
            title=d.title,
            description=d.description,
            responsible_role=d.role,
            actor=d.actor,
            trigger=d.trigger,
            trigger_events=[str(e) for e in d.trigger_events],
            after_code=d.after_code,
            anchor=d.anchor,
            deadline_amount=d.amount,
            deadline_unit=d.unit,
            window_amount=d.window_amount,
            window_unit=d.window_unit,
            repeats=d.repeats,
            in_chain=d.in_chain,
            main_checklist=d.main,
            parts=[{"role": str(part.role), "title": part.title} for part in d.parts],
            deadline_source=d.deadline_source,
            deadline_local_default=d.deadline_local_default,
        )
        definition.full_clean(exclude=["version"])
        definition.save()
        for item_order, i in enumerate(d.items, start=1):
            item = ChecklistItem(
                definition=definition,
                order=item_order * 10,
                key=i.key,
                text=i.text,
                kind=i.kind,
                required=i.required,
                allow_not_relevant=i.allow_not_relevant,
                number_unit=i.number_unit,
                number_min=i.number_min,
                number_max=i.number_max,
                choices=list(i.choices),
                domain=i.domain,
                guidance=i.guidance,
                carry_to_care_plan=i.carry,
                part=i.part,
                local_default=i.local_default,
            )
            item.full_clean(exclude=["definition"])
            item.save()
        definitions.append(definition)
    # Prove the shipped data consistent with the pure rules; a failure rolls everything back.
    definitions_validate(definitions)
    return template


def install_national_defaults() -> dict[str, PathwayTemplate]:
    """Create the national default templates that do not exist yet; return all, by code.

    Idempotent: a template is found by its code and left as it is when it exists.
    """
    installed: dict[str, PathwayTemplate] = {}
    with transaction.atomic():
        for spec in NATIONAL_DEFAULTS:
            existing = PathwayTemplate.objects.filter(code=spec.code).first()
            installed[spec.code] = existing if existing is not None else _install(spec)
    return installed

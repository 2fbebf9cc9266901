"""The national default templates: installed once, consistent with the pure rules."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from forlop.authoring.defaults import NATIONAL_DEFAULTS, install_national_defaults
from forlop.authoring.validation import definitions_validate
from forlop.pathways import planning, rules
from forlop.pathways.mappers import definition_rule
from forlop.pathways.models import (
    ChecklistItem,
    PathwayTemplate,
    StopPointDefinition,
    TemplateVersion,
)

pytestmark = pytest.mark.django_db


def test_install_creates_each_national_template_with_a_published_version_1() -> None:
    # when
    installed = install_national_defaults()

    # then
    assert sorted(installed) == ["annual-review", "decline-at-home", "general", "hph"]
    for code, template in installed.items():
        assert template.code == code
        assert template.organisation is None
        assert template.national_default is True
        assert "Standardmal, til lokal tilpasning" in template.description
        assert "Nasjonal" not in template.description
        versions = list(template.versions.all())
        assert [(v.number, v.status) for v in versions] == [(1, TemplateVersion.Status.PUBLISHED)]
        assert versions[0].published_at is not None


def test_install_is_idempotent() -> None:
    # given
    first = install_national_defaults()
    counts = (
        PathwayTemplate.objects.count(),
        TemplateVersion.objects.count(),
        StopPointDefinition.objects.count(),
        ChecklistItem.objects.count(),
    )

    # when
    second = install_national_defaults()

    # then
    assert {code: t.pk for code, t in second.items()} == {code: t.pk for code, t in first.items()}
    assert (
        PathwayTemplate.objects.count(),
        TemplateVersion.objects.count(),
        StopPointDefinition.objects.count(),
        ChecklistItem.objects.count(),
    ) == counts


def test_install_leaves_an_existing_template_alone() -> None:
    # given
    PathwayTemplate.objects.create(code="hph", name="Lokal HPH", national_default=True)

    # when
    installed = install_national_defaults()

    # then
    assert installed["hph"].name == "Lokal HPH"
    assert installed["hph"].versions.count() == 0
    assert installed["general"].versions.count() == 1


@pytest.mark.parametrize("code", [spec.code for spec in NATIONAL_DEFAULTS])
def test_each_template_passes_rules_validation(code: str) -> None:
    # given
    template = install_national_defaults()[code]
    definitions = list(
        StopPointDefinition.objects.filter(version__template=template).prefetch_related("items")
    )

    # when
    converted = definitions_validate(definitions)

    # then
    assert [c.code for c in converted] == [d.code for d in definitions]
    for definition, rule in zip(definitions, converted, strict=True):
        assert rule == definition_rule(definition, with_checklist=True)
        assert len(rule.checklist) >= 2
        assert definition.items.filter(required=True).exists()


def test_hph_has_exactly_the_stop_points_of_the_model() -> None:
    # when
    hph = install_national_defaults()["hph"]

    # then
    definitions = {d.code: d for d in StopPointDefinition.objects.filter(version__template=hph)}
    assert list(definitions) == ["HPH0", "HPH1", "HPH2", "HPH3", "HPH4", "HPH5", "HPH6", "DAILY"]
    summary = {
        code: (d.responsible_role, d.trigger, d.anchor, d.deadline_amount, d.deadline_unit)
        for code, d in definitions.items()
    }
    # HPH0 and HPH1 fall due from the planned discharge (the discharge once it happens) and
    # belong to the allocation office; home care owns HPH3 (books the visit), the GP a part
    assert summary == {
        "HPH0": ("allocation_office", "pathway_start", "planned_discharge", 0, "hours"),
        "HPH1": ("allocation_office", "pathway_start", "planned_discharge", 0, "calendar_days"),
        "HPH2": ("primary_contact", "pathway_start", "arrival_home", 3, "calendar_days"),
        "HPH3": ("primary_contact", "pathway_start", "discharge", 14, "calendar_days"),
        "HPH4": ("primary_contact", "event", "event", 8, "hours"),
        "HPH5": ("primary_contact", "pathway_start", "arrival_home", 28, "calendar_days"),
        "HPH6": ("primary_contact", "event", "event", 3, "hours"),
        "DAILY": ("primary_contact", "pathway_start", "arrival_home", 1, "calendar_days"),
    }
    assert definitions["HPH3"].parts == [
        {"role": "gp", "title": "Fastlegens del: besøket og legemiddelgjennomgangen"}
    ]
    assert {c for c, d in definitions.items() if d.parts} == {"HPH3"}
    assert sorted(definitions["HPH4"].trigger_events) == ["decline", "fall", "out_of_hours_contact"]
    assert definitions["HPH6"].trigger_events == ["admission"]
    assert {c for c, d in definitions.items() if not d.in_chain} == {"HPH4", "HPH6", "DAILY"}
    assert {c for c, d in definitions.items() if d.main_checklist} == {
        "HPH0",
        "HPH2",
        "HPH3",
        "HPH5",
    }
    assert {c for c, d in definitions.items() if d.repeats} == {"HPH4", "HPH6"}
    # every deadline names its source, and the unbacked ones say they are local defaults
    assert all(d.deadline_source for d in definitions.values())
    assert {c for c, d in definitions.items() if d.deadline_local_default} == {
        "HPH1",
        "HPH4",
        "HPH6",
        "DAILY",
    }
    assert "Røsstad" in definitions["HPH2"].deadline_source
    assert definitions["HPH3"].actor == "gp"
    assert definitions["HPH0"].actor == "allocation_office"
    # HPH0's text names the allocation office and the hospital, never the home nurse
    assert "Tildelingskontoret" in definitions["HPH0"].description
    assert "hjemmesykepleie" not in definitions["HPH0"].description.lower()


def test_hph_checklists_carry_the_key_items() -> None:
    # given
    hph = install_national_defaults()["hph"]
    items = ChecklistItem.objects.filter(definition__version__template=hph)

    # then
    hph2 = items.filter(definition__code="HPH2")
    what_matters = hph2.get(kind=ChecklistItem.Kind.WHAT_MATTERS)
    assert what_matters.text == "Hva er viktig for deg?-samtale"
    assert what_matters.domain == "goals"
    assert what_matters.carry_to_care_plan is True
    assert hph2.get(key="legemiddelliste").carry_to_care_plan is True
    assert hph2.get(key="fallrisiko").carry_to_care_plan is True
    assert hph2.get(key="ernaering-vekt").carry_to_care_plan is True
    assert items.filter(definition__code="HPH5", kind=ChecklistItem.Kind.WHAT_MATTERS).count() == 1
    assert set(items.filter(definition__code="HPH6").values_list("key", flat=True)) == {
        "innleggelsesrapport",
        "legemiddelliste-sendt",
        "mal-sendt",
    }
    hph3 = items.filter(definition__code="HPH3")
    assert {(i.key, i.part) for i in hph3.filter(required=True)} == {
        ("time-bestilt", ""),
        ("info-til-lege", ""),
        ("legemiddelgjennomgang", "gp"),
        ("felles-plan", "gp"),
    }
    # the discharge call is an item of the allocation office's HPH0
    assert items.get(definition__code="HPH0", key="utskrivningssamtale").required is True
    # finances and the physical surroundings are assessed; the work-place assessment is the
    # staff's reminder, apart from them
    for code in ("HPH2", "HPH5"):
        domains = set(items.filter(definition__code=code).values_list("domain", flat=True))
        assert {"finances", "surroundings"} <= domains
    assert "ansatte" in hph2.get(key="arbeidsplass").text
    assert hph2.get(key="fysiske-omgivelser").domain == "surroundings"
    # the guidance scores 0-10 in one wording; unbacked tools are local defaults
    assert "skåre dem (0–10)" in what_matters.guidance
    assert not items.filter(guidance__icontains="score").exists()
    assert not items.filter(guidance__contains="1–10").exists()
    assert {
        (i.definition.code, i.key)
        for i in items.filter(local_default=True).select_related("definition")
    } >= {("HPH2", "ernaering-vekt"), ("HPH2", "fallrisiko"), ("HPH4", "observasjoner")}


def test_shipped_plans_work_with_the_planner() -> None:
    # given
    templates = install_national_defaults()
    start = datetime(2025, 3, 3, 10, 0, tzinfo=rules.OSLO)

    # when
    def plan(code: str, anchors: rules.PathwayAnchors) -> dict[str, str]:
        definitions = definitions_validate(
            StopPointDefinition.objects.filter(version__template=templates[code])
        )
        return {
            p.code: p.deadline.due_at.date().isoformat()
            for p in planning.plan_pathway(definitions, anchors)
        }

    hph = plan(
        "hph", rules.PathwayAnchors(started_at=start, discharged_at=start, arrived_home_at=start)
    )
    in_hospital = plan(
        "hph",
        rules.PathwayAnchors(
            started_at=start,
            ready_for_discharge_at=start,
            planned_discharge_at=start + timedelta(days=2),
        ),
    )
    decline = plan("decline-at-home", rules.PathwayAnchors(started_at=start))
    annual = plan("annual-review", rules.PathwayAnchors(started_at=start))
    general = plan("general", rules.PathwayAnchors(started_at=start))

    # then
    assert hph == {
        "HPH0": "2025-03-03",
        "HPH1": "2025-03-03",
        "HPH2": "2025-03-06",
        "HPH3": "2025-03-17",
        "HPH5": "2025-03-31",
        "DAILY": "2025-03-04",
    }
    # reported ready on Monday, planned discharge Wednesday: HPH0 and HPH1 only, before it
    assert in_hospital == {"HPH0": "2025-03-05", "HPH1": "2025-03-05"}
    assert decline == {
        "HPH2": "2025-03-06",
        "HPH3": "2025-03-17",
        "HPH5": "2025-03-31",
        "DAILY": "2025-03-04",
    }
    assert annual == {"ANNUAL": "2026-03-03", "ANNUAL-GP": "2026-03-03"}
    assert general == {"G1": "2025-03-17"}

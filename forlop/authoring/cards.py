"""A template version on a page: each stop point as a card with its timing in words, its
checklist questions and, on a draft, the forms that edit them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.forms import Form
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forlop.authoring import selectors
from forlop.authoring.forms import DefinitionForm, ItemForm
from forlop.pathways.models import (
    AnchorChoices,
    ChecklistItem,
    DeadlineUnitChoices,
    EventKindChoices,
    StopPointDefinition,
    TemplateVersion,
    TriggerChoices,
)


def deadline_in_words(definition: StopPointDefinition) -> str:
    """For example "3 calendar days after arrival home" or "every 12 months from start"."""
    unit = DeadlineUnitChoices(definition.deadline_unit).label
    anchor = str(AnchorChoices(definition.anchor).label).lower()
    amount = definition.deadline_amount
    if definition.trigger == TriggerChoices.RECURRENCE:
        return _("every %(amount)s %(unit)s from %(anchor)s") % {
            "amount": amount,
            "unit": unit,
            "anchor": anchor,
        }
    if amount == 0:
        if definition.deadline_unit == DeadlineUnitChoices.HOURS:
            return _("immediately (from %(anchor)s)") % {"anchor": anchor}
        return _("the same day (from %(anchor)s)") % {"anchor": anchor}
    return _("%(amount)s %(unit)s after %(anchor)s") % {
        "amount": amount,
        "unit": unit,
        "anchor": anchor,
    }


def window_in_words(definition: StopPointDefinition) -> str:
    if definition.window_amount is None:
        return ""
    unit = DeadlineUnitChoices(definition.window_unit or definition.deadline_unit).label
    return ngettext(
        "opens %(amount)s %(unit)s before the deadline",
        "opens %(amount)s %(unit)s before the deadline",
        definition.window_amount,
    ) % {"amount": definition.window_amount, "unit": unit}


def trigger_in_words(definition: StopPointDefinition) -> str:
    if definition.trigger == TriggerChoices.EVENT:
        events = ", ".join(
            str(EventKindChoices(e).label).lower() for e in definition.trigger_events
        )
        return _("on each event: %(events)s") % {"events": events}
    if definition.trigger == TriggerChoices.AFTER_STOP_POINT:
        return _("when %(code)s is done") % {"code": definition.after_code}
    return str(TriggerChoices(definition.trigger).label)


@dataclass
class ItemRow:
    item: ChecklistItem
    form: ItemForm | None = None


@dataclass
class DefinitionCard:
    definition: StopPointDefinition
    deadline: str
    window: str
    trigger: str
    items: list[ItemRow] = field(default_factory=list)
    form: DefinitionForm | None = None
    new_item_form: ItemForm | None = None


def cards(
    version: TemplateVersion, *, editable: bool, bound: dict[tuple[str, int], Form] | None = None
) -> list[DefinitionCard]:
    bound = bound or {}
    cards = []
    for definition in selectors.version_definitions(version=version):
        card = DefinitionCard(
            definition=definition,
            deadline=deadline_in_words(definition),
            window=window_in_words(definition),
            trigger=trigger_in_words(definition),
        )
        for item in definition.items.all():
            form = None
            if editable:
                form = bound.get(("item", item.pk)) or ItemForm(
                    initial=ItemForm.initial_for(item), prefix=f"i{item.pk}"
                )
            card.items.append(ItemRow(item=item, form=form))  # type: ignore[arg-type]
        if editable:
            card.form = bound.get(("definition", definition.pk)) or DefinitionForm(  # type: ignore[assignment]
                initial=DefinitionForm.initial_for(definition), prefix=f"d{definition.pk}"
            )
            card.new_item_form = bound.get(("new_item", definition.pk)) or ItemForm(  # type: ignore[assignment]
                prefix=f"n{definition.pk}",
                initial={"order": (len(card.items) + 1) * 10, "allow_not_relevant": True},
            )
        cards.append(card)
    return cards


def card(definition: StopPointDefinition, bound: dict[tuple[str, int], Form]) -> DefinitionCard:
    for card in cards(definition.version, editable=True, bound=bound):
        if card.definition.pk == definition.pk:
            return card
    raise Http404

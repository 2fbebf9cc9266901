"""A stop point's checklist with its current answers."""

from __future__ import annotations

from dataclasses import dataclass

from forlop.pathways import checklists, models


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    item: models.ChecklistItem
    answer: models.ChecklistAnswer | None

    @property
    def is_answered(self) -> bool:
        return self.answer is not None and checklists.is_answered(
            self.answer.value, self.answer.not_relevant_reason
        )


def checklist_rows(*, stop_point: models.StopPoint) -> list[ChecklistRow]:
    """The checklist of a stop point (items of its definition) with the current answers.

    Two queries. The caller has already checked access (``stop_point_get_for_user``).
    """
    items = list(stop_point.definition.items.all())
    answers = {
        a.item_id: a
        for a in stop_point.answers.select_related("answered_by").filter(
            item__definition_id=stop_point.definition_id
        )
    }
    return [ChecklistRow(item=item, answer=answers.get(item.pk)) for item in items]

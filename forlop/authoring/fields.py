"""The fields of a stop point and of a checklist question that a version carries, in order.

Copying a version, editing a draft and comparing versions all use these lists."""

from __future__ import annotations

DEFINITION_FIELDS: tuple[str, ...] = (
    "order",
    "code",
    "show_code",
    "title",
    "description",
    "responsible_role",
    "actor",
    "trigger",
    "trigger_events",
    "after_code",
    "anchor",
    "deadline_amount",
    "deadline_unit",
    "window_amount",
    "window_unit",
    "repeats",
    "in_chain",
    "main_checklist",
    "parts",
    "deadline_source",
    "deadline_local_default",
)
ITEM_FIELDS: tuple[str, ...] = (
    "order",
    "key",
    "text",
    "kind",
    "required",
    "allow_not_relevant",
    "number_unit",
    "number_min",
    "number_max",
    "choices",
    "domain",
    "guidance",
    "carry_to_care_plan",
    "part",
    "local_default",
)

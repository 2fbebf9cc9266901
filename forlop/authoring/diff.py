"""What changed between two versions of a template: stop points matched by code, checklist
questions by key."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from forlop.authoring.fields import DEFINITION_FIELDS, ITEM_FIELDS
from forlop.authoring.selectors import version_definitions
from forlop.pathways.models import TemplateVersion


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class ItemRef:
    key: str
    text: str


@dataclass(frozen=True, slots=True)
class ItemChange:
    key: str
    text: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class DefinitionRef:
    code: str
    title: str


@dataclass(frozen=True, slots=True)
class DefinitionChange:
    code: str
    title: str
    changes: tuple[FieldChange, ...] = ()
    items_added: tuple[ItemRef, ...] = ()
    items_removed: tuple[ItemRef, ...] = ()
    items_changed: tuple[ItemChange, ...] = ()


@dataclass(frozen=True, slots=True)
class VersionDiff:
    added: tuple[DefinitionRef, ...] = ()
    removed: tuple[DefinitionRef, ...] = ()
    changed: tuple[DefinitionChange, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _field_changes(old: Any, new: Any, names: Iterable[str]) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(name, getattr(old, name), getattr(new, name))
        for name in names
        if getattr(old, name) != getattr(new, name)
    )


def version_diff(*, old: TemplateVersion, new: TemplateVersion) -> VersionDiff:
    """What changed from ``old`` to ``new``: stop points matched by code, items by key."""
    old_defs = {d.code: d for d in version_definitions(version=old)}
    new_defs = {d.code: d for d in version_definitions(version=new)}
    compared = [name for name in DEFINITION_FIELDS if name != "code"]
    changed: list[DefinitionChange] = []
    for code, new_def in new_defs.items():
        old_def = old_defs.get(code)
        if old_def is None:
            continue
        old_items = {i.key: i for i in old_def.items.all()}
        new_items = {i.key: i for i in new_def.items.all()}
        item_changes = tuple(
            ItemChange(key, item.text, changes)
            for key, item in new_items.items()
            if key in old_items
            and (changes := _field_changes(old_items[key], item, ITEM_FIELDS[1:]))
        )
        change = DefinitionChange(
            code=code,
            title=new_def.title,
            changes=_field_changes(old_def, new_def, compared),
            items_added=tuple(
                ItemRef(k, i.text) for k, i in new_items.items() if k not in old_items
            ),
            items_removed=tuple(
                ItemRef(k, i.text) for k, i in old_items.items() if k not in new_items
            ),
            items_changed=item_changes,
        )
        if change.changes or change.items_added or change.items_removed or change.items_changed:
            changed.append(change)
    return VersionDiff(
        added=tuple(DefinitionRef(c, d.title) for c, d in new_defs.items() if c not in old_defs),
        removed=tuple(DefinitionRef(c, d.title) for c, d in old_defs.items() if c not in new_defs),
        changed=tuple(changed),
    )

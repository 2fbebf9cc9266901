"""Applying a set of field changes to a model instance and saying what changed.

Services that edit a row (a template's stop point or question, a patient's details) apply the
submitted values, save only the changed fields and name them in the audit row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models


def changes_apply(instance: models.Model, fields: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set each field that differs on ``instance``; return {name: (old, new)} of those only.

    Strings are stripped, as every form field is.
    """
    changed: dict[str, tuple[Any, Any]] = {}
    for name, value in fields.items():
        new = value.strip() if isinstance(value, str) else value
        old = getattr(instance, name)
        if old != new:
            changed[name] = (old, new)
            setattr(instance, name, new)
    return changed


def jsonable(value: Any) -> Any:
    """A value as it can be stored in an audit row's JSON data."""
    if isinstance(value, str | int | float | bool | list | dict) or value is None:
        return value
    return str(value)

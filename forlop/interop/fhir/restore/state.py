"""What every restore step shares: the state (natural keys to rows) and readers of FHIR values."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from forlop.core.models import Organisation, Unit, User
from forlop.goals.models import (
    WhatMattersFormVersion,
)
from forlop.interop.fhir.resources import EXPORT_ORDER
from forlop.interop.fhir.validate import validate_structure
from forlop.pathways import models as pm

Json = dict[str, Any]


class RestoreError(ValueError):
    """A line that cannot be imported: ``where`` is file:line."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")


def _lines(paths: list[Path], resource_type: str) -> Iterator[tuple[str, Json]]:
    """Stream the resources of one type from the files (a directory's <Type>.ndjson, or any
    .ndjson file holding several types)."""
    for path in paths:
        if (
            path.name.endswith(".ndjson")
            and path.stem in EXPORT_ORDER
            and path.stem != resource_type
        ):
            continue
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                where = f"{path.name}:{number}"
                try:
                    data = json.loads(line)
                except json.JSONDecodeError:
                    raise RestoreError(where, "not JSON") from None
                if data.get("resourceType") == resource_type:
                    yield where, data


def _ext(resource: Json, url: str) -> Json | None:
    return next((e for e in resource.get("extension") or [] if e.get("url") == url), None)


def _sub(extension: Json | None, name: str) -> Any:
    if extension is None:
        return None
    for part in extension.get("extension") or []:
        if part.get("url") == name:
            return next((v for k, v in part.items() if k.startswith("value")), None)
    return None


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and "T" in value else None


def _ref_id(reference: Any, prefix: str) -> str | None:
    ref = (reference or {}).get("reference") if isinstance(reference, dict) else None
    if isinstance(ref, str) and ref.startswith(prefix):
        return ref[len(prefix) :]
    return None


def _identifier(resource: Json, system: str) -> str | None:
    for identifier in resource.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("system") == system:
            return str(identifier.get("value"))
    return None


@dataclass
class State:
    """The rows restored so far, by their exported id, and the counts of rows created."""

    paths: list[Path]
    progress: Callable[[str, int], None] | None = None
    orgs: dict[str, Organisation] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    versions: dict[str, pm.TemplateVersion] = field(default_factory=dict)  # canonical url|version
    forms: dict[str, WhatMattersFormVersion] = field(default_factory=dict)
    patients: dict[str, int] = field(default_factory=dict)
    # Patient pk -> the patient's municipality: the data controller of the rows restored for
    # them (``PatientRecord``), without loading the patient for each row.
    controllers: dict[int, int] = field(default_factory=dict)
    pathways: dict[str, pm.Pathway] = field(default_factory=dict)
    stop_points: dict[str, pm.StopPoint] = field(default_factory=dict)
    goals: dict[str, int] = field(default_factory=dict)
    scorings: dict[str, int] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)
    touched_patients: set[int] = field(default_factory=set)

    def count(self, name: str) -> None:
        self.created[name] = self.created.get(name, 0) + 1

    def each(self, resource_type: str) -> Iterator[tuple[str, Json]]:
        n = 0
        for where, data in _lines(self.paths, resource_type):
            try:
                validate_structure(data)
            except Exception as exc:  # FhirError: report the line, import nothing
                raise RestoreError(where, f"not a valid FHIR R4 {resource_type}") from exc
            n += 1
            if self.progress is not None and n % 100 == 0:
                self.progress(resource_type, n)
            yield where, data
        if self.progress is not None:
            self.progress(resource_type, n)

    def user(self, reference: Any) -> User | None:
        old = _ref_id(reference, "Practitioner/")
        pk = self.users.get(old) if old else None
        return User.objects.get(pk=pk) if pk else None

    def user_id(self, reference: Any) -> int | None:
        old = _ref_id(reference, "Practitioner/")
        return self.users.get(old) if old else None


def _ext_value(resource: Json, url: str) -> Any:
    extension = _ext(resource, url)
    if extension is None:
        return None
    return next((v for k, v in extension.items() if k.startswith("value")), None)

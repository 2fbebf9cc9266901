"""The seam through which an app above measures adds scopes and chart notes.

Measures computes a measure for a *scope* given as plain data (``compute.Scope``: a level, a
code, a name and the unit or organisation keys). It owns the scopes it can derive from core
(units, municipalities, hospital trusts) and nothing else. Two things come from above:

* **scope sources**: more scopes a user may open, such as a learning network's aggregate over
  its member organisations (``improvement`` registers one);
* **a note store**: the annotations drawn on a chart (what changed when) and where a new one is
  written. Notes reach the chart code as plain ``ChartNote`` values; the caller of
  ``selectors.measure_series`` may also hand them over itself.

Both are registered in the higher app's ``AppConfig.ready()`` (as Wagtail's hooks are), so
measures never imports that app. With nothing registered the measure pages still work: only
the organisation scopes are listed and charts carry no notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from forlop.core.models import User
    from forlop.measures.compute import Scope
    from forlop.measures.models import Measure


@dataclass(frozen=True, slots=True)
class ChartNote:
    """An annotation as plain values: what changed on which day."""

    date: date
    text: str
    part_ends_here: bool = False


class ScopeSource(Protocol):
    """More scopes than the organisation ladder: returns plain ``Scope`` values."""

    def scopes_for_user(self, *, user: User) -> Sequence[Scope]: ...

    def scope_get_for_user(self, *, user: User, level: str, code: str) -> Scope | None: ...

    def scope_get_by_code(self, *, code: str) -> Scope | None: ...

    def scopes_listed(self) -> Sequence[Scope]: ...


class NoteStore(Protocol):
    """Where chart notes are kept. The caller has checked that ``actor`` may write."""

    def notes_for(self, *, measure: Measure, scope: Scope) -> Sequence[ChartNote]: ...

    def note_add(
        self,
        *,
        measure: Measure,
        scope: Scope,
        actor: User | None,
        on: date,
        text: str,
        part_ends_here: bool = False,
    ) -> ChartNote: ...


_scope_sources: list[ScopeSource] = []
_note_stores: list[NoteStore] = []


def register_scope_source(source: ScopeSource) -> None:
    """Add a scope source (idempotent: ``ready()`` may run more than once in tests)."""
    if not any(type(existing) is type(source) for existing in _scope_sources):
        _scope_sources.append(source)


def register_note_store(store: NoteStore) -> None:
    """Set the note store (one at a time: the last registered wins)."""
    _note_stores[:] = [store]


def scope_sources() -> tuple[ScopeSource, ...]:
    return tuple(_scope_sources)


def note_store() -> NoteStore | None:
    return _note_stores[0] if _note_stores else None


def notes_for(*, measure: Measure, scope: Scope) -> tuple[ChartNote, ...]:
    store = note_store()
    return tuple(store.notes_for(measure=measure, scope=scope)) if store else ()

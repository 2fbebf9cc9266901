"""SMART backend-services scopes: ``system/<Type|*>.<read|write|*>`` (SMART v1) and the v2
form ``system/<Type|*>.<cruds>``. Pure functions, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SCOPE = re.compile(r"^system/(?P<type>\*|[A-Z][A-Za-z]+)\.(?P<access>read|write|\*|[cruds]+)$")
_V1 = {"read": frozenset("rs"), "write": frozenset("cud"), "*": frozenset("cruds")}

READ = frozenset("rs")
WRITE = frozenset("cud")


@dataclass(frozen=True, slots=True)
class Scope:
    resource_type: str  # "*" for every type
    access: frozenset[str]  # letters of c r u d s

    def covers(self, other: Scope) -> bool:
        type_ok = self.resource_type == "*" or self.resource_type == other.resource_type
        return type_ok and other.access <= self.access


def parse_scope(text: str) -> Scope | None:
    match = _SCOPE.match(text)
    if match is None:
        return None
    access = match["access"]
    letters = _V1.get(access, frozenset(access))
    if access not in _V1 and len(set(access)) != len(access):
        return None
    return Scope(resource_type=match["type"], access=letters)


def parse_scopes(text: str | None) -> list[Scope]:
    return [s for s in (parse_scope(t) for t in (text or "").split()) if s is not None]


def allows(granted: str, resource_type: str, access: frozenset[str]) -> bool:
    """Whether the granted scopes cover ``access`` (e.g. READ) on ``resource_type``."""
    wanted = Scope(resource_type=resource_type, access=access)
    scopes = parse_scopes(granted)
    # The access may be spread over several scopes (system/Task.read + system/Task.write).
    covered: set[str] = set()
    for scope in scopes:
        if scope.resource_type in ("*", resource_type):
            covered |= scope.access
    return wanted.access <= covered


def narrow_scopes(*, requested: str | None, allowed: list[str]) -> str | None:
    """The requested scopes the client is allowed (all allowed when none is asked for).

    Returns None when nothing requested is allowed: Authlib then answers ``invalid_scope``.
    """
    allowed_scopes = parse_scopes(" ".join(allowed))
    if not requested:
        return " ".join(allowed) or None
    granted = []
    for text in requested.split():
        scope = parse_scope(text)
        if scope is not None and any(a.covers(scope) for a in allowed_scopes):
            granted.append(text)
    return " ".join(granted) or None


def valid_scope_text(text: str) -> bool:
    return all(parse_scope(t) is not None for t in text.split()) and bool(text.split())

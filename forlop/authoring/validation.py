"""A template version validated as a whole with the engine's pure rules."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from forlop.authoring.error_codes import TemplateErrorCode
from forlop.pathways import mappers, rules
from forlop.pathways.models import StopPointDefinition


def definitions_validate(
    definitions: Iterable[StopPointDefinition],
) -> list[rules.StopPointDefinition]:
    """Each definition must be consistent on its own, codes must be unique, and an
    ``after_stop_point`` trigger must name a stop point of the same version.
    Raises ``rules.RuleError``."""
    converted = [mappers.definition_rule(d, with_checklist=True) for d in definitions]
    codes: set[str] = set()
    for rule in converted:
        if rule.code in codes:
            raise rules.DuplicateStopPointCodeError(
                f"Stop point code {rule.code!r} is used more than once in the template."
            )
        codes.add(rule.code)
    for rule in converted:
        if rule.after_code is not None and rule.after_code not in codes:
            raise rules.InvalidDefinitionError(
                f"Stop point {rule.code!r} follows {rule.after_code!r}, which is not in the template."
            )
        if rule.after_code == rule.code:
            raise rules.InvalidDefinitionError(f"Stop point {rule.code!r} follows itself.")
    return converted


def rule_error(exc: rules.RuleError) -> ValidationError:
    # The rules' messages name only template values (codes, units), never patient data.
    return ValidationError(
        gettext("The stop points are not consistent: %(problem)s") % {"problem": exc},
        code=getattr(exc, "code", TemplateErrorCode.INVALID_DEFINITION),
    )

"""Norwegian person identity numbers and organisation numbers (pure Python, no database).

``person``: fødselsnumre, D-, H- and FH-numbers, parsed and masked (the rules are in its
docstring); ``synthetic``: valid synthetic numbers for demo and test data; ``organisation``:
organisation numbers.
"""

from forlop.core.identifiers.organisation import (
    OrgNumberError,
    OrgNumberErrorCode,
    generate_org_number,
    validate_org_number,
)
from forlop.core.identifiers.person import (
    FULL_MASK,
    CheckDigitRule,
    IdentityKind,
    IdentityNumber,
    IdentityNumberError,
    IdentityNumberErrorCode,
    mask,
    normalise,
    parse_identity_number,
    scrub_identity_numbers,
)
from forlop.core.identifiers.synthetic import (
    generate_synthetic,
)

__all__ = [
    "FULL_MASK",
    "CheckDigitRule",
    "IdentityKind",
    "IdentityNumber",
    "IdentityNumberError",
    "IdentityNumberErrorCode",
    "OrgNumberError",
    "OrgNumberErrorCode",
    "generate_org_number",
    "generate_synthetic",
    "mask",
    "normalise",
    "parse_identity_number",
    "scrub_identity_numbers",
    "validate_org_number",
]

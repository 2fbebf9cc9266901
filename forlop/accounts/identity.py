"""Recognising a person from a national login without storing their identity number."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from forlop.core.identifiers import normalise


def identity_key(national_id: str) -> str:
    """HMAC-SHA256 of the (normalised) identity number under FORLOP_IDENTITY_KEY."""
    secret = settings.FORLOP_IDENTITY_KEY.encode()
    return hmac.new(secret, normalise(national_id).encode(), hashlib.sha256).hexdigest()

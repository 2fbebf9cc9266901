"""Claims the national identity providers add: HelseID's pid, HPR number and security level,
ID-porten's pid and acr. Taken per user from FORLOP_TEST_OP_CLAIMS (JSON: username -> claims)."""

import json
import os
from typing import Any


def _extra(user: Any) -> dict[str, Any]:
    return json.loads(os.environ.get("FORLOP_TEST_OP_CLAIMS", "{}")).get(user.username, {})


def national_claims(id_token: dict[str, Any], user: Any, token: Any, request: Any, **kwargs: Any):
    id_token.update(_extra(user))
    return id_token


def userinfo(claims: dict[str, Any], user: Any) -> dict[str, Any]:
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["name"] = f"{user.first_name} {user.last_name}"
    return claims

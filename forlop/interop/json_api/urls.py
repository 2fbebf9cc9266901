"""URLs of the JSON API. Its views authenticate themselves (bearer token or session), so the
login-required middleware leaves them alone and they answer 401 in JSON instead of a redirect."""

from __future__ import annotations

from typing import Any

from forlop.interop.json_api.api import api


def public_api_urls() -> Any:
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False
    return patterns, app_name, namespace

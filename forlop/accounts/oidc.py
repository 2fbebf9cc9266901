"""OpenID Connect login through Authlib: HelseID for staff, ID-porten for patients and next of
kin. Each provider is on only when its variables are set (see docs/operations.md):

    FORLOP_HELSEID_ISSUER, FORLOP_HELSEID_CLIENT_ID and FORLOP_HELSEID_CLIENT_SECRET or
    FORLOP_HELSEID_PRIVATE_KEY_FILE (a JWK for private_key_jwt, which HelseID requires);
    FORLOP_IDPORTEN_ISSUER, FORLOP_IDPORTEN_CLIENT_ID, FORLOP_IDPORTEN_CLIENT_SECRET, ...

Authorisation code flow with PKCE (S256), state and nonce; the ID token's signature, issuer,
audience, expiry and nonce are checked by Authlib against the provider's published keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from authlib.integrations.django_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.conf import settings

from forlop.accounts.models import Provider


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    name: str
    issuer: str
    client_id: str
    client_secret: str = ""
    private_key_file: str = ""
    scope: str = "openid profile"
    pid_claim: str = "pid"
    hpr_claim: str = ""
    acr_values: str = ""

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def provider_config(name: str) -> ProviderConfig | None:
    raw = settings.FORLOP_OIDC.get(name) or {}
    if name not in Provider.values or not raw.get("issuer") or not raw.get("client_id"):
        return None
    return ProviderConfig(name=name, **{k: v for k, v in raw.items() if v is not None})


def enabled_providers() -> list[str]:
    return [name for name in Provider.values if provider_config(name) is not None]


_clients: dict[ProviderConfig, Any] = {}


def oauth_client(config: ProviderConfig) -> Any:
    """The Authlib client for a configuration (made once per configuration)."""
    if config not in _clients:
        oauth = OAuth()
        client_kwargs: dict[str, Any] = {"scope": config.scope, "code_challenge_method": "S256"}
        secret = config.client_secret
        auth_methods = None
        if config.private_key_file:
            # HelseID: the client proves itself with a JWT signed by its private key.
            secret = Path(config.private_key_file).read_text(encoding="utf-8")
            client_kwargs["token_endpoint_auth_method"] = "private_key_jwt"  # noqa: S105
            auth_methods = [PrivateKeyJWT()]
        _clients[config] = oauth.register(
            name=config.name,
            client_id=config.client_id,
            client_secret=secret,
            server_metadata_url=config.metadata_url,
            client_kwargs=client_kwargs,
            client_auth_methods=auth_methods,
        )
    return _clients[config]

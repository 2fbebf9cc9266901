"""System clients: OAuth 2.0 client credentials with a signed JWT client assertion
(``private_key_jwt``, RFC 7523, as HelseID and SMART backend services do), built on Authlib.

* The token endpoint (``/fhir/r4/auth/token``) is Authlib's ``AuthorizationServer`` with the
  client-credentials grant and Authlib's ``JWTBearerClientAssertion`` as the only client
  authentication. We add what the profile asks beyond RFC 7523: the assertion must expire at
  most five minutes after it was made, and its ``jti`` may be used once (the unique
  constraint on ``ClientAssertion`` is the check, so two concurrent replays cannot both pass).
* Tokens are random (Authlib's generator); only their SHA-256 is stored.
* The resource side (``authenticate``) looks the token up by hash and refuses expired and
  revoked tokens and tokens of revoked clients; scopes are checked per interaction by
  ``scopes.allows``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from authlib.integrations.django_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import InvalidClientError, grants
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb
from forlop.interop.fhir.outcome import FhirError
from forlop.interop.models import AccessToken, ClientAssertion, SystemClient

AUTH_METHOD = "private_key_jwt"
MAX_ASSERTION_LIFETIME = timedelta(minutes=5)
SIGNING_ALGORITHMS = ["RS256", "RS384", "ES256", "ES384"]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fhir:token"))


class ClientAssertionAuth(JWTBearerClientAssertion):  # type: ignore[misc]
    """RFC 7523 client authentication with the audience, lifetime and replay rules."""

    CLIENT_AUTH_METHOD = AUTH_METHOD

    def __init__(self, audiences: list[str]) -> None:
        super().__init__(validate_jti=True, leeway=30)
        self._audiences = audiences

    def get_audiences(self) -> list[str]:
        return self._audiences

    def resolve_client_public_key(self, client: SystemClient) -> KeySet:
        return KeySet.import_key_set(client.jwks)

    def process_assertion_claims(self, assertion: str, resolve_key: Any) -> Any:
        # Authlib's decode accepts joserfc's "recommended" algorithms only; SMART backend
        # services asks for RS384 and ES384, so the list is ours.
        try:
            token = jwt.decode(assertion, resolve_key, algorithms=SIGNING_ALGORITHMS)
        except JoseError as exc:
            raise InvalidClientError(description=exc.description) from exc
        self.verify_claims(token.claims)
        return token.claims

    def verify_claims(self, claims: Any) -> None:
        # Authlib checks iss = sub = client, aud, exp (with leeway) and jti presence, then
        # calls validate_jti; the lifetime cap comes first so a long-lived assertion is not
        # even recorded.
        exp = claims.get("exp")
        now = timezone.now().timestamp()
        if (
            isinstance(exp, (int, float))
            and exp - now > MAX_ASSERTION_LIFETIME.total_seconds() + self.leeway
        ):
            raise InvalidClientError(description="The assertion must expire within five minutes.")
        super().verify_claims(claims)

    def validate_jti(self, claims: Any, jti: str) -> bool:
        client = SystemClient.objects.filter(client_id=claims["sub"]).first()
        if client is None or not isinstance(jti, str) or not jti or len(jti) > 255:
            return False
        expires = datetime.fromtimestamp(int(claims["exp"]), tz=timezone.get_current_timezone())
        try:
            with transaction.atomic():
                ClientAssertion.objects.create(client=client, jti=jti, expires_at=expires)
        except IntegrityError:
            return False
        return True


class ClientCredentialsGrant(grants.ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = [AUTH_METHOD]


class TokenServer(AuthorizationServer):  # type: ignore[misc]
    """Authlib's Django server, storing hashed tokens on our model and auditing each issue."""

    def __init__(self) -> None:
        super().__init__(SystemClient, AccessToken)

    def query_client(self, client_id: str) -> SystemClient | None:
        return (
            SystemClient.objects.select_related("service_user", "organisation")
            .filter(client_id=client_id)
            .first()
        )

    def save_token(self, token: dict[str, Any], request: Any) -> AccessToken:
        client: SystemClient = request.client
        now = timezone.now()
        with transaction.atomic():
            item = AccessToken.objects.create(
                client=client,
                token_hash=token_hash(token["access_token"]),
                scope=token.get("scope", ""),
                issued_at=now,
                expires_at=now + timedelta(seconds=int(token["expires_in"])),
            )
            audit_record(
                actor=client.service_user,
                verb=AuditVerb.TOKEN_ISSUED,
                target=client,
                data={"client": client.client_id, "scope": item.scope},
            )
        return item


def token_server(request: HttpRequest) -> TokenServer:
    server = TokenServer()
    server.config.setdefault(
        "token_expires_in", {"client_credentials": settings.FORLOP_FHIR_TOKEN_SECONDS}
    )
    server.register_token_generator("default", server.create_bearer_token_generator())
    server.register_grant(ClientCredentialsGrant)
    server.register_client_auth_method(AUTH_METHOD, ClientAssertionAuth([token_url(request)]))
    return server


@dataclass(frozen=True)
class Authenticated:
    client: SystemClient
    token: AccessToken


def authenticate(request: HttpRequest) -> Authenticated:
    """The client behind the request's bearer token, or 401 with an OperationOutcome."""
    header = request.headers.get("Authorization", "")
    kind, _space, value = header.partition(" ")
    if kind.lower() != "bearer" or not value.strip():
        raise FhirError.one(
            401, "login", _("A bearer token is required (OAuth 2.0 client credentials).")
        )
    token = (
        AccessToken.objects.select_related("client__service_user", "client__organisation")
        .filter(token_hash=token_hash(value.strip()))
        .first()
    )
    if token is None or token.is_expired() or token.is_revoked():
        raise FhirError.one(401, "expired", _("The token is unknown, expired or revoked."))
    return Authenticated(client=token.client, token=token)

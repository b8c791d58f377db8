"""Authlib's ``AuthorizationServer`` on the sandbox's database and clock.

One server is built per request around that request's session (the unit of work), so
no state is shared between requests. Grants: authorization code (single use,
``code_lifetime``) with PKCE where only ``S256`` is offered (required when the client
registration says so), and refresh tokens that rotate on every use; reusing a rotated
refresh token fails and revokes the whole grant. RFC 7009 revocation.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from authlib.common.security import generate_token
from authlib.oauth2.rfc6749 import AuthorizationServer
from authlib.oauth2.rfc6749.errors import InvalidGrantError, InvalidRequestError
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant, RefreshTokenGrant
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from starlette.responses import Response

from bankbridge.sandbox.clock import Clock, as_utc
from bankbridge.sandbox.oauth.models import ClientModel, CodeModel, GrantUser, TokenModel
from bankbridge.sandbox.settings import SandboxSettings
from bankbridge.sandbox.tables import AuthCode, Consent, OAuthClient, Token

CLIENT_AUTH = ["client_secret_basic", "client_secret_post", "none"]


class SandboxAuthServer(AuthorizationServer):  # type: ignore[misc]
    """The authorization server of one request."""

    def __init__(self, session: Session, clock: Clock, settings: SandboxSettings) -> None:
        super().__init__()
        self.session = session
        self.clock = clock
        self.settings = settings
        self.register_token_generator("default", self._generate)
        self.register_grant(CodeGrant, [S256Challenge(required=True)])
        self.register_grant(RefreshGrant)
        self.register_endpoint(Revocation)
        self._bearer = BearerTokenGenerator(
            lambda **_: generate_token(42),
            lambda **_: generate_token(48),
            lambda _client, _grant_type: settings.access_token_lifetime,
        )

    def _generate(self, **kwargs: Any) -> dict[str, Any]:
        token: dict[str, Any] = self._bearer.generate(**kwargs)
        if "refresh_token" in token:
            token["refresh_token_expires_in"] = self.settings.refresh_token_lifetime
        return token

    def query_client(self, client_id: str) -> ClientModel | None:
        """The registered client, or ``None``."""
        row = self.session.get(OAuthClient, client_id)
        return ClientModel(row) if row else None

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        """Store a freshly issued token pair."""
        user: GrantUser = request.user
        now = self.clock.now()
        refresh = token.get("refresh_token")
        self.session.add(
            Token(
                access_token=token["access_token"],
                refresh_token=refresh,
                client_id=request.client.get_client_id(),
                user_id=user.user_id,
                consent_id=user.consent_id,
                scope=token.get("scope", ""),
                issued_at=now,
                expires_in=int(token["expires_in"]),
                refresh_expires_at=now + timedelta(seconds=self.settings.refresh_token_lifetime) if refresh else None,
            )
        )
        self.session.flush()

    def create_oauth2_request(self, request: Any) -> Any:
        """Requests arrive already adapted (:mod:`.requests`)."""
        return request

    def handle_response(self, status: int, body: Any, headers: Any) -> Response:
        """Authlib's (status, body, headers) as a Starlette response."""
        content = json.dumps(body) if isinstance(body, dict) else (body or "")
        return Response(content, status_code=status, headers=dict(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signals in the sandbox."""


class S256Challenge(CodeChallenge):  # type: ignore[misc]
    """PKCE with ``S256`` only; required when the client registration says so."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]  # noqa: RUF012 - Authlib's class attribute
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        """Refuse ``plain`` and a missing challenge for clients that require PKCE."""
        data = grant.request.payload.data
        if grant.request.client.row.require_pkce and not data.get("code_challenge"):
            raise InvalidRequestError("This client must use PKCE (code_challenge, S256).")
        if data.get("code_challenge") and data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("code_challenge_method must be S256.")
        super().validate_code_challenge(grant, redirect_uri)


class CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]
    """Authorization code grant on the sandbox's tables."""

    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH

    def save_authorization_code(self, code: str, request: Any) -> None:
        """Store the code with its PKCE challenge and the consent it grants."""
        user: GrantUser = request.user
        data = request.payload.data
        self.server.session.add(
            AuthCode(
                code=code,
                client_id=request.client.get_client_id(),
                redirect_uri=request.payload.redirect_uri,
                scope=request.scope or "",
                user_id=user.user_id,
                consent_id=user.consent_id,
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
                issued_at=self.server.clock.now(),
            )
        )

    def query_authorization_code(self, code: str, client: ClientModel) -> CodeModel | None:
        """The code when it is this client's, unused and not older than ``code_lifetime``."""
        row = self.server.session.get(AuthCode, code)
        if row is None or row.client_id != client.get_client_id() or row.used:
            return None
        age = self.server.clock.now() - as_utc(row.issued_at)
        if age > timedelta(seconds=self.server.settings.code_lifetime):
            return None
        return CodeModel(row)

    def delete_authorization_code(self, authorization_code: CodeModel) -> None:
        """Codes are single use: mark it used."""
        authorization_code.row.used = True

    def authenticate_user(self, authorization_code: CodeModel) -> GrantUser:
        """The user and consent the code was issued for."""
        return GrantUser(authorization_code.row.user_id, authorization_code.row.consent_id)


class RefreshGrant(RefreshTokenGrant):  # type: ignore[misc]
    """Refresh tokens: single use, rotated, ``refresh_token_lifetime``; 401 when invalid."""

    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> TokenModel:
        """The token row, or ``invalid_grant`` (401, as Rabobank answers)."""
        session: Session = self.server.session
        row = session.scalar(select(Token).where(Token.refresh_token == refresh_token))
        if row is None:
            raise InvalidGrantError("Unknown refresh token.", status_code=401)
        if row.refresh_revoked:
            _revoke_grant(session, row)
            raise InvalidGrantError("Refresh token already used or revoked.", status_code=401)
        if row.refresh_expires_at and self.server.clock.now() > as_utc(row.refresh_expires_at):
            raise InvalidGrantError("Refresh token expired.", status_code=401)
        consent = session.get(Consent, row.consent_id)
        if consent is None or consent.status != "valid":
            raise InvalidGrantError("The consent is no longer valid.", status_code=401)
        return TokenModel(row)

    def authenticate_user(self, refresh_token: TokenModel) -> GrantUser:
        """The user and consent of the old token."""
        return GrantUser(refresh_token.row.user_id, refresh_token.row.consent_id)

    def revoke_old_credential(self, refresh_token: TokenModel) -> None:
        """Rotation: the old pair stops working."""
        refresh_token.row.refresh_revoked = True
        refresh_token.row.access_revoked = True


def _revoke_grant(session: Session, row: Token) -> None:
    """A rotated refresh token came back: revoke every token of that grant."""
    session.execute(
        update(Token)
        .where(Token.client_id == row.client_id, Token.consent_id == row.consent_id)
        .values(access_revoked=True, refresh_revoked=True)
    )


class Revocation(RevocationEndpoint):  # type: ignore[misc]
    """RFC 7009 token revocation."""

    CLIENT_AUTH_METHODS = CLIENT_AUTH

    def query_token(self, token_string: str, token_type_hint: str | None) -> TokenModel | None:
        """Find an access or refresh token."""
        session: Session = self.server.session
        row = None
        if token_type_hint != "refresh_token":  # noqa: S105 - a hint name, not a secret
            row = session.get(Token, token_string)
        if row is None and token_type_hint != "access_token":  # noqa: S105
            row = session.scalar(select(Token).where(Token.refresh_token == token_string))
        return TokenModel(row) if row else None

    def revoke_token(self, token: TokenModel, request: Any) -> None:
        """Revoking either token ends the pair."""
        token.row.access_revoked = True
        token.row.refresh_revoked = True

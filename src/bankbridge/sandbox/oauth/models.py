"""Authlib's model protocols (client, authorization code, token) over the sandbox's rows."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from bankbridge.sandbox.tables import AuthCode, OAuthClient, Token

AIS_CONSENT_SCOPE = "AIS:"
"""Berlin Group OAuth-SCA variant: scope ``AIS:{consentId}`` (standards §1.2.5)."""


@dataclass(frozen=True, slots=True)
class GrantUser:
    """Who granted access, and the consent the grant carries."""

    user_id: int
    consent_id: str


class ClientModel:
    """A registered client as Authlib's ``ClientMixin`` expects it."""

    def __init__(self, row: OAuthClient) -> None:
        self.row = row

    def get_client_id(self) -> str:
        """The client id."""
        return self.row.client_id

    def get_default_redirect_uri(self) -> str | None:
        """The first registered redirect URI."""
        return self.row.redirect_uris[0] if self.row.redirect_uris else None

    def get_allowed_scope(self, scope: str | None) -> str | None:
        """The requested scopes when all are registered (or ``AIS:{id}``); else ``None``."""
        if not scope:
            return " ".join(self.row.scopes)
        wanted = scope.split()
        allowed = set(self.row.scopes)
        if all(s in allowed or s.startswith(AIS_CONSENT_SCOPE) for s in wanted):
            return " ".join(wanted)
        return None

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        """Exact match against the registered URIs (no prefix or pattern matching)."""
        return redirect_uri in self.row.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        """Constant-time comparison with the registered secret."""
        secret = self.row.client_secret
        return secret is not None and hmac.compare_digest(secret, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        """Confidential clients use HTTP Basic (or POST); public clients use none."""
        if self.row.client_secret:
            return method in {"client_secret_basic", "client_secret_post"}
        return method == "none"

    def check_response_type(self, response_type: str) -> bool:
        """Only the authorization-code flow."""
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        """Authorization code and refresh token."""
        return grant_type in {"authorization_code", "refresh_token"}


class CodeModel:
    """A stored authorization code as Authlib's ``AuthorizationCodeMixin`` expects it."""

    def __init__(self, row: AuthCode) -> None:
        self.row = row
        self.code_challenge = row.code_challenge
        self.code_challenge_method = row.code_challenge_method

    def get_redirect_uri(self) -> str | None:
        """The redirect URI of the authorize request."""
        return self.row.redirect_uri

    def get_scope(self) -> str:
        """The granted scope."""
        return self.row.scope


class TokenModel:
    """A stored token as Authlib's ``TokenMixin`` expects it (expiry is checked by the caller)."""

    def __init__(self, row: Token) -> None:
        self.row = row

    def check_client(self, client: ClientModel) -> bool:
        """Issued to this client?"""
        return self.row.client_id == client.get_client_id()

    def get_scope(self) -> str:
        """The granted scope."""
        return self.row.scope

    def get_expires_in(self) -> int:
        """Lifetime of the access token in seconds."""
        return self.row.expires_in

    def is_revoked(self) -> bool:
        """Revoked (or rotated away)?"""
        return self.row.access_revoked

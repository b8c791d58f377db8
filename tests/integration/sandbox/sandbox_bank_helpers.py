"""What a TPP does against a running sandbox bank in the integration tests (shared by the test modules)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx

from bankbridge.sandbox.clock import FixedClock
from bankbridge.sandbox.testing import authorize_url, pkce_pair, sign_consent

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLIENT = ("bankbridge", "bankbridge-secret")
REDIRECT = "http://127.0.0.1:8000/bank/callback"
MAIN = "NL44RABO0123456789"
SAVINGS = "NL81RABO0312345678"
ALL_SCOPES = "ais.balances.read ais.transactions.read-90days"


class Sandbox:
    """One running sandbox bank and the moves a TPP makes against it."""

    def __init__(self, base: str, clock: FixedClock) -> None:
        self.base = base
        self.clock = clock
        self.http = httpx.Client(base_url=base, follow_redirects=False, timeout=10)

    def headers(self, token: str | None = None, consent: str | None = None, *, psu: bool = False) -> dict[str, str]:
        """PSD2 headers: a fresh X-Request-ID, and bearer / Consent-ID / PSU-IP-Address as asked."""
        headers = {"X-Request-ID": str(uuid.uuid4())}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if consent:
            headers["Consent-ID"] = consent
        if psu:
            headers["PSU-IP-Address"] = "192.0.2.10"
        return headers

    def authorize(
        self,
        *,
        scope: str = ALL_SCOPES,
        state: str = "st-1",
        challenge: str | None = None,
        client_id: str = CLIENT[0],
        redirect_uri: str = REDIRECT,
    ) -> httpx.Response:
        """GET /oauth2/authorize."""
        return self.http.get(
            authorize_url(
                self.base, client_id=client_id, redirect_uri=redirect_uri, scope=scope, state=state, challenge=challenge
            )
        )

    def code(
        self,
        *,
        username: str = "jan",
        ibans: list[str] | None = None,
        scope: str = ALL_SCOPES,
        challenge: str | None = None,
    ) -> str:
        """Run authorize + consent pages; the authorization code from the redirect."""
        start = self.authorize(scope=scope, challenge=challenge)
        assert start.status_code == 303, start.text
        done = sign_consent(self.http, self.base + start.headers["location"], username=username, ibans=ibans)
        location = urlsplit(done.headers["location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
        query = parse_qs(location.query)
        assert query["state"] == ["st-1"]
        return query["code"][0]

    def token(self, **form: str) -> httpx.Response:
        """POST /oauth2/token with HTTP Basic client authentication."""
        return self.http.post("/oauth2/token", data=form, auth=CLIENT)

    def tokens(
        self, *, username: str = "jan", ibans: list[str] | None = None, scope: str = ALL_SCOPES
    ) -> dict[str, str]:
        """The whole OAuth flow with PKCE: the token response."""
        verifier, challenge = pkce_pair()
        code = self.code(username=username, ibans=ibans, scope=scope, challenge=challenge)
        answer = self.token(grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=verifier)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    def account_id(self, token: str, iban: str) -> str:
        """The resourceId of ``iban`` under ``token`` (an attended call: not counted)."""
        accounts = self.http.get("/v1/accounts", headers=self.headers(token, psu=True)).json()["accounts"]
        return next(a["resourceId"] for a in accounts if a["iban"] == iban)

    @staticmethod
    def error(answer: httpx.Response) -> tuple[int, str]:
        """(status, code) of a Berlin Group error answer."""
        return answer.status_code, answer.json()["tppMessages"][0]["code"]

    def add(self, iban: str, **body: object) -> dict[str, object]:
        """Add an exact transaction through the admin API."""
        answer = self.http.post(f"/admin/accounts/{iban}/transactions", json=body)
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

"""Errors as real banks answer them: the table of every error row, and the exception.

Berlin Group errors have the body ``{"tppMessages": [{category, code, path?, text}]}``
(standards §1.2.9); OAuth errors ``{"error", "error_description"}`` (§1.3.1, §1.4.5).
The same table drives error injection (``X-Sandbox-Error`` header or the admin queue),
so every row can be produced on demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bankbridge.errors import BankbridgeError

Style = Literal["psd2", "oauth"]


@dataclass(frozen=True, slots=True)
class ErrorRow:
    """One error a real bank gives: HTTP status, code, style and a default text."""

    code: str
    status: int
    text: str
    style: Style = "psd2"


_PSD2_ROWS: tuple[tuple[str, int, str], ...] = (
    ("FORMAT_ERROR", 400, "A field or header is malformed."),
    ("PARAMETER_NOT_SUPPORTED", 400, "The parameter is not supported by this bank."),
    ("PERIOD_INVALID", 400, "The requested period is out of bounds."),
    ("TIMESTAMP_INVALID", 400, "The Date header is too far from the bank's time."),
    ("SERVICE_INVALID", 400, "The service is not valid for this resource."),
    ("SESSIONS_NOT_SUPPORTED", 400, "combinedServiceIndicator=true is not supported."),
    ("CERTIFICATE_INVALID", 401, "The TPP certificate is invalid."),
    ("CERTIFICATE_EXPIRED", 401, "The TPP certificate has expired."),
    ("CERTIFICATE_BLOCKED", 401, "The TPP certificate is blocked."),
    ("CERTIFICATE_REVOKED", 401, "The TPP certificate is revoked."),
    ("CERTIFICATE_MISSING", 401, "No TPP certificate was sent."),
    ("SIGNATURE_INVALID", 401, "The request signature does not verify."),
    ("SIGNATURE_MISSING", 401, "The request is not signed."),
    ("CORPORATE_ID_INVALID", 401, "The PSU-Corporate-ID is not known."),
    ("PSU_CREDENTIALS_INVALID", 401, "The PSU could not be identified."),
    ("CONSENT_INVALID", 401, "The consent does not cover this account or service."),
    ("CONSENT_EXPIRED", 401, "The consent has expired."),
    ("TOKEN_UNKNOWN", 401, "The access token is not known."),
    ("TOKEN_INVALID", 401, "The access token is invalid."),
    ("TOKEN_EXPIRED", 401, "The access token has expired."),
    ("CONSENT_UNKNOWN", 403, "The consent is not known (or belongs to another TPP)."),
    ("RESOURCE_UNKNOWN", 404, "The addressed resource is not known."),
    ("RESOURCE_EXPIRED", 403, "The addressed resource is no longer available."),
    ("SERVICE_BLOCKED", 403, "The service is blocked for this PSU."),
    ("REQUESTED_FORMATS_INVALID", 406, "The requested format is not offered."),
    ("ACCESS_EXCEEDED", 429, "The access frequency for today is used up."),
    ("RATE_LIMIT_EXCEEDED", 429, "Too many requests per second."),
)

_OAUTH_ROWS: tuple[tuple[str, int, str], ...] = (
    ("invalid_grant", 400, "The authorization code is invalid, expired or already used."),
    ("invalid_request", 400, "The grant_type is missing or wrong."),
    ("refresh_invalid_grant", 401, "The refresh token is invalid, expired or already used."),
    ("invalid_client", 401, "The client could not be authenticated."),
    ("unknown_client", 401, "invalid client id or secret"),
    ("date_format", 400, "Format error: the Date header is not a valid 'LocalDateTime'."),
)

ERRORS: dict[str, ErrorRow] = {
    **{code: ErrorRow(code, status, text) for code, status, text in _PSD2_ROWS},
    **{code: ErrorRow(code, status, text, "oauth") for code, status, text in _OAUTH_ROWS},
}
"""Every error row of standards §1.2.9 and §1.4.5, by code."""


class BankProblem(BankbridgeError):
    """An error answer of the sandbox bank; the app turns it into the bank's JSON body."""

    def __init__(
        self,
        code: str,
        text: str | None = None,
        *,
        path: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        self.row = ERRORS[code]
        self.text = (text or self.row.text)[:512]
        self.path = path
        self.retry_after = retry_after
        super().__init__(f"{code}: {self.text}")

    @property
    def status(self) -> int:
        """The HTTP status code."""
        return self.row.status

    def body(self) -> dict[str, object]:
        """The JSON body in the row's style."""
        if self.row.style == "oauth":
            error = "invalid_grant" if self.row.code == "refresh_invalid_grant" else self.row.code
            if self.row.code in {"unknown_client", "date_format"}:
                error = "invalid_client" if self.row.code == "unknown_client" else "invalid_request"
            return {"error": error, "error_description": self.text}
        message: dict[str, str] = {"category": "ERROR", "code": self.row.code, "text": self.text}
        if self.path:
            message["path"] = self.path
        return {"tppMessages": [message]}

    def headers(self) -> dict[str, str]:
        """``WWW-Authenticate`` on token errors, ``Retry-After`` on rate limits."""
        headers: dict[str, str] = {}
        if self.row.code.startswith("TOKEN_"):
            headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        return headers

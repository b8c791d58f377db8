"""Optional request-signature verification over real HTTP (Digest + Signature + certificate)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from sandbox_bank_helpers import START, Sandbox

from bankbridge.sandbox.app import create_app
from bankbridge.sandbox.clock import FixedClock
from bankbridge.sandbox.settings import SandboxSettings
from bankbridge.sandbox.testing import serve, signed_headers

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
NAME = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tpp.example")])
CERT = (
    x509.CertificateBuilder()
    .subject_name(NAME)
    .issuer_name(NAME)
    .public_key(KEY.public_key())
    .serial_number(123456789)
    .not_valid_before(datetime(2026, 1, 1, tzinfo=UTC))
    .not_valid_after(datetime(2026, 6, 1, tzinfo=UTC))
    .sign(KEY, hashes.SHA256())
)


@pytest.fixture
def signed_bank() -> Iterator[Sandbox]:
    clock = FixedClock(START)
    settings = SandboxSettings(database_url="sqlite://", verify_signatures=True, generate_history=False)
    with serve(create_app(settings, clock)) as base:
        bank = Sandbox(base, clock)
        yield bank
        bank.http.close()


def _signed(bank: Sandbox, body: bytes = b"", **overrides: str) -> dict[str, str]:
    date = format_datetime(bank.clock.now(), usegmt=True)
    headers = signed_headers(KEY, CERT, body=body, request_id=str(uuid.uuid4()), date=date)
    return {**headers, **overrides}


def test_signed_calls_pass_and_the_body_still_reaches_the_route(signed_bank):
    body = json.dumps(
        {
            "access": {"allPsd2": "allAccounts"},
            "recurringIndicator": True,
            "validUntil": "9999-12-31",
            "frequencyPerDay": 4,
            "combinedServiceIndicator": False,
        }
    ).encode()
    headers = {**_signed(signed_bank, body), "Content-Type": "application/json"}
    answer = signed_bank.http.post("/v1/consents", content=body, headers=headers)
    assert answer.status_code == 201, answer.text


def test_each_signing_fault_has_its_error(signed_bank):
    good = _signed(signed_bank)
    cases = [
        ({k: v for k, v in good.items() if k != "Signature"}, (401, "SIGNATURE_MISSING")),
        ({k: v for k, v in good.items() if k != "TPP-Signature-Certificate"}, (401, "CERTIFICATE_MISSING")),
        ({**good, "TPP-Signature-Certificate": "bm90IGEgY2VydA=="}, (401, "CERTIFICATE_INVALID")),
        ({**good, "Signature": good["Signature"].replace('signature="', 'signature="AA')}, (401, "SIGNATURE_INVALID")),
        ({**good, "Signature": good["Signature"].replace("123456789", "1")}, (401, "SIGNATURE_INVALID")),
        ({**good, "Digest": "SHA-512=AAAA"}, (400, "FORMAT_ERROR")),
        ({**good, "Date": "2026-03-02 09:00"}, (400, "FORMAT_ERROR")),
        (_signed(signed_bank, Date="Mon, 02 Mar 2026 08:00:00 GMT"), (400, "TIMESTAMP_INVALID")),
    ]
    for headers, expected in cases:
        assert signed_bank.error(signed_bank.http.get("/v1/accounts", headers=headers)) == expected
    unsigned = signed_bank.http.get("/v1/accounts", headers=good)
    assert signed_bank.error(unsigned) == (400, "FORMAT_ERROR"), "signature fine; no consent or token"
    signed_bank.clock.advance(timedelta(days=100))
    late = signed_bank.http.get("/v1/accounts", headers=_signed(signed_bank))
    assert signed_bank.error(late) == (401, "CERTIFICATE_EXPIRED")

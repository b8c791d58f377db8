"""Optional verification of signed requests (``Digest`` + ``Signature`` + certificate header).

As Rabobank and the Berlin Group ask (standards §1.4.3): ``Digest`` is ``SHA-256=`` or
``SHA-512=`` + base64 of the body hash; ``Signature`` is draft-cavage style
(``keyId`` = the certificate's serial number in decimal, ``algorithm`` = ``rsa-sha256``
or ``rsa-sha512``, ``headers`` naming at least ``date digest x-request-id``); the
certificate travels base64-DER in ``TPP-Signature-Certificate`` (PSD2) or
``Signature-Certificate`` (Premium). Any self-signed certificate will do in the
sandbox; its validity period is checked against the sandbox clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from bankbridge.sandbox.problems import BankProblem

REQUIRED = ("date", "digest", "x-request-id")
MAX_SKEW = timedelta(minutes=5)
_PARAM = re.compile(r'(\w+)="([^"]*)"')
_HASHES = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


def verify(headers: Mapping[str, str], body: bytes, now: datetime) -> None:
    """Raise the bank's error when the request is not correctly signed."""
    if "signature" not in headers:
        raise BankProblem("SIGNATURE_MISSING", path="Signature")
    certificate = _certificate(headers, now)
    _check_date(headers.get("date", ""), now)
    _check_digest(headers.get("digest", ""), body)
    params = dict(_PARAM.findall(headers["signature"]))
    names = params.get("headers", "").lower().split()
    if not set(REQUIRED) <= set(names) or params.get("keyId") != str(certificate.serial_number):
        raise BankProblem(
            "SIGNATURE_INVALID",
            "keyId must be the certificate's serial number and headers must cover date, digest and x-request-id.",
            path="Signature",
        )
    algorithm = {"rsa-sha256": hashes.SHA256(), "rsa-sha512": hashes.SHA512()}.get(params.get("algorithm", ""))
    key = certificate.public_key()
    if algorithm is None or not isinstance(key, rsa.RSAPublicKey):
        raise BankProblem("SIGNATURE_INVALID", "Only rsa-sha256 and rsa-sha512 are accepted.", path="Signature")
    signing_string = "\n".join(f"{name}: {headers.get(name, '')}" for name in names).encode()
    try:
        key.verify(base64.b64decode(params.get("signature", "")), signing_string, padding.PKCS1v15(), algorithm)
    except (InvalidSignature, binascii.Error, ValueError):
        raise BankProblem("SIGNATURE_INVALID", path="Signature") from None


def _certificate(headers: Mapping[str, str], now: datetime) -> x509.Certificate:
    raw = headers.get("tpp-signature-certificate") or headers.get("signature-certificate")
    if not raw:
        raise BankProblem("CERTIFICATE_MISSING", path="TPP-Signature-Certificate")
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(raw))
    except (binascii.Error, ValueError):
        raise BankProblem("CERTIFICATE_INVALID", path="TPP-Signature-Certificate") from None
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise BankProblem("CERTIFICATE_EXPIRED", path="TPP-Signature-Certificate")
    return certificate


def _check_date(value: str, now: datetime) -> None:
    try:
        sent = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise BankProblem(
            "FORMAT_ERROR", "Format error: the Date header is not an RFC 1123 date.", path="Date"
        ) from None
    if sent.tzinfo is None or abs(now - sent) > MAX_SKEW:
        raise BankProblem("TIMESTAMP_INVALID", path="Date")


def _check_digest(value: str, body: bytes) -> None:
    algorithm, _, encoded = value.partition("=")
    digest = _HASHES.get(algorithm.strip().lower())
    if digest is None:
        raise BankProblem("FORMAT_ERROR", "Digest must be SHA-256=… or SHA-512=….", path="Digest")
    if base64.b64encode(digest(body).digest()).decode() != encoded.strip():
        raise BankProblem("FORMAT_ERROR", "Digest does not match the body.", path="Digest")

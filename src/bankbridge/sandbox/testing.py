"""Helpers for tests that talk to a real sandbox bank over HTTP.

``serve(app)`` runs the app with uvicorn in a thread on a free loopback port;
``sign_consent`` walks the bank's SCA pages with plain form posts (what a browser
would do), so the bank client's tests can obtain tokens without a browser;
``signed_headers`` signs a request the way Rabobank asks.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from urllib.parse import urlencode

import httpx
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from fastapi import FastAPI

_ACCOUNT = re.compile(r'name="account" value="([^"]+)" data-iban="([^"]+)"')


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Run ``app`` in a background thread; yields its base URL, stops it afterwards."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the sandbox bank did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def pkce_pair() -> tuple[str, str]:
    """A PKCE ``(code_verifier, code_challenge)`` for ``S256``."""
    verifier = secrets.token_urlsafe(32)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(
    base: str,
    *,
    client_id: str,
    redirect_uri: str,
    scope: str,
    state: str,
    challenge: str | None,
    prefix: str = "/oauth2",
) -> str:
    """The ``/authorize`` URL a TPP sends the browser to."""
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
    }
    if challenge:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return f"{base}{prefix}/authorize?{urlencode(params)}"


def sign_consent(
    http: httpx.Client,
    sca_url: str,
    *,
    username: str,
    ibans: Sequence[str] | None = None,
    response: str = "123456",
    decision: str = "approve",
) -> httpx.Response:
    """Log in at ``sca_url``, tick ``ibans`` (all offered when ``None``) and sign or refuse.

    Returns the bank's last answer: a redirect back to the TPP, or a page (refusal, error).
    """
    answer = http.post(f"{sca_url}/login", data={"username": username})
    if answer.status_code != 303:
        return answer
    page = http.get(f"{sca_url}/accounts")
    offered = _ACCOUNT.findall(page.text)
    chosen = [rid for rid, iban in offered if ibans is None or iban in ibans]
    return http.post(f"{sca_url}/sign", data={"account": chosen, "response": response, "decision": decision})


def signed_headers(
    key: rsa.RSAPrivateKey,
    certificate: x509.Certificate,
    *,
    body: bytes,
    request_id: str,
    date: str,
) -> dict[str, str]:
    """``Digest``, ``Signature`` and ``TPP-Signature-Certificate`` for a request (rsa-sha512)."""
    digest = "SHA-512=" + base64.b64encode(hashlib.sha512(body).digest()).decode()
    signing_string = f"date: {date}\ndigest: {digest}\nx-request-id: {request_id}".encode()
    signature = base64.b64encode(key.sign(signing_string, padding.PKCS1v15(), hashes.SHA512())).decode()
    return {
        "Date": date,
        "Digest": digest,
        "X-Request-ID": request_id,
        "Signature": f'keyId="{certificate.serial_number}",algorithm="rsa-sha512",'
        f'headers="date digest x-request-id",signature="{signature}"',
        "TPP-Signature-Certificate": base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode(),
    }

"""The sandbox bank's consent pages in a real browser (Debian's chromium through Playwright).

One test: a TPP sends the owner through login, account choice and signing (OAuth scopes,
Rabobank style); the code it gets back is exchanged for tokens and every AIS and payment
endpoint is called over real HTTP, with every error row; a plain user is refused with a
clear page; a Berlin Group consent is signed in the same browser; the owner ends the
consent on the bank's customer page and the API answers as a real bank does.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bankbridge.sandbox.app import create_app
from bankbridge.sandbox.clock import FixedClock
from bankbridge.sandbox.problems import ERRORS
from bankbridge.sandbox.settings import SandboxSettings
from bankbridge.sandbox.testing import authorize_url, pkce_pair, serve

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CALLBACK = "http://127.0.0.1:8000/bank/callback"
TPP_OK = "https://tpp.example/consent-ok"
MAIN = "NL44RABO0123456789"

pytestmark = pytest.mark.browser

if not CHROMIUM.exists() and os.environ.get("CI") != "true":
    pytest.skip("Debian's chromium is not installed (/usr/bin/chromium); run `make browser`", allow_module_level=True)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[tuple[str, FixedClock]]:
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    app = create_app(SandboxSettings(database_url=f"sqlite:///{tmp_path / 'bank.db'}", generate_history=False), clock)
    with serve(app) as base:
        yield base, clock


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "X-Request-ID": str(uuid.uuid4())}


def test_consent_in_the_browser_then_every_ais_endpoint(sandbox: tuple[str, FixedClock]) -> None:
    from playwright.sync_api import sync_playwright

    base, clock = sandbox
    verifier, challenge = pkce_pair()
    start = authorize_url(
        base,
        client_id="bankbridge",
        redirect_uri=CALLBACK,
        scope="ais.balances.read ais.transactions.read-90days pi.bulk.read-write",
        state="s-42",
        challenge=challenge,
    )
    returned: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        for target in (CALLBACK, TPP_OK):
            page.route(
                target + "**", lambda route: (returned.append(route.request.url), route.fulfill(body="TPP callback"))
            )
        page.goto(start)
        page.fill("#username", "sanne")
        page.click("#login")
        assert page.inner_text("#refused") == "U kunt deze koppeling niet geven"
        page.goto(start)
        page.fill("#username", "jan")
        page.click("#login")
        assert page.inner_text("#user") == "Jan de Vries"
        for box in page.query_selector_all("input[name=account]"):
            if box.get_attribute("data-iban") != MAIN:
                box.uncheck()
            else:
                box.check()
        page.fill("#response", "123456")
        page.click("#approve")
        page.wait_for_url(CALLBACK + "**")
        query = parse_qs(urlsplit(returned[-1]).query)
        assert query["state"] == ["s-42"]
        with httpx.Client(base_url=base) as http:
            tokens = http.post(
                "/oauth2/token",
                auth=("bankbridge", "bankbridge-secret"),
                data={
                    "grant_type": "authorization_code",
                    "code": query["code"][0],
                    "redirect_uri": CALLBACK,
                    "code_verifier": verifier,
                },
            ).json()
            token = tokens["access_token"]
            http.post(
                f"/admin/accounts/{MAIN}/transactions",
                json={"amount": "121.00", "counterpartyName": "Jansen Catering", "reference": "5000056789012345"},
            )
            _every_endpoint(http, token)
            _payment(http, token)
            _every_error_row(http)
            _berlin_consent(http, page)
            page.goto(base + "/bank/consents")
            page.fill("#username", "jan")
            page.click("#login")
            page.click("button.end")
            assert "revokedByPsu" in page.inner_text("table")
            ended = http.get("/v1/accounts", headers=_headers(token))
            assert (ended.status_code, ended.json()["tppMessages"][0]["code"]) == (401, "CONSENT_INVALID")
            clock.advance(timedelta(hours=1))
            expired = http.get("/v1/accounts", headers=_headers(token))
            assert (expired.status_code, expired.json()["tppMessages"][0]["code"]) == (401, "TOKEN_EXPIRED")
        browser.close()


def _every_endpoint(http: httpx.Client, token: str) -> None:
    accounts = http.get("/v1/accounts?withBalance=true", headers=_headers(token)).json()["accounts"]
    assert [a["iban"] for a in accounts] == [MAIN]
    account_id = accounts[0]["resourceId"]
    one = http.get(f"/v1/accounts/{account_id}", headers=_headers(token)).json()
    assert one["account"]["resourceId"] == account_id
    balances = http.get(f"/v1/accounts/{account_id}/balances", headers=_headers(token)).json()["balances"]
    assert {b["balanceType"]: b["balanceAmount"]["amount"] for b in balances}["interimBooked"] == "12621.00"
    report = http.get(
        f"/v1/accounts/{account_id}/transactions?bookingStatus=booked&dateFrom=2026-03-02", headers=_headers(token)
    ).json()
    booked = report["transactions"]["booked"]
    assert [t["debtorName"] for t in booked] == ["Jansen Catering"]
    detail = http.get(booked[0]["_links"]["transactionDetails"]["href"], headers=_headers(token)).json()
    assert detail["transactionsDetails"]["remittanceInformationStructured"]["reference"] == "5000056789012345"
    bad = http.get(f"/v1/accounts/{account_id}/transactions?bookingStatus=booked", headers=_headers(token))
    assert (bad.status_code, bad.json()["tppMessages"][0]["code"]) == (400, "FORMAT_ERROR")
    for _ in range(3):
        http.get(f"/v1/accounts/{account_id}/balances", headers=_headers(token))
    limited = http.get(f"/v1/accounts/{account_id}/balances", headers=_headers(token))
    assert (limited.status_code, limited.json()["tppMessages"][0]["code"]) == (429, "ACCESS_EXCEEDED")


def _payment(http: httpx.Client, token: str) -> None:
    from sepaxml import SepaTransfer

    sepa = SepaTransfer({"name": "Korenschoof", "IBAN": MAIN, "BIC": "RABONL2U", "batch": True, "currency": "EUR"})
    sepa.add_payment(
        {
            "name": "Meelfabriek",
            "IBAN": "NL91ABNA0417164300",
            "amount": 5000,
            "description": "INK-1",
            "execution_date": datetime(2026, 3, 2).date(),
            "endtoend_id": "E2E-1",
        }
    )
    headers = {**_headers(token), "PSU-IP-Address": "192.0.2.1", "Content-Type": "application/xml"}
    created = http.post("/v1/bulk-payments/pain.001-sepa-credit-transfers", content=sepa.export(), headers=headers)
    assert created.json()["transactionStatus"] == "RCVD"
    status_url = created.json()["_links"]["status"]["href"]
    report = http.get(status_url, headers={**_headers(token), "Accept": "application/xml"})
    assert b"<GrpSts>RCVD</GrpSts>" in report.content


def _every_error_row(http: httpx.Client) -> None:
    for code, row in ERRORS.items():
        path = "/oauth2/token" if row.style == "oauth" else "/v1/accounts"
        answer = http.request(
            "POST" if row.style == "oauth" else "GET",
            path,
            headers={"X-Request-ID": str(uuid.uuid4()), "X-Sandbox-Error": code},
        )
        assert answer.status_code == row.status, code


def _berlin_consent(http: httpx.Client, page: Page) -> None:
    body = {
        "access": {"allPsd2": "allAccounts"},
        "recurringIndicator": True,
        "validUntil": "9999-12-31",
        "frequencyPerDay": 4,
        "combinedServiceIndicator": False,
    }
    created = http.post(
        "/v1/consents",
        json=body,
        headers={"X-Request-ID": str(uuid.uuid4()), "TPP-Redirect-URI": TPP_OK, "PSU-IP-Address": "192.0.2.1"},
    ).json()
    page.goto(created["_links"]["scaRedirect"]["href"])
    page.fill("#username", "petra")
    page.click("#login")
    page.check(f"input[data-iban='{MAIN}']")
    page.fill("#response", "654321")
    page.click("#approve")
    page.wait_for_url(TPP_OK + "**")
    headers = {"X-Request-ID": str(uuid.uuid4()), "Consent-ID": created["consentId"]}
    assert http.get(f"/v1/consents/{created['consentId']}/status", headers=headers).json() == {"consentStatus": "valid"}
    ibans = {a["iban"] for a in http.get("/v1/accounts", headers=headers).json()["accounts"]}
    assert MAIN in ibans
    assert http.delete(f"/v1/consents/{created['consentId']}", headers=headers).status_code == 204

"""Berlin Group consent resource over real HTTP: create, redirect SCA, status, lifecycle, OAuth-SCA variant."""

from __future__ import annotations

from datetime import timedelta

from sandbox_bank_helpers import MAIN, REDIRECT, SAVINGS

from bankbridge.sandbox.testing import pkce_pair, sign_consent

OK = "https://tpp.example/ok"
NOK = "https://tpp.example/nok"


def _body(**access: object) -> dict[str, object]:
    return {
        "access": access or {"allPsd2": "allAccounts"},
        "recurringIndicator": True,
        "validUntil": "9999-12-31",
        "frequencyPerDay": 4,
        "combinedServiceIndicator": False,
    }


def _create(bank, body=None, **headers: str):
    extra = {"TPP-Redirect-URI": OK, "TPP-Nok-Redirect-URI": NOK, "PSU-IP-Address": "192.0.2.1", **headers}
    return bank.http.post("/v1/consents", json=body or _body(), headers={**bank.headers(), **extra})


def _consent(bank, username="jan", ibans=None, body=None) -> str:
    created = _create(bank, body).json()
    done = sign_consent(bank.http, created["_links"]["scaRedirect"]["href"], username=username, ibans=ibans)
    assert done.headers["location"] == OK
    return str(created["consentId"])


def test_consent_resource_with_redirect_sca_becomes_valid(bank):
    answer = _create(bank)
    assert answer.status_code == 201
    created = answer.json()
    assert created["consentStatus"] == "received"
    assert created["validUntil"] == "2026-08-29", "capped at 180 days"
    consent_id = created["consentId"]
    status = bank.http.get(f"/v1/consents/{consent_id}/status", headers=bank.headers())
    assert status.json() == {"consentStatus": "received"}
    done = sign_consent(bank.http, created["_links"]["scaRedirect"]["href"], username="jan", ibans=[MAIN])
    assert (done.status_code, done.headers["location"]) == (303, OK)
    assert bank.http.get(f"/v1/consents/{consent_id}/status", headers=bank.headers()).json()["consentStatus"] == "valid"
    read = bank.http.get(f"/v1/consents/{consent_id}", headers=bank.headers()).json()
    assert read["access"]["accounts"] == [{"iban": MAIN}]
    assert read["frequencyPerDay"] == 4
    accounts = bank.http.get("/v1/accounts", headers=bank.headers(consent=consent_id)).json()["accounts"]
    assert [a["iban"] for a in accounts] == [MAIN]
    sca = bank.http.get(created["_links"]["scaStatus"]["href"], headers=bank.headers()).json()
    assert sca == {"scaStatus": "finalised"}


def test_explicit_access_offers_only_the_requested_accounts(bank):
    body = _body(accounts=[{"iban": SAVINGS}], balances=[{"iban": SAVINGS}])
    consent_id = _consent(bank, body=body)
    accounts = bank.http.get("/v1/accounts?withBalance=true", headers=bank.headers(consent=consent_id)).json()
    assert [a["iban"] for a in accounts["accounts"]] == [SAVINGS]
    account_id = accounts["accounts"][0]["resourceId"]
    transactions = bank.http.get(
        f"/v1/accounts/{account_id}/transactions?bookingStatus=booked&dateFrom=2026-03-01",
        headers=bank.headers(consent=consent_id),
    )
    assert bank.error(transactions) == (401, "CONSENT_INVALID"), "no transaction access was asked"


def test_bad_consent_bodies_are_400_with_the_field(bank):
    cases = [
        ({"access": {}}, "FORMAT_ERROR", "recurringIndicator"),
        ({**_body(), "frequencyPerDay": 0}, "FORMAT_ERROR", "frequencyPerDay"),
        ({**_body(), "validUntil": "2026-13-01"}, "FORMAT_ERROR", "validUntil"),
        ({**_body(), "validUntil": "2020-01-01"}, "FORMAT_ERROR", "validUntil"),
        (_body(accounts=[{"iban": "NL00RABO0000000000"}]), "FORMAT_ERROR", "access.accounts[0].iban"),
        ({**_body(), "combinedServiceIndicator": True}, "SESSIONS_NOT_SUPPORTED", "combinedServiceIndicator"),
        (_body(availableAccounts="everything"), "FORMAT_ERROR", "access"),
    ]
    for body, code, path in cases:
        answer = _create(bank, body)
        message = answer.json()["tppMessages"][0]
        assert (answer.status_code, message["code"], message["path"]) == (400, code, path), body
    not_json = bank.http.post("/v1/consents", content=b"{", headers=bank.headers())
    assert bank.error(not_json) == (400, "FORMAT_ERROR")


def test_one_off_consent_allows_one_read_a_day(bank):
    body = {**_body(), "recurringIndicator": False}
    assert _create(bank, body).json()["frequencyPerDay"] == 1


def test_tpp_deletes_the_consent(bank):
    consent_id = _consent(bank)
    assert bank.http.delete(f"/v1/consents/{consent_id}", headers=bank.headers()).status_code == 204
    assert bank.http.get(f"/v1/consents/{consent_id}/status", headers=bank.headers()).json() == {
        "consentStatus": "terminatedByTpp"
    }
    read = bank.http.get("/v1/accounts", headers=bank.headers(consent=consent_id))
    assert bank.error(read) == (401, "CONSENT_INVALID")


def test_unknown_or_foreign_consent_is_403_consent_unknown(bank):
    assert bank.error(bank.http.get("/v1/consents/cns-nope", headers=bank.headers())) == (403, "CONSENT_UNKNOWN")
    unknown = bank.http.get("/v1/accounts", headers=bank.headers(consent="cns-nope"))
    assert bank.error(unknown) == (403, "CONSENT_UNKNOWN")
    created = _create(bank, **{"X-IBM-Client-Id": "tpp-a"}).json()
    foreign = bank.http.get(
        f"/v1/consents/{created['consentId']}", headers={**bank.headers(), "X-IBM-Client-Id": "tpp-b"}
    )
    assert bank.error(foreign) == (403, "CONSENT_UNKNOWN")


def test_consent_expires_by_the_clock(bank):
    body = {**_body(), "validUntil": "2026-03-12"}
    consent_id = _consent(bank, body=body)
    bank.clock.advance(timedelta(days=10))
    assert bank.http.get("/v1/accounts", headers=bank.headers(consent=consent_id)).status_code == 200
    bank.clock.advance(timedelta(days=1))
    assert bank.error(bank.http.get("/v1/accounts", headers=bank.headers(consent=consent_id))) == (
        401,
        "CONSENT_EXPIRED",
    )
    assert bank.http.get(f"/v1/consents/{consent_id}/status", headers=bank.headers()).json() == {
        "consentStatus": "expired"
    }


def test_refusal_goes_to_the_nok_redirect_and_rejects(bank):
    created = _create(bank).json()
    done = sign_consent(bank.http, created["_links"]["scaRedirect"]["href"], username="jan", decision="deny")
    assert done.headers["location"] == NOK
    status = bank.http.get(f"/v1/consents/{created['consentId']}/status", headers=bank.headers()).json()
    assert status == {"consentStatus": "rejected"}
    read = bank.http.get("/v1/accounts", headers=bank.headers(consent=created["consentId"]))
    assert bank.error(read) == (401, "CONSENT_INVALID")


def test_plain_user_is_refused_and_the_consent_rejected(bank):
    created = _create(bank).json()
    page = sign_consent(bank.http, created["_links"]["scaRedirect"]["href"], username="sanne")
    assert page.status_code == 403
    assert NOK in page.text
    status = bank.http.get(f"/v1/consents/{created['consentId']}/status", headers=bank.headers()).json()
    assert status == {"consentStatus": "rejected"}


def test_explicit_authorisation_sub_resource(bank):
    created = _create(bank).json()
    consent_id = created["consentId"]
    started = bank.http.post(f"/v1/consents/{consent_id}/authorisations", headers=bank.headers())
    assert started.status_code == 201
    auth = started.json()
    status_url = f"/v1/consents/{consent_id}/authorisations/{auth['authorisationId']}"
    assert bank.http.get(status_url, headers=bank.headers()).json() == {"scaStatus": "received"}
    sign_consent(bank.http, auth["_links"]["scaRedirect"]["href"], username="jan")
    assert bank.http.get(status_url, headers=bank.headers()).json() == {"scaStatus": "finalised"}
    again = bank.http.post(f"/v1/consents/{consent_id}/authorisations", headers=bank.headers())
    assert bank.error(again) == (400, "SERVICE_INVALID")
    unknown = bank.http.get(f"/v1/consents/{consent_id}/authorisations/sca-nope", headers=bank.headers())
    assert bank.error(unknown) == (404, "RESOURCE_UNKNOWN")


def test_a_new_recurring_consent_replaces_the_old_and_keeps_its_accounts(bank):
    first = _consent(bank, ibans=[MAIN])
    second = _consent(bank, ibans=[SAVINGS])
    assert bank.http.get(f"/v1/consents/{first}/status", headers=bank.headers()).json() == {
        "consentStatus": "terminatedByTpp"
    }
    accounts = bank.http.get("/v1/accounts", headers=bank.headers(consent=second)).json()["accounts"]
    assert {a["iban"] for a in accounts} == {MAIN, SAVINGS}


def test_admin_revocation_is_revoked_by_psu(bank):
    consent_id = _consent(bank)
    assert bank.http.post(f"/admin/consents/{consent_id}/revoke").json() == {"consentStatus": "revokedByPsu"}
    read = bank.http.get("/v1/accounts", headers=bank.headers(consent=consent_id))
    assert bank.error(read) == (401, "CONSENT_INVALID")
    assert "revoked by the PSU" in read.json()["tppMessages"][0]["text"]


def test_oauth_sca_variant_binds_the_token_to_the_consent(bank):
    created = _create(bank).json()
    consent_id = created["consentId"]
    verifier, challenge = pkce_pair()
    start = bank.authorize(scope=f"AIS:{consent_id}", challenge=challenge)
    done = sign_consent(bank.http, bank.base + start.headers["location"], username="jan", ibans=[MAIN])
    code = done.headers["location"].split("code=")[1].split("&")[0]
    tokens = bank.token(
        grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=verifier
    ).json()
    both = bank.headers(tokens["access_token"], consent_id)
    assert [a["iban"] for a in bank.http.get("/v1/accounts", headers=both).json()["accounts"]] == [MAIN]
    other = _consent(bank)
    mixed = bank.http.get("/v1/accounts", headers=bank.headers(tokens["access_token"], other))
    assert bank.error(mixed) == (403, "CONSENT_UNKNOWN")
    _, challenge = pkce_pair()
    used = bank.authorize(scope=f"AIS:{consent_id}", challenge=challenge)
    assert "error=invalid_scope" in used.headers["location"]

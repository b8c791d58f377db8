"""The OAuth2 authorization server over real HTTP: code + PKCE, tokens, rotation, revocation, consent pages."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from sandbox_bank_helpers import CLIENT, MAIN, REDIRECT, SAVINGS

from bankbridge.sandbox.testing import pkce_pair, sign_consent


def _query(answer) -> dict[str, list[str]]:
    return parse_qs(urlsplit(answer.headers["location"]).query)


def test_code_flow_with_pkce_gives_tokens_that_read_the_chosen_account(bank):
    tokens = bank.tokens(ibans=[MAIN])
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    assert tokens["refresh_token_expires_in"] == 30 * 86400
    assert tokens["scope"] == "ais.balances.read ais.transactions.read-90days"
    accounts = bank.http.get("/v1/accounts", headers=bank.headers(tokens["access_token"])).json()["accounts"]
    assert [a["iban"] for a in accounts] == [MAIN]


def test_client_that_requires_pkce_is_refused_without_challenge(bank):
    answer = bank.authorize(challenge=None)
    assert answer.status_code == 302
    assert _query(answer)["error"] == ["invalid_request"]
    assert _query(answer)["state"] == ["st-1"]


def test_plain_pkce_method_is_not_offered(bank):
    answer = bank.http.get(
        "/oauth2/authorize",
        params={
            "response_type": "code",
            "client_id": "bankbridge",
            "redirect_uri": REDIRECT,
            "state": "s",
            "code_challenge": "a" * 43,
            "code_challenge_method": "plain",
        },
    )
    assert _query(answer)["error"] == ["invalid_request"]


def test_wrong_code_verifier_is_invalid_grant(bank):
    _, challenge = pkce_pair()
    code = bank.code(challenge=challenge)
    other, _ = pkce_pair()
    answer = bank.token(grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=other)
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_grant")


def test_code_is_single_use_and_lives_300_seconds(bank):
    verifier, challenge = pkce_pair()
    code = bank.code(challenge=challenge)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    assert bank.token(**form).status_code == 200
    assert bank.token(**form).json()["error"] == "invalid_grant"
    verifier, challenge = pkce_pair()
    late = bank.code(challenge=challenge)
    bank.clock.advance(timedelta(seconds=301))
    answer = bank.token(**{**form, "code": late, "code_verifier": verifier})
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_grant")


def test_token_call_must_repeat_the_redirect_uri(bank):
    verifier, challenge = pkce_pair()
    code = bank.code(challenge=challenge)
    answer = bank.token(
        grant_type="authorization_code", code=code, redirect_uri="http://127.0.0.1:8000/other", code_verifier=verifier
    )
    assert answer.json()["error"] == "invalid_grant"


def test_redirect_uri_must_match_exactly_and_unknown_clients_get_an_error_page(bank):
    _, challenge = pkce_pair()
    wrong = bank.authorize(challenge=challenge, redirect_uri=REDIRECT + "/")
    assert wrong.status_code == 400
    assert "text/html" in wrong.headers["content-type"]
    assert "invalid_request" in wrong.text
    unknown = bank.authorize(challenge=challenge, client_id="nobody")
    assert unknown.status_code == 400
    assert "invalid_client" in unknown.text


def test_unregistered_scope_is_refused(bank):
    _, challenge = pkce_pair()
    answer = bank.authorize(challenge=challenge, scope="ais.balances.read payments.everything")
    assert _query(answer)["error"] == ["invalid_scope"]


def test_client_authentication_failures_are_401_invalid_client(bank):
    answer = bank.http.post(
        "/oauth2/token", data={"grant_type": "authorization_code", "code": "x"}, auth=("bankbridge", "wrong")
    )
    assert (answer.status_code, answer.json()["error"]) == (401, "invalid_client")


def test_missing_or_unknown_grant_type(bank):
    assert bank.token(code="x").json()["error"] == "unsupported_grant_type"
    assert bank.token(grant_type="password").json()["error"] == "unsupported_grant_type"


def test_refresh_tokens_rotate_and_a_reused_one_ends_the_grant(bank):
    first = bank.tokens()
    second = bank.token(grant_type="refresh_token", refresh_token=first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    old_access = bank.http.get("/v1/accounts", headers=bank.headers(first["access_token"]))
    assert bank.error(old_access) == (401, "TOKEN_INVALID")
    reused = bank.token(grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert (reused.status_code, reused.json()["error"]) == (401, "invalid_grant")
    after = bank.token(grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert after.status_code == 401, "reuse of a rotated token revokes the whole grant"


def test_refresh_token_expires_after_30_days(bank):
    tokens = bank.tokens()
    bank.clock.advance(timedelta(days=30, seconds=1))
    answer = bank.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert (answer.status_code, answer.json()["error"]) == (401, "invalid_grant")


def test_access_token_expires_after_an_hour(bank):
    tokens = bank.tokens()
    bank.clock.advance(timedelta(seconds=3600))
    answer = bank.http.get("/v1/accounts", headers=bank.headers(tokens["access_token"]))
    assert bank.error(answer) == (401, "TOKEN_EXPIRED")
    assert answer.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_unknown_and_malformed_bearer_tokens(bank):
    unknown = bank.http.get("/v1/accounts", headers=bank.headers("nope"))
    assert bank.error(unknown) == (401, "TOKEN_UNKNOWN")
    headers = {**bank.headers(), "Authorization": "Basic abc"}
    assert bank.error(bank.http.get("/v1/accounts", headers=headers)) == (401, "TOKEN_INVALID")


def test_revocation_ends_both_tokens(bank):
    tokens = bank.tokens()
    answer = bank.http.post("/oauth2/revoke", data={"token": tokens["access_token"]}, auth=CLIENT)
    assert answer.status_code == 200
    read = bank.http.get("/v1/accounts", headers=bank.headers(tokens["access_token"]))
    assert bank.error(read) == (401, "TOKEN_INVALID")
    refresh = bank.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refresh.status_code == 401


def test_refusing_at_the_bank_redirects_with_access_denied(bank):
    _, challenge = pkce_pair()
    start = bank.authorize(challenge=challenge)
    done = sign_consent(bank.http, bank.base + start.headers["location"], username="jan", decision="deny")
    assert _query(done)["error"] == ["access_denied"]
    assert _query(done)["state"] == ["st-1"]


def test_failed_signature_is_access_denied(bank):
    _, challenge = pkce_pair()
    start = bank.authorize(challenge=challenge)
    done = sign_consent(bank.http, bank.base + start.headers["location"], username="jan", response="000000")
    assert _query(done)["error"] == ["access_denied"]


def test_sign_form_asks_again_for_a_missing_response_or_account(bank):
    _, challenge = pkce_pair()
    sca = bank.base + bank.authorize(challenge=challenge).headers["location"]
    bad = sign_consent(bank.http, sca, username="jan", response="12")
    assert bad.status_code == 400
    assert "6-cijferige" in bad.text
    none = sign_consent(bank.http, sca, username="jan", ibans=[])
    assert none.status_code == 400


def test_unknown_user_and_used_link(bank):
    _, challenge = pkce_pair()
    sca = bank.base + bank.authorize(challenge=challenge).headers["location"]
    assert bank.http.post(f"{sca}/login", data={"username": "mallory"}).status_code == 400
    sign_consent(bank.http, sca, username="jan")
    assert bank.http.get(sca).status_code == 410
    assert bank.http.get(bank.base + "/sca/sca-unknown").status_code == 404


def test_users_without_linking_rights_are_refused_with_a_clear_page(bank):
    for username in ("sanne", "kees"):
        _, challenge = pkce_pair()
        sca = bank.base + bank.authorize(challenge=challenge).headers["location"]
        page = sign_consent(bank.http, sca, username=username)
        assert page.status_code == 403
        assert "eigenaar" in page.text
        back = page.text.split('id="back"')[0].rsplit('href="', 1)[1].split('"')[0]
        assert "error=access_denied" in back.replace("&amp;", "&")


def test_administrator_with_linking_rights_sees_all_her_agreements(bank):
    tokens = bank.tokens(username="petra")
    accounts = bank.http.get("/v1/accounts", headers=bank.headers(tokens["access_token"])).json()["accounts"]
    assert {a["iban"] for a in accounts} == {MAIN, SAVINGS, "NL18RABO0555123456"}


def test_adding_accounts_later_keeps_the_others(bank):
    first = bank.tokens(ibans=[MAIN])
    second = bank.tokens(ibans=[SAVINGS])
    accounts = bank.http.get("/v1/accounts", headers=bank.headers(second["access_token"])).json()["accounts"]
    assert {a["iban"] for a in accounts} == {MAIN, SAVINGS}
    still = bank.http.get("/v1/accounts", headers=bank.headers(first["access_token"]))
    assert still.status_code == 200, "the first token still reads: it is the same consent"


def test_customer_ends_the_consent_at_the_bank(bank):
    tokens = bank.tokens()
    bank.http.post("/bank/login", data={"username": "jan"})
    page = bank.http.get("/bank/consents")
    assert "bankbridge" in page.text
    consent_id = page.text.split('id="consent-')[1].split('"')[0]
    bank.http.post(f"/bank/consents/{consent_id}/end")
    assert "revokedByPsu" in bank.http.get("/bank/consents").text
    read = bank.http.get("/v1/accounts", headers=bank.headers(tokens["access_token"]))
    assert bank.error(read) == (401, "CONSENT_INVALID")
    refresh = bank.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert (refresh.status_code, refresh.json()["error"]) == (401, "invalid_grant")


def test_discovery_document_offers_s256_only(bank):
    meta = bank.http.get("/.well-known/oauth-authorization-server").json()
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["token_endpoint"] == bank.base + "/oauth2/token"


def test_psd2_consents_last_180_days_premium_ones_until_revoked(bank):
    bank.tokens()
    start = bank.http.get(
        "/oauth2-premium/authorize",
        params={
            "response_type": "code",
            "client_id": "bankbridge-premium",
            "redirect_uri": REDIRECT,
            "scope": "bai.accountinformation.read",
            "state": "p",
        },
    )
    done = sign_consent(bank.http, bank.base + start.headers["location"], username="jan")
    code = _query(done)["code"][0]
    premium = bank.http.post(
        "/oauth2-premium/token",
        auth=("bankbridge-premium", "bankbridge-secret"),
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
    )
    assert premium.status_code == 200
    bank.http.post("/bank/login", data={"username": "jan"})
    assert "tot intrekking" in bank.http.get("/bank/consents").text
    bank.clock.advance(timedelta(days=181))
    page = bank.http.get("/bank/consents").text
    statuses = [cell.split("<")[0] for cell in page.split('class="status">')[1:]]
    assert sorted(statuses) == ["expired", "valid"]

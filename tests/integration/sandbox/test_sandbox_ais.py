"""The account-information API over real HTTP: shapes, balances, paging, every error case, limits."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from sandbox_bank_helpers import MAIN, SAVINGS

from bankbridge.sandbox.problems import ERRORS


def _reader(bank, ibans=None, scope=None):
    tokens = bank.tokens(ibans=ibans or [MAIN], **({"scope": scope} if scope else {}))
    token = tokens["access_token"]
    return token, bank.account_id(token, (ibans or [MAIN])[0])


def test_account_shape_and_balances(bank):
    bank.add(MAIN, amount="100.00", bookingDate="2026-03-01")
    bank.add(MAIN, amount="-30.25", bookingDate="2026-03-02")
    bank.add(MAIN, amount="-5.00", status="pending")
    token, account_id = _reader(bank)
    answer = bank.http.get(f"/v1/accounts/{account_id}?withBalance=true", headers=bank.headers(token))
    account = answer.json()["account"]
    assert account["iban"] == MAIN
    assert account["resourceId"] == account_id != MAIN
    assert (account["currency"], account["cashAccountType"], account["bic"]) == ("EUR", "CACC", "RABONL2U")
    assert account["ownerName"] == "Bakkerij De Korenschoof B.V."
    assert account["_links"]["transactions"]["href"] == f"/v1/accounts/{account_id}/transactions"
    balances = bank.http.get(f"/v1/accounts/{account_id}/balances", headers=bank.headers(token)).json()
    assert balances["account"] == {"iban": MAIN, "currency": "EUR"}
    got = {b["balanceType"]: (b["balanceAmount"]["amount"], b["referenceDate"]) for b in balances["balances"]}
    assert got == {
        "closingBooked": ("12600.00", "2026-03-01"),
        "interimBooked": ("12569.75", "2026-03-02"),
        "expected": ("12564.75", "2026-03-02"),
    }


def test_transactions_fields_and_booking_status(bank):
    bank.add(
        MAIN,
        amount="250.00",
        bookingDate="2026-03-01",
        counterpartyName="Jansen Catering",
        counterpartyIban="NL91ABNA0417164300",
        counterpartyBic="ABNANL2A",
        reference="5000056789012345",
        referenceType="CUR",
        endToEndId="F2026-0042",
    )
    bank.add(
        MAIN,
        amount="-80.00",
        bookingDate="2026-03-02",
        counterpartyName="Belastingdienst",
        remittanceInformationUnstructured="btw 4e kwartaal",
        bankTransactionCode="PMNT-ICDT-ESCT",
    )
    bank.add(MAIN, amount="-12.00", status="pending", counterpartyName="KPN")
    token, account_id = _reader(bank)
    url = f"/v1/accounts/{account_id}/transactions?dateFrom=2026-02-01"
    both = bank.http.get(url + "&bookingStatus=both", headers=bank.headers(token, psu=True)).json()
    credit, debit = both["transactions"]["booked"]
    assert credit["transactionAmount"] == {"currency": "EUR", "amount": "250.00"}
    assert credit["debtorName"] == "Jansen Catering"
    assert credit["debtorAccount"] == {"iban": "NL91ABNA0417164300", "currency": "EUR"}
    assert credit["debtorAgent"] == "ABNANL2A"
    assert credit["remittanceInformationStructured"] == {
        "reference": "5000056789012345",
        "referenceType": "SCOR",
        "referenceIssuer": "CUR",
    }
    assert credit["endToEndId"] == "F2026-0042"
    assert credit["balanceAfterTransaction"]["balanceAmount"]["amount"] == "12750.00"
    assert debit["creditorName"] == "Belastingdienst"
    assert debit["transactionAmount"]["amount"] == "-80.00"
    assert debit["endToEndId"] == "NOTPROVIDED"
    assert debit["bankTransactionCode"] == "PMNT-ICDT-ESCT"
    assert [p["creditorName"] for p in both["transactions"]["pending"]] == ["KPN"]
    booked = bank.http.get(url + "&bookingStatus=booked", headers=bank.headers(token, psu=True)).json()
    assert "pending" not in booked["transactions"]
    pending = bank.http.get(url + "&bookingStatus=pending", headers=bank.headers(token, psu=True)).json()
    assert pending["transactions"]["booked"] == []
    detail = bank.http.get(credit["_links"]["transactionDetails"]["href"], headers=bank.headers(token)).json()
    assert detail["transactionsDetails"]["transactionId"] == credit["transactionId"]


def test_date_range_and_paging_follow_next_to_the_end(bank):
    for day in range(1, 8):
        bank.add(MAIN, amount=f"{day}.00", bookingDate=f"2026-02-{day:02d}")
    token, account_id = _reader(bank)
    url = f"/v1/accounts/{account_id}/transactions?bookingStatus=booked&dateFrom=2026-02-02&dateTo=2026-02-06"
    page = bank.http.get(url, headers=bank.headers(token)).json()["transactions"]
    seen = [t["bookingDate"] for t in page["booked"]]
    assert "previous" not in page["_links"]
    last = page["_links"]["last"]["href"]
    while "next" in page["_links"]:
        page = bank.http.get(page["_links"]["next"]["href"], headers=bank.headers(token)).json()["transactions"]
        seen += [t["bookingDate"] for t in page["booked"]]
    assert seen == [f"2026-02-{d:02d}" for d in range(2, 7)]
    assert page["_links"]["previous"]["href"]
    assert bank.http.get(last, headers=bank.headers(token)).json()["transactions"]["booked"] == page["booked"]
    tampered = bank.http.get(last[:-3] + "xyz", headers=bank.headers(token))
    assert bank.error(tampered) == (400, "FORMAT_ERROR")


def test_bad_parameters_are_400_with_a_message(bank):
    token, account_id = _reader(bank)
    base = f"/v1/accounts/{account_id}/transactions"
    cases = {
        "?dateFrom=2026-03-01": "FORMAT_ERROR",
        "?bookingStatus=all&dateFrom=2026-03-01": "FORMAT_ERROR",
        "?bookingStatus=booked": "FORMAT_ERROR",
        "?bookingStatus=booked&dateFrom=01-03-2026": "FORMAT_ERROR",
        "?bookingStatus=booked&dateFrom=2026-03-02&dateTo=2026-03-01": "PERIOD_INVALID",
        "?bookingStatus=booked&dateFrom=2025-11-01": "PERIOD_INVALID",
        "?bookingStatus=booked&deltaList=true": "PARAMETER_NOT_SUPPORTED",
        "?bookingStatus=booked&entryReferenceFrom=3": "PARAMETER_NOT_SUPPORTED",
    }
    for query, code in cases.items():
        answer = bank.http.get(base + query, headers=bank.headers(token, psu=True))
        assert bank.error(answer) == (400, code), query
        assert answer.json()["tppMessages"][0]["text"]
    flag = bank.http.get("/v1/accounts?withBalance=maybe", headers=bank.headers(token))
    assert bank.error(flag) == (400, "FORMAT_ERROR")
    csv = bank.http.get(
        base + "?bookingStatus=booked&dateFrom=2026-03-01", headers={**bank.headers(token), "Accept": "text/csv"}
    )
    assert bank.error(csv) == (406, "REQUESTED_FORMATS_INVALID")


def test_history_scope_reaches_further_back(bank):
    token, account_id = _reader(bank, scope="ais.transactions.read-history ais.balances.read")
    answer = bank.http.get(
        f"/v1/accounts/{account_id}/transactions?bookingStatus=booked&dateFrom=2025-06-01", headers=bank.headers(token)
    )
    assert answer.status_code == 200


def test_coverage_errors(bank):
    token, account_id = _reader(bank, scope="ais.transactions.read-90days")
    assert bank.error(bank.http.get(f"/v1/accounts/{account_id}/balances", headers=bank.headers(token))) == (
        401,
        "CONSENT_INVALID",
    )
    assert bank.error(bank.http.get("/v1/accounts?withBalance=true", headers=bank.headers(token))) == (
        401,
        "CONSENT_INVALID",
    )
    assert bank.error(bank.http.get("/v1/accounts/acc-nope", headers=bank.headers(token))) == (404, "RESOURCE_UNKNOWN")
    other = bank.account_id(bank.tokens(ibans=[SAVINGS], username="petra")["access_token"], SAVINGS)
    assert bank.error(bank.http.get(f"/v1/accounts/{other}", headers=bank.headers(token))) == (401, "CONSENT_INVALID")
    missing = bank.http.get(f"/v1/accounts/{account_id}/transactions/tx-nope", headers=bank.headers(token))
    assert bank.error(missing) == (404, "RESOURCE_UNKNOWN")


def test_headers_required(bank):
    token, _ = _reader(bank)
    no_id = bank.http.get("/v1/accounts", headers={"Authorization": f"Bearer {token}"})
    assert bank.error(no_id) == (400, "FORMAT_ERROR")
    assert no_id.json()["tppMessages"][0]["path"] == "X-Request-ID"
    nobody = bank.http.get("/v1/accounts", headers=bank.headers())
    assert bank.error(nobody) == (400, "FORMAT_ERROR")
    request_id = str(uuid.uuid4())
    echoed = bank.http.get("/v1/accounts", headers={"X-Request-ID": request_id, "Authorization": f"Bearer {token}"})
    assert echoed.headers["x-request-id"] == request_id


def test_four_unattended_reads_a_day_then_429(bank):
    token, account_id = _reader(bank)
    url = f"/v1/accounts/{account_id}/balances"
    for _ in range(4):
        assert bank.http.get(url, headers=bank.headers(token)).status_code == 200
    assert bank.error(bank.http.get(url, headers=bank.headers(token))) == (429, "ACCESS_EXCEEDED")
    assert bank.http.get(url, headers=bank.headers(token, psu=True)).status_code == 200, "PSU present: not counted"
    transactions = f"/v1/accounts/{account_id}/transactions?bookingStatus=booked&dateFrom=2026-03-01"
    assert bank.http.get(transactions, headers=bank.headers(token)).status_code == 200, "counted per endpoint"
    bank.clock.advance(timedelta(days=1))
    fresh = bank.token(grant_type="refresh_token", refresh_token=bank.tokens()["refresh_token"]).json()
    assert bank.http.get(url, headers=bank.headers(fresh["access_token"])).status_code == 200, "a new bank day"


def test_failed_reads_do_not_count(bank):
    token, account_id = _reader(bank)
    bad = f"/v1/accounts/{account_id}/transactions?bookingStatus=booked"
    for _ in range(5):
        assert bank.http.get(bad, headers=bank.headers(token)).status_code == 400
    good = bad + "&dateFrom=2026-03-01"
    assert bank.http.get(good, headers=bank.headers(token)).status_code == 200


def test_every_error_row_can_be_injected_by_header(bank):
    for code, row in ERRORS.items():
        path = "/oauth2/token" if row.style == "oauth" else "/v1/accounts"
        answer = bank.http.request(
            "POST" if row.style == "oauth" else "GET", path, headers={**bank.headers(), "X-Sandbox-Error": code}
        )
        assert answer.status_code == row.status, code
        body = answer.json()
        got = body["error"] if row.style == "oauth" else body["tppMessages"][0]["code"]
        assert got in {code, "invalid_grant", "invalid_client", "invalid_request"}, code
    unknown = bank.http.get("/v1/accounts", headers={**bank.headers(), "X-Sandbox-Error": "NOPE"})
    assert bank.error(unknown) == (400, "FORMAT_ERROR")


def test_queued_injection_answers_the_next_calls_then_stops(bank):
    token, _ = _reader(bank)
    queued = bank.http.post("/admin/errors", json={"code": "SERVICE_BLOCKED", "pathPrefix": "/v1/accounts", "times": 2})
    assert queued.status_code == 201
    for _ in range(2):
        assert bank.error(bank.http.get("/v1/accounts", headers=bank.headers(token, psu=True))) == (
            403,
            "SERVICE_BLOCKED",
        )
    assert bank.http.get("/v1/accounts", headers=bank.headers(token, psu=True)).status_code == 200
    assert bank.http.post("/admin/errors", json={"code": "NOPE"}).status_code == 400
    codes = {row["code"] for row in bank.http.get("/admin/errors").json()}
    assert {"ACCESS_EXCEEDED", "TOKEN_EXPIRED", "invalid_client"} <= codes


def test_rate_limit_answers_429_with_retry_after(tmp_path):
    from sandbox_bank_helpers import START, Sandbox

    from bankbridge.sandbox.app import create_app
    from bankbridge.sandbox.clock import FixedClock
    from bankbridge.sandbox.settings import SandboxSettings
    from bankbridge.sandbox.testing import serve

    settings = SandboxSettings(
        database_url=f"sqlite:///{tmp_path / 'b.db'}", rate_limit_per_second=3, generate_history=False
    )
    clock = FixedClock(START)
    with serve(create_app(settings, clock)) as base:
        bank = Sandbox(base, clock)
        statuses = [bank.http.get("/v1/accounts", headers=bank.headers("t")).status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]
        limited = bank.http.get("/v1/accounts", headers=bank.headers("t"))
        assert (limited.headers["retry-after"], bank.error(limited)) == ("1", (429, "RATE_LIMIT_EXCEEDED"))
        clock.advance(timedelta(seconds=1))
        assert bank.http.get("/v1/accounts", headers=bank.headers("t")).status_code == 401
        bank.http.close()


def test_health_openapi_and_clock(bank):
    assert bank.http.get("/health").json() == {"status": "ok", "time": "2026-03-02T09:00:00+00:00"}
    spec = bank.http.get("/openapi.json").json()
    assert {"/v1/consents", "/v1/accounts/{account_id}/transactions", "/oauth2/token"} <= set(spec["paths"])
    moved = bank.http.post("/admin/clock", json={"advanceSeconds": 86400}).json()
    assert (moved["today"], moved["movable"]) == ("2026-03-03", True)
    moved = bank.http.post("/admin/clock", json={"now": "2026-05-01T23:30:00+00:00"}).json()
    assert moved["today"] == "2026-05-02", "the bank's day is Amsterdam's"
    assert bank.http.post("/admin/clock", json={"advanceSeconds": -5}).status_code == 400


def test_structured_log_lines(bank, capfd):
    import logging

    from bankbridge.sandbox import logs

    handler = logs.configure()
    try:
        bank.http.get("/health", headers={"X-Request-ID": "abc"})
    finally:
        for name in logs.LOGGERS:
            logging.getLogger(name).removeHandler(handler)
            logging.getLogger(name).propagate = True
    line = next(json.loads(l_) for l_ in capfd.readouterr().err.splitlines() if '"path": "/health"' in l_)
    assert (line["message"], line["status"], line["request_id"], line["level"]) == ("request", 200, "abc", "info")

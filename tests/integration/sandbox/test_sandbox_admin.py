"""The admin API and seeding over real HTTP: seed documents, generated history, exact transactions."""

from __future__ import annotations

from sandbox_bank_helpers import MAIN, START, Sandbox

from bankbridge.sandbox.app import create_app
from bankbridge.sandbox.clock import FixedClock
from bankbridge.sandbox.settings import SandboxSettings
from bankbridge.sandbox.testing import serve

NEW_SEED = {
    "users": [{"username": "femke", "name": "Femke de Boer"}],
    "customers": [
        {
            "id": "drukkerij",
            "name": "Drukkerij Boer",
            "batch_booking": "items",
            "accounts": [{"bank": "INGB", "number": "0001122334", "name": "Drukkerij Boer"}],
            "roles": [{"username": "femke", "role": "owner"}],
        }
    ],
    "clients": [
        {"client_id": "public-app", "redirect_uris": ["http://127.0.0.1:9000/cb"], "scopes": ["ais.balances.read"]}
    ],
}


def test_admin_seed_adds_customers_users_and_clients(bank):
    answer = bank.http.post("/admin/seed", json=NEW_SEED)
    assert answer.status_code == 201
    assert answer.json() == {"users": 1, "customers": 1, "clients": 1}
    assert bank.http.post("/admin/seed", json=NEW_SEED).status_code == 201, "loading twice is harmless"
    listed = {a["iban"]: a for a in bank.http.get("/admin/accounts").json()}
    assert listed["NL31INGB0001122334"]["customer"] == "drukkerij"
    assert listed[MAIN]["interimBooked"] == "12500.00"
    tokens = bank.tokens(username="femke", scope="ais.balances.read")
    accounts = bank.http.get("/v1/accounts", headers=bank.headers(tokens["access_token"])).json()["accounts"]
    assert [a["iban"] for a in accounts] == ["NL31INGB0001122334"]


def test_bad_seed_documents_name_the_place(bank):
    cases = [
        (
            {"customers": [{"id": "x", "name": "X", "accounts": [{"iban": "NL00RABO0000000001", "name": "a"}]}]},
            "customers[0].accounts[0].iban",
        ),
        (
            {"customers": [{"id": "x", "name": "X", "roles": [{"username": "jan", "role": "boss"}]}]},
            "customers[0].roles[0].role",
        ),
        ({"clients": [{"client_id": "c", "redirect_uris": []}]}, "clients[0].redirect_uris"),
        ({"users": [{"username": "x"}]}, "users[0].name"),
        ({"customers": {"id": "x"}}, "customers"),
    ]
    for document, where in cases:
        answer = bank.http.post("/admin/seed", json=document)
        message = answer.json()["tppMessages"][0]
        assert (answer.status_code, message["code"]) == (400, "FORMAT_ERROR"), document
        assert where in message["text"], message["text"]


def test_exact_transaction_validation(bank):
    assert bank.http.post("/admin/accounts/NL91ABNA0417164300/transactions", json={"amount": "1.00"}).status_code == 404
    url = f"/admin/accounts/{MAIN}/transactions"
    bad_iban = bank.http.post(url, json={"amount": "1.00", "counterpartyIban": "NL00X"})
    assert bank.error(bad_iban) == (400, "FORMAT_ERROR")
    too_fine = bank.http.post(f"/admin/accounts/{MAIN}/transactions", json={"amount": "1.001"})
    assert bank.error(too_fine) == (400, "FORMAT_ERROR")


def test_generate_endpoint_is_deterministic(bank):
    body = {"iban": MAIN, "days": 20, "seed": 5, "start": "2026-02-01"}
    first = bank.http.post("/admin/generate", json=body).json()["booked"]
    assert first > 10
    token = bank.tokens()["access_token"]
    account_id = bank.account_id(token, MAIN)
    url = f"/v1/accounts/{account_id}/transactions?bookingStatus=booked&dateFrom=2026-02-01&dateTo=2026-02-20"
    page = bank.http.get(url, headers=bank.headers(token, psu=True)).json()["transactions"]
    assert page["booked"][0]["bookingDate"] >= "2026-02-02"
    assert bank.http.post("/admin/generate", json={**body, "iban": "NL91ABNA0417164300"}).status_code == 404


def test_demo_seed_comes_with_generated_history(tmp_path):
    settings = SandboxSettings(database_url=f"sqlite:///{tmp_path / 'demo.db'}")
    clock = FixedClock(START)
    with serve(create_app(settings, clock)) as base:
        bank = Sandbox(base, clock)
        token = bank.tokens()["access_token"]
        account_id = bank.account_id(token, MAIN)
        url = f"/v1/accounts/{account_id}/transactions?bookingStatus=booked&dateFrom=2026-01-15"
        report = bank.http.get(url, headers=bank.headers(token, psu=True)).json()
        assert report["transactions"]["_links"]["next"]
        bank.http.close()
    with serve(create_app(settings, clock)) as base:
        again = Sandbox(base, clock)
        assert again.http.get("/health").status_code == 200, "restarting on the same database keeps it"
        again.http.close()

"""Statement export: the same booked data as CAMT.053 and MT940, read back by bankbridge's own formats."""

from __future__ import annotations

from decimal import Decimal

from sandbox_bank_helpers import MAIN

from bankbridge.formats.camt import FORMAT as CAMT
from bankbridge.formats.mt940 import FORMAT as MT940


def _seed_days(bank):
    bank.add(
        MAIN,
        amount="250.00",
        bookingDate="2026-02-27",
        counterpartyName="Jansen Catering",
        counterpartyIban="NL91ABNA0417164300",
        reference="5000056789012345",
        referenceType="CUR",
    )
    bank.add(
        MAIN,
        amount="-80.00",
        bookingDate="2026-03-02",
        counterpartyName="Belastingdienst",
        remittanceInformationUnstructured="btw",
        endToEndId="E2E-7",
    )
    bank.add(MAIN, amount="-19.99", bookingDate="2026-03-02", counterpartyName="KPN")


def test_files_and_api_carry_the_same_lines(bank):
    _seed_days(bank)
    for file_format, reader in (("camt053", CAMT), ("mt940", MT940)):
        answer = bank.http.get(
            f"/admin/accounts/{MAIN}/statements", params={"dateFrom": "2026-02-01", "format": file_format}
        )
        assert answer.status_code == 200
        statements = reader.parse(answer.content, source=f"sandbox.{file_format}").statements
        assert [s.closing_balance.amount for s in statements] == [Decimal("12750.00"), Decimal("12650.01")]
        assert [s.opening_balance.amount for s in statements] == [Decimal("12500.00"), Decimal("12750.00")]
        lines = [line for s in statements for line in s.lines]
        assert [line.amount for line in lines] == [Decimal("250.00"), Decimal("-80.00"), Decimal("-19.99")]
        assert lines[0].payment_reference == "5000056789012345"
        assert lines[1].end_to_end_id == "E2E-7"
        assert {s.account for s in statements} == {MAIN}


def test_camt_on_request_from_the_transactions_endpoint(bank):
    _seed_days(bank)
    token = bank.tokens(ibans=[MAIN])["access_token"]
    account_id = bank.account_id(token, MAIN)
    answer = bank.http.get(
        f"/v1/accounts/{account_id}/transactions?bookingStatus=booked&dateFrom=2026-03-02",
        headers={**bank.headers(token, psu=True), "Accept": "application/xml"},
    )
    assert answer.headers["content-type"].startswith("application/xml")
    (statement,) = CAMT.parse(answer.content, source="api.xml").statements
    assert [line.counterparty_name for line in statement.lines] == ["Belastingdienst", "KPN"]


def test_statement_export_refuses_unknown_accounts_and_formats(bank):
    assert bank.http.get("/admin/accounts/NL91ABNA0417164300/statements?dateFrom=2026-01-01").status_code == 404
    bad = bank.http.get(f"/admin/accounts/{MAIN}/statements?dateFrom=2026-01-01&format=coda")
    assert bank.error(bad) == (400, "FORMAT_ERROR")

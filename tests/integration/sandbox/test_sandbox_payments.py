"""Payment initiation over real HTTP: pain.001/pain.008 upload, status over time, booking, pain.002."""

from __future__ import annotations

from datetime import date, timedelta

from lxml import etree
from sandbox_bank_helpers import MAIN, SAVINGS
from sepaxml import SepaDD, SepaTransfer

SCOPE = "ais.balances.read ais.transactions.read-90days pi.bulk.read-write"
TRANSFERS = "/v1/bulk-payments/pain.001-sepa-credit-transfers"
DEBITS = "/v1/bulk-payments/pain.008-sepa-direct-debits"


def _transfers(*amounts: int, iban: str = MAIN, batch: bool = True, bad: int | None = None) -> bytes:
    sepa = SepaTransfer(
        {"name": "Bakkerij De Korenschoof", "IBAN": iban, "BIC": "RABONL2U", "batch": batch, "currency": "EUR"},
        clean=True,
    )
    for n, cents in enumerate(amounts):
        creditor = "NL00ABNA0417164300" if n == bad else "NL91ABNA0417164300"
        sepa.add_payment(
            {
                "name": f"Leverancier {n}",
                "IBAN": creditor,
                "BIC": "ABNANL2A",
                "amount": cents,
                "execution_date": date(2026, 3, 3),
                "description": f"INK-{n}",
                "endtoend_id": f"E2E-{n}",
            }
        )
    return bytes(sepa.export(validate=True))


def _debits(*amounts: int) -> bytes:
    sepa = SepaDD(
        {
            "name": "Bakkerij De Korenschoof",
            "IBAN": MAIN,
            "BIC": "RABONL2U",
            "batch": False,
            "creditor_id": "NL69ZZZ123456780000",
            "currency": "EUR",
        },
        schema="pain.008.001.02",
        clean=True,
    )
    for n, cents in enumerate(amounts):
        sepa.add_payment(
            {
                "name": f"Klant {n}",
                "IBAN": "NL91ABNA0417164300",
                "BIC": "ABNANL2A",
                "amount": cents,
                "type": "RCUR",
                "collection_date": date(2026, 3, 4),
                "mandate_id": f"MND-{n}",
                "mandate_date": date(2025, 1, 1),
                "description": f"Abonnement {n}",
                "endtoend_id": f"DD-{n}",
            }
        )
    return bytes(sepa.export(validate=True))


def _payer(bank, ibans=None):
    token = bank.tokens(scope=SCOPE, ibans=ibans or [MAIN])["access_token"]
    return token, {**bank.headers(token, psu=True), "Content-Type": "application/xml"}


def _later(bank, delta: timedelta) -> str:
    """Move the clock and come back with a fresh token, as a client does after hours."""
    bank.clock.advance(delta)
    return str(bank.tokens(scope=SCOPE, ibans=[MAIN])["access_token"])


def _booked(bank, token, since="2026-03-01"):
    account_id = bank.account_id(token, MAIN)
    url = f"/v1/accounts/{account_id}/transactions?bookingStatus=booked&dateFrom={since}"
    return bank.http.get(url, headers=bank.headers(token, psu=True)).json()["transactions"]["booked"]


def test_credit_transfers_move_from_accepted_to_settled_and_are_booked_as_one_entry(bank):
    token, headers = _payer(bank)
    answer = bank.http.post(TRANSFERS, content=_transfers(10000, 2550), headers=headers)
    assert answer.status_code == 201
    created = answer.json()
    assert created["transactionStatus"] == "RCVD"
    status_url = created["_links"]["status"]["href"]
    assert bank.http.get(status_url, headers=bank.headers(token)).json() == {"transactionStatus": "RCVD"}
    token = _later(bank, timedelta(minutes=2))
    assert bank.http.get(status_url, headers=bank.headers(token)).json() == {"transactionStatus": "ACTC"}
    token = _later(bank, timedelta(hours=1))
    assert bank.http.get(status_url, headers=bank.headers(token)).json() == {"transactionStatus": "ACSP"}
    assert _booked(bank, token) == []
    token = _later(bank, timedelta(days=1))
    assert bank.http.get(status_url, headers=bank.headers(token)).json() == {"transactionStatus": "ACSC"}
    (entry,) = _booked(bank, token)
    assert entry["transactionAmount"]["amount"] == "-125.50"
    assert (entry["bookingDate"], entry["batchNumberOfTransactions"]) == ("2026-03-03", 2)
    report = bank.http.get(status_url, headers={**bank.headers(token), "Accept": "application/xml"})
    root = etree.fromstring(report.content)
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"}
    assert root.findtext(".//p:GrpSts", namespaces=ns) == "ACSC"
    assert root.findtext(".//p:OrgnlMsgNmId", namespaces=ns) == "pain.001.001.03"
    assert root.findtext(".//p:OrgnlCtrlSum", namespaces=ns) == "125.50"
    details = bank.http.get(created["_links"]["self"]["href"], headers=bank.headers(token)).json()
    assert details["batches"][0]["numberOfTransactions"] == 2


def test_direct_debits_by_multipart_booked_item_by_item(bank):
    _token, headers = _payer(bank)
    del headers["Content-Type"]
    upload = {"file": ("dd.xml", _debits(1500, 2500), "application/xml")}
    answer = bank.http.post(DEBITS, files=upload, headers=headers)
    assert answer.json()["transactionStatus"] == "RCVD"
    bank.http.post("/admin/clock", json={"advanceSeconds": 3 * 86400})
    booked = _booked(bank, _later(bank, timedelta(0)))
    assert [(e["transactionAmount"]["amount"], e["mandateId"], e["debtorName"]) for e in booked] == [
        ("15.00", "MND-0", "Klant 0"),
        ("25.00", "MND-1", "Klant 1"),
    ]
    assert {e["bookingDate"] for e in booked} == {"2026-03-04"}
    assert booked[0]["creditorId"] == "NL69ZZZ123456780000"


def test_rejections_with_reasons(bank):
    token, headers = _payer(bank)
    broken = _transfers(100).replace(b"<ChrgBr>SLEV</ChrgBr>", b"<ChrgBr>NONSENSE</ChrgBr>")
    schema = bank.http.post(TRANSFERS, content=broken, headers=headers).json()
    assert (schema["transactionStatus"], schema["tppMessages"][0]["code"]) == ("RJCT", "FF01")
    assert "ChrgBr" in schema["tppMessages"][0]["text"]
    once = _transfers(100)
    assert bank.http.post(TRANSFERS, content=once, headers=headers).json()["transactionStatus"] == "RCVD"
    dupl = bank.http.post(TRANSFERS, content=once, headers=headers).json()
    assert dupl["tppMessages"][0]["code"] == "DUPL"
    wrong_sum = _transfers(100, 200).replace(b"<CtrlSum>3.00</CtrlSum>", b"<CtrlSum>4.00</CtrlSum>", 1)
    assert bank.http.post(TRANSFERS, content=wrong_sum, headers=headers).json()["tppMessages"][0]["code"] == "AM10"
    foreign = _transfers(100, iban="NL91ABNA0417164300")
    assert bank.http.post(TRANSFERS, content=foreign, headers=headers).json()["tppMessages"][0]["code"] == "AC01"
    too_much = bank.http.post(TRANSFERS, content=_transfers(3_000_000), headers=headers).json()
    assert too_much["transactionStatus"] == "RCVD"
    token = _later(bank, timedelta(days=2))
    status = bank.http.get(too_much["_links"]["status"]["href"], headers=bank.headers(token)).json()
    assert status == {"transactionStatus": "RJCT"}
    assert [e["transactionAmount"]["amount"] for e in _booked(bank, token)] == ["-1.00"]


def test_refused_uploads(bank):
    token, headers = _payer(bank)
    uncovered = bank.http.post(TRANSFERS, content=_transfers(100, iban=SAVINGS), headers=headers)
    assert bank.error(uncovered) == (401, "CONSENT_INVALID")
    assert bank.error(bank.http.post(TRANSFERS, content=b"<not xml", headers=headers)) == (400, "FORMAT_ERROR")
    assert bank.error(bank.http.post(TRANSFERS, content=_debits(100), headers=headers)) == (400, "FORMAT_ERROR")
    assert bank.error(bank.http.post(TRANSFERS, content=b"", headers=headers)) == (400, "FORMAT_ERROR")
    no_psu = {k: v for k, v in headers.items() if k != "PSU-IP-Address"}
    assert bank.error(bank.http.post(TRANSFERS, content=_transfers(100), headers=no_psu)) == (400, "FORMAT_ERROR")
    unknown = bank.http.post("/v1/bulk-payments/cheques", content=_transfers(100), headers=headers)
    assert bank.error(unknown) == (404, "RESOURCE_UNKNOWN")
    missing = bank.http.get(f"{TRANSFERS}/pay-nope/status", headers=bank.headers(token))
    assert bank.error(missing) == (404, "RESOURCE_UNKNOWN")
    reader = bank.tokens(ibans=[MAIN])["access_token"]
    as_reader = {**headers, "Authorization": f"Bearer {reader}"}
    no_scope = bank.http.post(TRANSFERS, content=_transfers(100), headers=as_reader)
    assert bank.error(no_scope) == (401, "CONSENT_INVALID")


SINGLE = "/v1/payments/sepa-credit-transfers"


def _single(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "instructedAmount": {"currency": "EUR", "amount": "42.10"},
        "debtorAccount": {"iban": MAIN},
        "creditorAccount": {"iban": "NL91ABNA0417164300"},
        "creditorName": "Meelfabriek Holland",
        "endToEndIdentification": "INK-2026-7",
        "remittanceInformationStructured": {"reference": "5000056789012345", "referenceIssuer": "CUR"},
        "requestedExecutionDate": "2026-03-02",
    }
    return {**body, **changes}


def test_single_json_credit_transfer_is_booked_with_its_reference(bank):
    token, headers = _payer(bank)
    del headers["Content-Type"]
    created = bank.http.post(SINGLE, json=_single(), headers=headers).json()
    assert created["transactionStatus"] == "RCVD"
    token = _later(bank, timedelta(hours=2))
    status = bank.http.get(f"{SINGLE}/{created['paymentId']}/status", headers=bank.headers(token)).json()
    assert status == {"transactionStatus": "ACSC"}
    (entry,) = _booked(bank, token)
    assert (entry["transactionAmount"]["amount"], entry["creditorName"], entry["endToEndId"]) == (
        "-42.10",
        "Meelfabriek Holland",
        "INK-2026-7",
    )
    assert entry["remittanceInformationStructured"]["reference"] == "5000056789012345"


def test_single_payment_checks_its_fields(bank):
    _, headers = _payer(bank)
    del headers["Content-Type"]
    cases = [
        (_single(remittanceInformationUnstructured="ook tekst"), "remittanceInformationStructured"),
        (_single(creditorAccount={"iban": "NL00ABNA0417164300"}), "creditorAccount.iban"),
        (_single(creditorName="X"), "creditorName"),
        (_single(instructedAmount={"currency": "EUR", "amount": "1,00"}), "instructedAmount.amount"),
        (_single(instructedAmount={"currency": "EUR", "amount": "0.00"}), "instructedAmount.amount"),
        (_single(endToEndIdentification="E" * 36), "endToEndIdentification"),
    ]
    for body, path in cases:
        answer = bank.http.post(SINGLE, json=body, headers=headers)
        assert bank.error(answer) == (400, "FORMAT_ERROR"), body
        assert answer.json()["tppMessages"][0]["path"] == path
    no_psu = {k: v for k, v in headers.items() if k != "PSU-IP-Address"}
    assert bank.error(bank.http.post(SINGLE, json=_single(), headers=no_psu)) == (400, "FORMAT_ERROR")
    assert bank.error(bank.http.get(f"{SINGLE}/pay-nope/status", headers=headers)) == (404, "RESOURCE_UNKNOWN")


def test_items_with_a_bad_iban_are_rejected_one_by_one_and_the_file_ends_partial(bank):
    token, headers = _payer(bank)
    created = bank.http.post(TRANSFERS, content=_transfers(1000, 2000, 4000, bad=1), headers=headers).json()
    assert created["transactionStatus"] == "RCVD"
    token = _later(bank, timedelta(days=1, hours=1))
    status_url = created["_links"]["status"]["href"]
    assert bank.http.get(status_url, headers=bank.headers(token)).json() == {"transactionStatus": "PART"}
    (entry,) = _booked(bank, token)
    assert (entry["transactionAmount"]["amount"], entry["batchNumberOfTransactions"]) == ("-50.00", 2)
    xml = bank.http.get(status_url, headers={**bank.headers(token), "Accept": "application/xml"})
    report = etree.fromstring(xml.content)
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"}
    assert report.findtext(".//p:GrpSts", namespaces=ns) == "PART"
    assert report.findtext(".//p:TxInfAndSts/p:OrgnlEndToEndId", namespaces=ns) == "E2E-1"
    assert report.findtext(".//p:TxInfAndSts/p:StsRsnInf/p:Rsn/p:Cd", namespaces=ns) == "AC01"
    fresh = {**headers, **bank.headers(token, psu=True)}
    only_bad = bank.http.post(TRANSFERS, content=_transfers(1000, bad=0), headers=fresh).json()
    assert (only_bad["transactionStatus"], only_bad["tppMessages"][0]["code"]) == ("RJCT", "AC01")

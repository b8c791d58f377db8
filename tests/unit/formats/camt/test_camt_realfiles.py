"""Features seen in public bank files that the corpus does not cover, each on our own
small documents, read both ways (fast path and element way must agree):

* returns booked with the parties of the original transaction (German DK ``NRTI``
  returns, Swiss returns): the side the direction picks holds the account itself, so
  the counterparty is the other side;
* the SEPA creditor id given as an organisation id with scheme ``SEPA`` (ING);
* ``NOTPROVIDED`` as payment information id (GLS): no batch id.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bankbridge.errors import ParseError
from bankbridge.formats.camt import FORMAT, fast
from bankbridge.statements.model import ParseResult, Statement, StatementLine

OWN = "DE54123456784713474163"
OTHER = "DE24500105177398216438"
V02 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
V08 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"


def _doc(entries: str, *, ns: str = V02, own: str = OWN) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{ns}"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-02T08:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>S1</Id><Acct><Id><IBAN>{own}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        f"{entries}</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def _ntry(amount: str, sign: str, details: str, *, extra: str = "") -> str:
    return (
        f"<Ntry><Amt Ccy='EUR'>{amount}</Amt><CdtDbtInd>{sign}</CdtDbtInd><Sts>BOOK</Sts>"
        "<BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt>"
        f"<AcctSvcrRef>REF-{amount}</AcctSvcrRef>{extra}<NtryDtls>{details}</NtryDtls></Ntry>"
    )


def _parties(debtor: str, debtor_iban: str | None, creditor: str, creditor_iban: str | None) -> str:
    def account(iban: str | None, side: str) -> str:
        return f"<{side}Acct><Id><IBAN>{iban}</IBAN></Id></{side}Acct>" if iban else ""

    return (
        f"<RltdPties><Dbtr><Nm>{debtor}</Nm></Dbtr>{account(debtor_iban, 'Dbtr')}"
        f"<Cdtr><Nm>{creditor}</Nm></Cdtr>{account(creditor_iban, 'Cdtr')}</RltdPties>"
    )


def _both(data: bytes, monkeypatch: pytest.MonkeyPatch) -> Statement:
    """The single statement of ``data``, checked to be the same both ways."""
    quick: ParseResult = FORMAT.parse(data, source="t.xml")
    with monkeypatch.context() as patch:
        patch.setattr(fast, "ENABLED", False)
        slow: ParseResult = FORMAT.parse(data, source="t.xml")
    assert quick == slow
    (statement,) = quick.statements
    return statement


def _party(line: StatementLine) -> tuple[str | None, str | None, str | None]:
    return line.counterparty_name, line.counterparty_iban, line.counterparty_bic


def test_return_reported_with_original_parties_takes_the_other_side(monkeypatch: pytest.MonkeyPatch) -> None:
    # A returned outgoing transfer credited back (DK NRTI): the debtor is the account owner.
    tx = (
        "<TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
        "<AmtDtls><TxAmt><Amt Ccy='EUR'>1.12</Amt></TxAmt></AmtDtls>"
        + _parties("Account Owner", OWN, "Gone Creditor", OTHER)
        + "<RltdAgts><DbtrAgt><FinInstnId><BIC>GENODEM1GLS</BIC></FinInstnId></DbtrAgt>"
        "<CdtrAgt><FinInstnId><BIC>INGDDEFFXXX</BIC></FinInstnId></CdtrAgt></RltdAgts>"
        "<RtrInf><Rsn><Cd>AC01</Cd></Rsn></RtrInf></TxDtls>"
    )
    (line,) = _both(_doc(_ntry("1.12", "CRDT", tx)), monkeypatch).lines
    assert line.amount == Decimal("1.12")
    assert _party(line) == ("Gone Creditor", OTHER, "INGDDEFFXXX")
    assert line.return_reason == "AC01" and line.end_to_end_id is None
    extra = dict(line.extra)
    assert extra["Dbtr"] == "Account Owner" and extra["DbtrAcct"] == OWN
    assert "Cdtr" not in extra and "CdtrAcct" not in extra


def test_own_account_is_compared_without_spaces_or_case(monkeypatch: pytest.MonkeyPatch) -> None:
    spaced = "de54 1234 5678 4713 4741 63"
    tx = "<TxDtls>" + _parties("Payer Ltd", OTHER, "Us", spaced) + "</TxDtls>"
    (line,) = _both(_doc(_ntry("5.00", "DBIT", tx)), monkeypatch).lines
    assert _party(line) == ("Payer Ltd", OTHER, None)


def test_usual_entries_keep_the_side_their_direction_names(monkeypatch: pytest.MonkeyPatch) -> None:
    credit = "<TxDtls>" + _parties("Payer", OTHER, "Us", OWN) + "</TxDtls>"
    debit = "<TxDtls>" + _parties("Us", OWN, "Payee", OTHER) + "</TxDtls>"
    lonely = (
        "<TxDtls>"
        + "<RltdPties><Dbtr><Nm>Us</Nm></Dbtr><DbtrAcct><Id><IBAN>"
        + OWN
        + "</IBAN></Id></DbtrAcct></RltdPties></TxDtls>"
    )
    lines = _both(
        _doc(_ntry("1.00", "CRDT", credit) + _ntry("2.00", "DBIT", debit) + _ntry("3.00", "CRDT", lonely)), monkeypatch
    ).lines
    assert _party(lines[0]) == ("Payer", OTHER, None)
    assert _party(lines[1]) == ("Payee", OTHER, None)
    # nothing names another party: the line stays as the file says
    assert _party(lines[2]) == ("Us", OWN, None)


def test_batch_item_with_the_own_account_takes_the_other_side(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = (
        "<TxDtls><Amt Ccy='EUR'>4.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
        + _parties("Payer One", "NL91ABNA0417164300", "Us", OWN)
        + "</TxDtls>"
    )
    returned = (
        "<TxDtls><Amt Ccy='EUR'>6.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
        + _parties("Us", OWN, "Payee Two", OTHER)
        + "<RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf></TxDtls>"
    )
    (line,) = _both(_doc(_ntry("10.00", "CRDT", plain + returned)), monkeypatch).lines
    first, second = line.items
    assert _party(first) == ("Payer One", "NL91ABNA0417164300", None)
    assert _party(second) == ("Payee Two", OTHER, None)
    assert dict(second.extra)["DbtrAcct"] == OWN


@pytest.mark.parametrize(
    ("ns", "party", "scheme", "expected"),
    [
        (
            V02,
            "<Cdtr><Nm>Club</Nm><Id><OrgId><Othr><Id>NL11ZZZ111123333111</Id><SchmeNm><Cd>SEPA</Cd></SchmeNm>"
            "</Othr></OrgId></Id></Cdtr>",
            "Cd",
            "NL11ZZZ111123333111",
        ),
        (
            V08,
            "<Cdtr><Pty><Nm>Club</Nm><Id><OrgId><Othr><Id>DE98ZZZ09999999999</Id><SchmeNm><Prtry>sepa</Prtry>"
            "</SchmeNm></Othr></OrgId></Id></Pty></Cdtr>",
            "Prtry",
            "DE98ZZZ09999999999",
        ),
        (
            V02,
            "<Cdtr><Nm>Club</Nm><Id><OrgId><Othr><Id>12345678</Id><SchmeNm><Cd>COID</Cd></SchmeNm>"
            "</Othr></OrgId></Id></Cdtr>",
            "Cd",
            None,
        ),
        (V02, "<Cdtr><Nm>Club</Nm><Id><OrgId><Othr><Id>12345678</Id></Othr></OrgId></Id></Cdtr>", "-", None),
    ],
)
def test_creditor_id_given_as_organisation_id_with_sepa_scheme(
    ns: str, party: str, scheme: str, expected: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    tx = (
        "<TxDtls><Refs><EndToEndId>E2E-1</EndToEndId><MndtId>M-1</MndtId></Refs>"
        f"<RltdPties>{party}<CdtrAcct><Id><IBAN>NL20INGB0001234567</IBAN></Id></CdtrAcct></RltdPties></TxDtls>"
    )
    (line,) = _both(_doc(_ntry("30.00", "DBIT", tx), ns=ns), monkeypatch).lines
    assert line.creditor_id == expected, scheme
    assert line.counterparty_name == "Club" and line.mandate_id == "M-1"


def test_not_provided_payment_information_id_is_no_batch_id(monkeypatch: pytest.MonkeyPatch) -> None:
    single = "<TxDtls><Refs><PmtInfId>NOTPROVIDED</PmtInfId><TxId>T1</TxId></Refs></TxDtls>"
    batch = (
        "<Btch><PmtInfId>not provided</PmtInfId><NbOfTxs>2</NbOfTxs></Btch>"
        "<TxDtls><Refs><PmtInfId>NOTPROVIDED</PmtInfId></Refs>"
        "<Amt Ccy='EUR'>1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls>"
        "<TxDtls><Refs><PmtInfId>PMT-7</PmtInfId></Refs><Amt Ccy='EUR'>2.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls>"
    )
    kept = "<TxDtls><Refs><PmtInfId>PMT-9</PmtInfId></Refs></TxDtls>"
    lines = _both(
        _doc(_ntry("2.00", "DBIT", single) + _ntry("3.00", "DBIT", batch) + _ntry("4.00", "DBIT", kept)), monkeypatch
    ).lines
    assert lines[0].batch_id is None and dict(lines[0].extra)["TxId"] == "T1"
    assert lines[1].batch_id is None and lines[1].batch_count == 2
    assert [item.batch_id for item in lines[1].items] == [None, "PMT-7"]
    assert lines[2].batch_id == "PMT-9"


def test_document_inside_an_envelope_with_an_application_header(monkeypatch: pytest.MonkeyPatch) -> None:
    # SWIFT MX style: <Envelope><AppHdr …/><Document …>…</Document></Envelope>
    document = _doc(_ntry("5.00", "CRDT", "<TxDtls>" + _parties("Payer", OTHER, "Us", OWN) + "</TxDtls>"), ns=V08)
    body = document.decode().split("?>", 1)[1]
    header = (
        '<AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02"><BizMsgIdr>B1</BizMsgIdr>'
        "<MsgDefIdr>camt.053.001.08</MsgDefIdr><CreDt>2026-03-02T08:00:00Z</CreDt></AppHdr>"
    )
    data = f'<?xml version="1.0" encoding="UTF-8"?><BizMsgEnvlp>{header}{body}</BizMsgEnvlp>'.encode()
    statement = _both(data, monkeypatch)
    assert statement.format == "camt053" and statement.account == OWN
    assert statement.source is not None and statement.source.path == "BizMsgEnvlp/Document/BkToCstmrStmt/Stmt[1]"
    (line,) = statement.lines
    assert _party(line) == ("Payer", OTHER, None)
    wrong = f'<?xml version="1.0" encoding="UTF-8"?><BizMsgEnvlp>{header}</BizMsgEnvlp>'.encode()
    with pytest.raises(ParseError, match="holds no CAMT"):
        FORMAT.parse(wrong, source="t.xml")

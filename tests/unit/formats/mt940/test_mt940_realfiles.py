"""Features of real bank files (and bank-published samples) that the corpus did not cover.

Each test uses its own synthesised input that reproduces the feature: the bank files
themselves stay out of the project.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from bankbridge.errors import ParseError
from bankbridge.formats.mt940 import FORMAT
from bankbridge.formats.mt940.format import file_blocks, text_block
from bankbridge.formats.mt940.reader import Reader
from bankbridge.statements.model import ParseResult, Statement

D = Decimal


def parse(text: str) -> ParseResult:
    return FORMAT.parse(text.replace("\n", "\r\n").encode("utf-8"), source="real.sta")


def _read(text: str, *, fast: bool) -> object:
    reader = Reader(source="x.sta", fast=fast)
    try:
        statements = list(reader.read((text_block(text),)))
    except ParseError as error:
        return ("error", str(error), error.line, error.field)
    return statements, reader.diagnostics


def _same_both_ways(text: str) -> None:
    assert _read(text, fast=True) == _read(text, fast=False)


def _only(result: ParseResult) -> Statement:
    (statement,) = result.statements
    return statement


ABN_HEAD = "ABNANL2A\n940\nABNANL2A\n:20:ABN AMRO BANK NV\n:25:987654321\n:28:00042/1\n"


def test_lower_case_debit_mark_is_a_debit() -> None:
    """ABN AMRO's published MT940 sample has ``:61:…0514d1,01N946``: a lower-case mark."""
    text = (
        ABN_HEAD + ":60F:C240510EUR100,00\n"
        ":61:2405120514d1,01N946NONREF\n"
        ":86:/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NA\n"
        "ME/Voorbeeld BV/REMI/test/EREF/NOTPROVIDED\n"
        ":61:2405120514c2,50N654NONREF\n"
        ":86:/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/NAME/X/REMI/y\n"
        ":62F:C240514EUR101,49\n-\n"
    )
    result = parse(text)
    statement = _only(result)
    assert [line.amount for line in statement.lines] == [D("-1.01"), D("2.50")]
    assert statement.lines[0].counterparty_name == "Voorbeeld BV"
    assert not [d for d in result.diagnostics if d.code == "balance_mismatch"]
    _same_both_ways(text)


def test_abnamro_rtyp_and_pind_are_code_words() -> None:
    """ABN AMRO documents ``/RTYP/`` (type of an R-transaction) and ``/PIND/``
    (BRUTO/NETTO batch booking) as code words of its SEPA ``:86:``."""
    text = (
        ABN_HEAD + ":60F:C240510EUR100,00\n"
        ":61:2405120512D0,05N245NONREF\n"
        ":86:/RTYP/SEPA Incasso Terugboeking/MARF/MANDAAT-7/RTRN/\n"
        "AC01/IBAN/ NL91ABNA0417164300/NAME/Debiteur Jans\n"
        "en BV/REMI/Nota 12 mei/EREF/E2E-20240512-1\n"
        ":61:2405120512C0,10N249NONREF\n"
        ":86:/TRTP/SEPA Incasso batch/PREF/BATCH-77/NRTX/3\n"
        "/PIND/BRUTO\n"
        ":62F:C240512EUR100,05\n"
    )
    statement = _only(parse(text))
    first, second = statement.lines
    assert first.mandate_id == "MANDAAT-7"
    assert first.return_reason == "AC01"
    assert first.counterparty_iban == "NL91ABNA0417164300"
    assert first.counterparty_name == "Debiteur Jansen BV"
    assert first.description == "Nota 12 mei"
    assert first.end_to_end_id == "E2E-20240512-1"
    assert ("RTYP", "SEPA Incasso Terugboeking") in first.extra
    assert second.batch_id == "BATCH-77"
    assert second.batch_count == 3
    assert ("PIND", "BRUTO") in second.extra
    _same_both_ways(text)


def test_abnamro_issuer_and_ref_in_remi_are_the_payment_reference() -> None:
    """ABN AMRO writes a SEPA structured reference into ``/REMI/`` as
    ``Issuer: CUR Ref: <reference>`` (ISO for an RF creditor reference)."""
    text = (
        ABN_HEAD + ":60F:C240510EUR100,00\n"
        ":61:2405120514D1,01N946NONREF\n"
        ":86:/TRTP/SEPA ACCEPTGIRO/IBAN/NL91ABNA0417164300/BIC/ABNANL2A\n"
        "/NAME/Naam/REMI/Issuer: CUR Ref: 1234567812345678/EREF/NOTPROVIDE\n"
        "D\n"
        ":61:2405120514D2,00N658NONREF\n"
        ":86:/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/NAME/Naam/REMI/\n"
        "ISSUER: ISO                            REF: RF18539007547034/EREF/\n"
        "E1\n"
        ":62F:C240514EUR96,99\n"
    )
    first, second = _only(parse(text)).lines
    assert (first.payment_reference, first.payment_reference_type) == ("1234567812345678", "CUR")
    assert first.end_to_end_id is None  # NOTPROVIDED
    assert (second.payment_reference, second.payment_reference_type) == ("RF18539007547034", "ISO")
    assert second.end_to_end_id == "E1"


def test_abnamro_remi_without_structured_reference_keeps_none() -> None:
    text = (
        ABN_HEAD + ":60F:C240510EUR100,00\n"
        ":61:2405120514D1,00N658NONREF\n"
        ":86:/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/NAME/Naam/REMI/\n"
        "Ref: onze factuur 12/EREF/E1\n"
        ":62F:C240514EUR99,00\n"
    )
    (line,) = _only(parse(text)).lines
    assert line.payment_reference is None
    assert line.description == "Ref: onze factuur 12"


ING_HEAD = "0000 01INGBNL2AXXXX00001\n0000 01INGBNL2AXXXX00001\n940 00\n:20:ING\n:25:NL20INGB0001234567EUR\n:28C:1\n"


def test_ing_unstructured_head_with_iban_and_bic() -> None:
    """ING's unstructured SEPA layout starts the ``:86:`` with the counter IBAN and BIC
    (after a return reason code for returns); made-up IBANs in ING's own samples fail
    the IBAN checksum, the BIC of the bank the IBAN names tells they are the account."""
    text = (
        ING_HEAD + ":60F:C240104EUR0,00\n"
        ":61:240104D0,02NNOVEREF\n"
        ":86:NL20INGB0002222222 INGBNL2A Crediteur Een E2E-REF-1 Omschrijving\n"
        ":61:240104C0,02NNOVEREF\n"
        ":86:AC04 NL20INGB0002222222 INGBNL2A Crediteur Een E2E-REF-1 Omschr\n"
        "ijving\n"
        ":62F:C240104EUR0,00\n"
        "-XXX\n"
    )
    first, second = _only(parse(text)).lines
    assert (first.counterparty_iban, first.counterparty_bic) == ("NL20INGB0002222222", "INGBNL2A")
    assert first.description == "Crediteur Een E2E-REF-1 Omschrijving"
    assert (second.counterparty_iban, second.counterparty_bic) == ("NL20INGB0002222222", "INGBNL2A")
    assert second.return_reason == "AC04"
    assert second.description is not None and second.description.startswith("Crediteur Een")
    _same_both_ways(text)


def test_ing_free_text_with_an_iban_shaped_word_is_not_an_account() -> None:
    """An IBAN-shaped word with a bad checksum and no BIC of its bank stays text."""
    text = (
        ING_HEAD + ":60F:C240104EUR0,00\n"
        ":61:240104D0,02NNOVNONREF\n"
        ":86:NL20INGB0002222222 JANSSENS Omschrijving\n"
        ":62F:D240104EUR0,02\n"
    )
    (line,) = _only(parse(text)).lines
    assert line.counterparty_iban is None
    assert line.counterparty_bic is None
    assert line.return_reason is None
    assert line.description == "NL20INGB0002222222 JANSSENS Omschrijving"


AT_FILE = (
    "@@:20:STARTUMS@@:25:12030000/1234567890@@:28C:0@@:60F:C240301EUR100,00"
    "@@:61:2403010301DR10,00NMSCNONREF@@:86:177?00SEPA-UEBERWEISUNG?20SVWZ+Miete Maerz"
    "@@?32Max Mustermann@@:62F:C240301EUR90,00@@-"
)


def test_at_at_line_separators() -> None:
    """Some German HBCI/FinTS MT940 exports separate lines with ``@@`` instead of line ends."""
    assert FORMAT.sniff(AT_FILE.encode("latin-1"))
    result = FORMAT.parse(AT_FILE.encode("latin-1"), source="umsatz.sta")
    statement = _only(result)
    assert statement.account == "12030000/1234567890"
    (line,) = statement.lines
    assert line.amount == D("-10.00")
    assert line.counterparty_name == "Max Mustermann"
    assert line.description == "Miete Maerz"
    assert not [d for d in result.diagnostics if d.code == "balance_mismatch"]
    _same_both_ways(AT_FILE)


def test_at_at_line_separators_when_streamed(tmp_path: Path) -> None:
    path = tmp_path / "umsatz.sta"
    path.write_bytes(AT_FILE.encode("latin-1"))
    (statement,) = FORMAT.iter_file(path)
    assert [line.amount for line in statement.lines] == [D("-10.00")]
    assert "".join(file_blocks(path)).startswith("\n:20:STARTUMS\n:25:")


def test_at_signs_in_a_normal_file_are_text() -> None:
    text = (
        ":20:X\n:25:NL91ABNA0417164300\n:28C:1\n:60F:C240301EUR100,00\n"
        ":61:2403010301D10,00NTRFNONREF\n:86:mail info@@example.nl\n:62F:C240301EUR90,00\n"
    )
    (line,) = _only(parse(text)).lines
    assert line.description == "mail info@@example.nl"


def test_abnamro_card_payment_in_the_newer_column_layout() -> None:
    """ABN AMRO card payments since about 2019: ``BEA, <wallet or card>`` then the
    merchant with ``,PAS<nnn>`` in columns, the terminal and time on the next part."""
    text = (
        ":20:ABN AMRO BANK NV\n:25:987654321\n:28C:26\n:60F:C240826EUR100,00\n"
        ":61:2408270827D18,40N426NONREF\n"
        ":86:BEA, Apple Pay                   CCV*Bakkerij Voorbeeld,PAS012    NR:CT\n"
        "123456, 27.08.24/11:36      Utrecht\n"
        ":61:2408270827D50,00N426NONREF\n"
        ":86:GEA, Betaalpas                   Geldmaat Stationsplein,PAS012    NR:\n"
        "GM1234, 27.08.24/12:00      Utrecht\n"
        ":62F:C240827EUR31,60\n"
    )
    card, cash = _only(parse(text)).lines
    assert card.counterparty_name == "CCV*Bakkerij Voorbeeld"
    assert card.description is not None and card.description.startswith("BEA, Apple Pay CCV*Bakkerij")
    assert cash.counterparty_name == "Geldmaat Stationsplein"
    _same_both_ways(text)


def _asn(detail: list[str], *, mark: str = "D", amount: str = "61,80") -> str:
    lines = "\n".join(detail)
    closing = "C240108EUR938,20" if mark == "D" else "C240108EUR1061,80"
    return (
        "{1:F01ASNBNL21XXXX0000000000}{2:O940ASNBNL21XXXXN}{3:}{4:\n"
        ":20:0000000000\n:25:NL81ASNB9999999999\n:28C:8/1\n:60F:C240108EUR1000,00\n"
        f":61:2401080108{mark}{amount}NINCNL91ABNA0417164300\nvoorbeeld tankpas bv\n"
        f":86:{lines}\n:62F:{closing}\n-}}{{5:}}\n"
    )


def test_asn_code_words_after_the_counterparty_lines() -> None:
    """ASN Bank (SNS/RegioBank) put the originating bank's SEPA code words on the
    ``:86:`` lines after the counter account line, 65 characters wide and wrapped
    inside words."""
    structured = (
        "/TRTP/Zakelijke Europese Incasso/CSID/NL36ZZZ340698640000/NAME/VO"
        "ORBEELD TANKPAS BV/MARF/MND-4711/REMI/Klantnummer 1755481/Factuu"
        "rnr.79-2024/Inzake geleverde diensten/IBAN/NL91ABNA0417164300/BI"
        "C/ABNANL2A/EREF/E2E-1755481"
    )
    assert all(len(structured[i : i + 65]) == 65 for i in range(0, 195, 65))
    pad = " " * 65
    detail = [
        "NL91ABNA0417164300 voorbeeld tankpas bv",
        pad,
        *(structured[i : i + 65] for i in range(0, len(structured), 65)),
    ]
    detail[-1] = detail[-1].ljust(65)
    text = _asn(detail)
    (line,) = _only(parse(text)).lines
    assert line.counterparty_iban == "NL91ABNA0417164300"
    assert line.counterparty_bic == "ABNANL2A"
    assert line.counterparty_name == "voorbeeld tankpas bv"
    assert line.mandate_id == "MND-4711"
    assert line.creditor_id == "NL36ZZZ340698640000"
    assert line.end_to_end_id == "E2E-1755481"
    assert line.description == "Klantnummer 1755481/Factuurnr.79-2024/Inzake geleverde diensten"
    _same_both_ways(text)


def test_asn_free_text_wrapped_inside_a_word_is_joined() -> None:
    """A full 65-character line was wrapped inside a word; a padded or shorter line
    ended where its text did."""
    first = "Europese incasso door:VOORBEELD NV-Klantnummer 0042 BTW 0,77-I"
    first = first + "n" * (65 - len(first))
    text = _asn(
        [
            "NL91ABNA0417164300 voorbeeld tankpas bv",
            " " * 65,
            first,
            "cassant ID: NL84ZZZ050695810000-Kenmerk Machtiging: MND-1".ljust(65),
            "tweede regel",
        ]
    )
    (line,) = _only(parse(text)).lines
    assert line.description == (first + "cassant ID: NL84ZZZ050695810000-Kenmerk Machtiging: MND-1 tweede regel")
    _same_both_ways(text)


def test_ing_free_text_is_wrapped_hard_at_65_characters() -> None:
    """ING's unstructured ``:86:`` breaks lines at exactly 65 characters, inside words
    (``INGBNL2`` / ``A``, ``NOTPR`` / ``OVIDED``); a shorter line ended with its text."""
    first = "Zakelijke Europese Incasso, doorlopend NL91ABNA0417164300 ABNANL2"
    second = "A Voorbeeld Energie NL84ZZZ110222333000 SEPA MANDAAT-1 Termijn ja"
    assert len(first) == len(second) == 65
    text = (
        ING_HEAD + ":60F:C240104EUR100,00\n"
        ":61:240104D0,13NIC MARF\n"
        f":86:{first}\n{second}\nnuari 2024\n"
        ":61:240104C0,01NGT NONREF\n"
        ":86:0001234567 Voorbeeld BV\nAMSTERDAM\n"
        ":62F:C240104EUR99,88\n"
    )
    debit, credit = _only(parse(text)).lines
    assert debit.description == (
        "Zakelijke Europese Incasso, doorlopend NL91ABNA0417164300 ABNANL2A Voorbeeld Energie"
        " NL84ZZZ110222333000 SEPA MANDAAT-1 Termijn januari 2024"
    )
    assert credit.counterparty_iban == "0001234567"
    assert credit.description == "Voorbeeld BV AMSTERDAM"
    _same_both_ways(text)


def test_german_gvc_999_is_followed_by_unstructured_text() -> None:
    """DFÜ-Abkommen: business transaction code 999 means the rest of the ``:86:`` is
    unstructured text without ``?NN`` sub-fields (Sparkassen, solarisBank-based banks)."""
    text = (
        ":20:STARTUMSE\n:25:12030000/1234567890\n:28C:00000/001\n:60F:C240302EUR100,00\n"
        ":61:2403050305CR10,00N062NONREF\n:86:999PN5477SCHECK-NR. 0000016703074\n"
        ":61:2403050305DR5,00NMSCNONREF\n:86:999SEPA_CREDIT_TRANSFER:Miete Maerz:Max Muster\n"
        "mann:DE02120300000000202051\n"
        ":62F:C240305EUR105,00\n"
    )
    cheque, transfer = _only(parse(text)).lines
    assert cheque.description == "PN5477SCHECK-NR. 0000016703074"
    assert ("GVC", "999") in cheque.extra
    assert transfer.description is not None
    assert transfer.description.startswith("SEPA_CREDIT_TRANSFER:Miete Maerz:Max Muster")
    _same_both_ways(text)

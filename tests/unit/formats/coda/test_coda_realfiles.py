"""Features seen in public CODA files that the corpus does not cover, on our own
synthesised records: the SEPA filler ``NOTPROVIDED`` as customer reference (record 2.2,
positions 64-98) is no end-to-end id (ING Belgium writes ``NOTPROVIDED`` and
``NOT PROVIDED``)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bankbridge.formats.coda import FORMAT


def _record(*parts: tuple[int, str]) -> str:
    """A 128-character record with each ``(position, text)`` written at its 1-based position."""
    line = [" "] * 128
    for start, value in parts:
        line[start - 1 : start - 1 + len(value)] = value
    return "".join(line)


def _file(reference: str) -> bytes:
    iban = "BE68539007547034"
    records = [
        _record((1, "00000"), (6, "020326"), (12, "300"), (15, "05"), (128, "2")),
        _record((1, "12001"), (6, iban), (40, "EUR"), (43, "0"), (44, "000000001000000"), (59, "010326"), (126, "001")),
        _record(
            (1, "2100010000"),
            (11, "REF0001"),
            (32, "1"),
            (33, "000000000012500"),
            (48, "020326"),
            (54, "00101000"),
            (62, "0"),
            (63, "Invoice 12"),
            (116, "020326"),
            (122, "001"),
            (126, "1"),
            (128, "0"),
        ),
        _record((1, "2200010000"), (64, reference), (99, "GEBABEBB"), (126, "1"), (128, "0")),
        _record((1, "2300010000"), (11, "BE82210000088968"), (48, "PAYEE NV"), (126, "0"), (128, "0")),
        _record((1, "8001"), (5, iban), (39, "EUR"), (42, "0"), (43, "000000000987500"), (58, "020326"), (128, "0")),
        _record((1, "9"), (17, "000005"), (23, "000000000012500"), (38, "000000000000000"), (128, "2")),
    ]
    return ("\r\n".join(records) + "\r\n").encode("ascii")


@pytest.mark.parametrize("filler", ["NOTPROVIDED", "NOT PROVIDED", "notprovided"])
def test_not_provided_customer_reference_is_no_end_to_end_id(filler: str) -> None:
    result = FORMAT.parse(_file(filler), source="t.cod")
    (statement,) = result.statements
    (line,) = statement.lines
    assert line.amount == Decimal("-12.50")
    assert line.end_to_end_id is None and line.customer_reference is None
    assert (line.counterparty_iban, line.counterparty_bic, line.counterparty_name) == (
        "BE82210000088968",
        "GEBABEBB",
        "PAYEE NV",
    )
    assert not [d for d in result.diagnostics if d.code in ("balance_mismatch", "trailer_mismatch")]


def test_a_real_customer_reference_stays() -> None:
    (statement,) = FORMAT.parse(_file("202301251124423353ISABEL"), source="t.cod").statements
    (line,) = statement.lines
    assert line.end_to_end_id == line.customer_reference == "202301251124423353ISABEL"

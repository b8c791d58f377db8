"""Conformance with standards §3.1–3.5 on small files written from its description."""

from __future__ import annotations

from bankbridge.formats.mt940 import FORMAT
from bankbridge.formats.mt940.reader import Reader
from bankbridge.statements.model import StatementLine


def _lines(text: str) -> tuple[StatementLine, ...]:
    """The lines of ``text``, read the fast way and line by line (both must agree)."""
    (statement,) = FORMAT.parse(text.encode(), source="t.sta").statements
    (slow,) = Reader(source="t.sta", fast=False).statements(text.splitlines())
    assert slow.lines == statement.lines
    return statement.lines


ABN_ACCEPTGIRO = """\
ABNANL2A
940
ABNANL2A
:20:ABN AMRO BANK NV
:25:NL02ABNA0123456789
:28:00001/1
:60F:C250101EUR1000,00
:61:2501020102D12,95N658NONREF
:86:/TRTP/SEPA ACCEPTGIROBETALING/IBAN/NL44RABO0123456789/BIC/RABON
L2U/NAME/BELASTINGDIENST/REMI/BETALINGSKENM.: 1234567890123456/
EREF/NOTPROVIDED
:62F:C250102EUR987,05
-
"""


def test_abnamro_structured_betalingskenmerk_is_the_payment_reference() -> None:
    # §5.1: ABN AMRO gives the structured reference as "BETALINGSKENM.:" text
    (line,) = _lines(ABN_ACCEPTGIRO)
    assert (line.payment_reference, line.payment_reference_type) == ("1234567890123456", "CUR")
    assert line.counterparty_name == "BELASTINGDIENST"
    assert line.end_to_end_id is None


RABO_OLD = """\
:940:
:20:940A110701
:25:0123456789EUR
:28C:00000
:60F:C110630EUR000000001000,00
:61:110701D000000000010,00N1020733959555
J.H.M. JANSEN
:86:FACTUUR 98
:61:110701D000000000010,00N102P000029225
GIRO BV
:86:FACTUUR 99
:61:110701C000000000040,00N1220733959555        J.H.M. JANSEN
:86:FACTUUR 97
:62F:C110701EUR000000001020,00
"""


def test_old_rabobank_name_on_the_supplementary_line() -> None:
    # §3.4: old Rabobank files put counter account and name in the :61: supplementary part,
    # which SWIFT writes on a new line
    first, second, third = _lines(RABO_OLD)
    assert (first.counterparty_iban, first.counterparty_name) == ("733959555", "J.H.M. JANSEN")
    assert (second.counterparty_iban, second.counterparty_name) == ("29225", "GIRO BV")
    assert (third.counterparty_iban, third.counterparty_name) == ("733959555", "J.H.M. JANSEN")


TWO_BANKS = """\
{1:F01ABNANL2AAXXX0000000000}{2:I940ABNANL2AXXXXN}{4:
:20:ABN AMRO BANK NV
:25:NL02ABNA0123456789
:28C:00001/1
:60F:C250101EUR1000,00
:62F:C250102EUR1000,00
-}
{1:F01INGBNL2AAXXX0000000000}{2:I940INGBNL2AXXXXN}{4:
:20:P250102000000001
:25:NL69INGB0123456789EUR
:28C:00000
:60F:C250101EUR662,23
:61:2501020102C1,56NTRFEREF//00000000001005/TRCD/00100/
:86:/EREF/INV-1//CNTP/NL91ABNA0417164300/ABNANL2A/J. Jansen///REMI/USTD//Factuur 1/
:62F:C250102EUR663,79
-}
"""


def test_each_swift_message_is_read_in_the_dialect_of_its_own_header() -> None:
    # §3.1: a file holds many statements; each SWIFT message names its bank in block 1
    first, second = FORMAT.parse(TWO_BANKS.encode(), source="t.sta").statements
    assert (first.dialect, second.dialect) == ("abnamro", "ing")
    assert ("TRCD", "00100") in second.lines[0].extra


ING_BATCH = """\
{1:F01INGBNL2ABXXX0000000000}{2:I940INGBNL2AXXXN}{4:
:20:P250102000000001
:25:NL20INGB0001234567EUR
:28C:1
:60F:C250101EUR1000,00
:61:250102D250,00NTRFPREF//02-01-2025 10:00 1234567890123456
/TRCD/00200/
:86:/PREF/PMT-2025-001//REMI/USTD//TOTAAL 3 VZ/
:61:250102C600,00NTRFPREF//02-01-2025 10:00 1234567890123457
/TRCD/00200/
:86:/PREF/DD-2025-001//CSID/NL98ZZZ999999999999//REMI/USTD//TOTAAL 12 POSTEN/
:62F:C250102EUR1350,00
-}
"""


def test_ing_batch_booking_counts_its_items() -> None:
    # §3: ING batch bookings say how many items they hold: "TOTAAL n VZ" / "TOTAAL n POSTEN"
    first, second = _lines(ING_BATCH)
    assert (first.batch_id, first.batch_count) == ("PMT-2025-001", 3)
    assert (second.batch_id, second.batch_count) == ("DD-2025-001", 12)

"""Facts the corpus EXPECTED.md files list as "Asserted by source" for the Dutch banks
(Rabobank, ING, ABN AMRO, Moneyou, Triodos, SNS, ASN, Knab, bunq, Van Lanschot, Mollie).

Where a source project reports a number in its own convention (an account number
without leading zeros where the file has an IBAN, a statement "number" taken from the
opening date), the test says how our field relates to it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from bankbridge.statements.model import Statement
from bankbridge.statements.record import statement_record

Statements = Callable[[str], tuple[Statement, ...]]
D = Decimal


def lines_of(statements: tuple[Statement, ...]) -> list:  # type: ignore[type-arg]
    return [line for statement in statements for line in statement.lines]


def opening(statement: Statement) -> tuple[date, Decimal]:
    assert statement.opening_balance is not None
    return statement.opening_balance.date, statement.opening_balance.amount


def closing(statement: Statement) -> tuple[date, Decimal]:
    assert statement.closing_balance is not None
    return statement.closing_balance.date, statement.closing_balance.amount


# --- zilverline-mt940 -------------------------------------------------------------------


def test_zilverline_abnamro(statements: Statements) -> None:
    st = statements("zilverline-mt940/abn_abnamro.txt")
    assert len(lines_of(st)) == 10
    assert opening(st[0]) == (date(2011, 5, 22), D("3236.28"))
    assert closing(st[-1]) == (date(2011, 5, 24), D("1849.75"))
    first = st[0].lines[0]
    assert (first.amount, first.value_date) == (D("-9.00"), date(2011, 5, 24))
    assert {s.dialect for s in st} == {"abnamro"}


def test_zilverline_abnamro_structured(statements: Statements) -> None:
    st = statements("zilverline-mt940/abn_abnamro_structured.txt")
    assert len(lines_of(st)) == 10
    assert opening(st[0]) == (date(2014, 1, 12), D("10000.90"))
    assert closing(st[-1]) == (date(2014, 1, 27), D("3976.90"))
    sepa = [ln for ln in lines_of(st) if ln.extra and ("TRTP", "SEPA OVERBOEKING") in ln.extra]
    assert [(ln.amount, ln.value_date) for ln in sepa] == [(D("-10.00"), date(2014, 1, 13))]
    assert sepa[0].counterparty_iban == "NL25ABNA0987654321"
    assert (sepa[0].counterparty_bic, sepa[0].counterparty_name) == ("ABNANL2A", "FOOBAR")
    on_26th = [ln.amount for ln in lines_of(st) if ln.value_date == date(2014, 1, 26)]
    assert D("4.00") in on_26th and D("-1000.00") in on_26th
    ideal = st[1].lines[0]
    assert ideal.counterparty_iban == "NL70ABNA0888888888"
    assert ideal.end_to_end_id == "26-01-2014 18:14 003000 0735822580"
    giro = st[1].lines[2]
    assert (giro.payment_reference, giro.payment_reference_type) == ("1234567890098876", "CUR")
    assert giro.counterparty_name == "BELASTINGDIENST"


def test_zilverline_moneyou(statements: Statements) -> None:
    (st,) = statements("zilverline-mt940/abn_moneyou.txt")
    assert len(st.lines) == 2
    assert opening(st) == (date(2018, 12, 31), D("43119.71"))
    assert closing(st) == (date(2019, 3, 29), D("43131.47"))
    assert (st.lines[0].amount, st.lines[0].value_date) == (D("6.44"), date(2019, 1, 1))
    assert st.lines[0].booking_date == date(2018, 12, 31)  # entry date across new year


def test_zilverline_ing_old(statements: Statements) -> None:
    (st,) = statements("zilverline-mt940/ing.txt")
    assert st.dialect == "ing"
    assert len(st.lines) == 6
    assert opening(st) == (date(2010, 7, 22), D("0.00"))
    assert closing(st) == (date(2010, 7, 23), D("3.47"))
    assert (st.lines[0].amount, st.lines[0].value_date) == (D("-25.03"), date(2010, 7, 22))
    assert st.information == "D000004C000002D25,24C28,71"


def test_zilverline_ing_structured(statements: Statements) -> None:
    (st,) = statements("zilverline-mt940/ing_structured.txt")
    assert len(st.lines) == 7
    assert opening(st) == (date(2013, 6, 30), D("500.00"))
    assert closing(st) == (date(2013, 10, 1), D("400.00"))
    on_first = [ln.amount for ln in st.lines if ln.value_date == date(2013, 7, 1)]
    assert D("300.00") in on_first and D("-400.00") in on_first
    tax = st.lines[4]
    assert (tax.counterparty_iban, tax.counterparty_bic) == ("NL86INGB0002445588", "INGBNL2A")
    assert tax.payment_reference == "8850426741301240"
    assert [b.kind for b in st.other_balances] == ["64", "65"]


def test_zilverline_ing_sepa(statements: Statements) -> None:
    (st,) = statements("zilverline-mt940/ing_unstructured_remi.txt")
    assert len(st.lines) == 2
    assert st.lines[0].description is not None
    assert st.lines[0].description.startswith("Bedrijf Die.Foobar123 AA VBBBBB NLD 13-03-2015 09:47")
    assert ("TRCD", "02000") in st.lines[0].extra
    assert st.information == "/SUM/18/1/4445,32/9998,43/"
    (st,) = statements("zilverline-mt940/ing_cntp_without_description.txt")
    assert len(st.lines) == 1
    assert st.lines[0].description is None
    (st,) = statements("zilverline-mt940/ing_ing_references.txt")
    line = st.lines[0]
    assert st.account == "NL62INGB0001212121"  # currency stripped from :25:
    assert line.bank_reference == "45674567456745"
    assert (line.payment_reference, line.payment_reference_type) == ("1234123412341234", "CUR")
    assert (line.counterparty_iban, line.counterparty_name) == ("NL86INGB0002445588", "BELASTINGDIENST")


def test_zilverline_knab(statements: Statements) -> None:
    for name in ("knab_knab.txt", "knab_knab_with_iban.txt"):
        st = statements(f"zilverline-mt940/{name}")
        assert len(st) == 1 and len(st[0].lines) == 2
        assert opening(st[0]) == (date(2014, 10, 24), D("0.00"))
        assert closing(st[0]) == (date(2014, 10, 27), D("1010.00"))
        first = st[0].lines[0]
        assert (first.amount, first.value_date) == (D("1000.00"), date(2014, 10, 24))
        assert first.counterparty_iban == "NL26ABNA0999999999"
        assert first.counterparty_name == "BEDRIJF VOF"
    assert statements("zilverline-mt940/knab_knab.txt")[0].account == "123456789"
    # the same account 123456789, given as IBAN (with spaces in :25:)
    assert statements("zilverline-mt940/knab_knab_with_iban.txt")[0].account == "NL92KNAB0123456789"
    (new_year,) = statements("zilverline-mt940/knab_knab_date_and_accounting_date_different_year.txt")
    assert (new_year.lines[0].value_date, new_year.lines[0].booking_date) == (date(2014, 1, 1), date(2013, 12, 29))


def test_zilverline_rabobank_old(statements: Statements) -> None:
    st = statements("zilverline-mt940/rabobank.txt")
    assert {s.account for s in st} == {"212121211"}
    assert len(st) == 23
    first = st[0].lines[0]
    assert len(st[0].lines) == 1
    assert (first.amount, first.value_date) == (D("-50.00"), date(2012, 10, 1))
    assert (first.counterparty_iban, first.counterparty_name) == ("1313131319", "J. DOE")
    assert first.description == "Incasso deposit Savings Account"
    assert st[1].lines == ()
    assert len(st[10].lines) == 2
    assert opening(st[0]) == (date(2012, 9, 28), D("17431.67"))
    assert closing(st[0]) == (date(2012, 10, 1), D("17381.67"))
    second = st[12].lines[1]
    assert second.amount == D("12100.00")
    assert (second.counterparty_iban, second.counterparty_name) == ("987654321", "COMPANY B.V.")


def test_zilverline_rabobank_structured(statements: Statements) -> None:
    st = statements("zilverline-mt940/rabobank_mt940_structured.txt")
    assert {s.account for s in st} == {"NL50RABO0123456789"}  # account 123456789
    assert [len(s.lines) for s in st] == [2, 7]
    assert opening(st[0]) == (date(2013, 4, 2), D("1147.95"))
    assert closing(st[0]) == (date(2013, 4, 3), D("1190.35"))
    assert closing(st[-1]) == (date(2013, 4, 4), D("18846.34"))
    first, second = st[0].lines
    assert (first.amount, first.value_date, second.amount) == (D("-127.50"), date(2013, 4, 3), D("169.90"))
    assert first.counterparty_iban == "NL96RBOS0523149468"
    assert first.counterparty_name == "Nespresso Nederland B.V."
    assert first.end_to_end_id == "02-04-2013 22:56 1120000153447185"
    assert first.bank_code == "N102"
    assert first.detail_lines[-1] == "/ISDT/2013-04-03"
    (savings,) = statements("zilverline-mt940/rabobank_mt940_structured_savings_account.txt")
    assert savings.account == "NL50RABO9123456789"
    (debit,) = statements("zilverline-mt940/rabobank_with_debet_previous_balance.txt")
    assert debit.opening_balance is not None and debit.opening_balance.amount == D("-12.00")
    (remi,) = statements("zilverline-mt940/rabobank_line_break_in_remi.txt")
    assert remi.account == "NL84RABO01212121212"


def test_zilverline_sns(statements: Statements) -> None:
    st = statements("zilverline-mt940/sns_sns.txt")
    assert len(st) == 16 and {s.account for s in st} == {"NL16SNSB1234567809"}
    assert [(ln.amount, ln.value_date) for ln in st[0].lines] == [(D("12.45"), date(2014, 1, 1))]
    assert opening(st[0]) == (date(2014, 1, 19), D("534.03"))
    assert closing(st[0]) == (date(2014, 1, 19), D("546.48"))
    assert (D("20000.00"), date(2014, 9, 22)) in [(ln.amount, ln.value_date) for ln in lines_of(st)]


def test_zilverline_triodos(statements: Statements) -> None:
    (st,) = statements("zilverline-mt940/triodos_iban.txt")
    assert st.account == "454545454" and st.dialect == "triodos"
    assert len(st.lines) == 3
    assert opening(st) == (date(2013, 10, 7), D("0.00"))
    assert closing(st) == (date(2013, 10, 25), D("948.00"))
    assert (st.lines[0].amount, st.lines[0].value_date) == (D("1000.00"), date(2013, 10, 7))
    assert (st.lines[0].counterparty_iban, st.lines[0].counterparty_bic) == ("NL12RABO0888888888", "RABONL2U")
    pin = st.lines[2]
    assert (pin.amount, pin.value_date) == (D("-10.00"), date(2013, 10, 25))
    assert pin.description is not None and "BETAALAUTOMAAT" in pin.description
    (st,) = statements("zilverline-mt940/triodos_multiline_bug.txt")
    assert len(st.lines) == 1


def test_zilverline_van_lanschot(statements: Statements) -> None:
    st = statements("zilverline-mt940/van_lanschot_van_lanschot.txt")
    assert {s.account for s in st} == {"878787878"}
    assert [len(s.lines) for s in st] == [1, 2, 1]
    chain = [opening(st[0])] + [closing(s) for s in st]
    assert chain == [
        (date(2014, 1, 3), D("5053.33")),
        (date(2014, 1, 10), D("7770.09")),
        (date(2014, 1, 13), D("5666.09")),
        (date(2014, 1, 22), D("4849.34")),
    ]
    first = st[0].lines[0]
    assert (first.amount, first.value_date) == (D("2716.76"), date(2014, 1, 10))
    assert first.counterparty_iban == "NL81RABO0444444444"


def test_zilverline_two_accounts(statements: Statements) -> None:
    st = statements("zilverline-mt940/two_accounts.txt")
    facts = [(s.account, opening(s)[1], closing(s)[1], len(s.lines)) for s in st]
    assert facts == [
        ("156750961", D("9265.12"), D("2666.37"), 2),
        ("991430727", D("352.84"), D("352.84"), 0),
        ("3462483153", D("5000.00"), D("5000.00"), 0),
        ("132576155", D("-12.00"), D("238.00"), 1),
    ]
    assert opening(st[0])[0] == date(2012, 9, 17) and closing(st[0])[0] == date(2012, 9, 18)
    assert opening(st[3])[0] == date(2012, 10, 26) and closing(st[3])[0] == date(2012, 10, 29)


# --- jejik-mt940 (Dutch) ----------------------------------------------------------------


def test_jejik_abnamro(statements: Statements) -> None:
    st = statements("jejik-mt940/abnamro.txt")
    assert len(st) == 2
    assert (st[0].statement_number, st[0].sequence) == ("19321", "1")
    assert (st[1].statement_number, st[1].sequence) == ("19322", "1")
    assert st[0].account == "517852257"
    assert opening(st[0]) == (date(2011, 5, 22), D("3236.28"))
    assert len(st[0].lines) == 8
    first = st[0].lines[0]
    assert (first.amount, first.value_date, first.booking_date) == (D("-9.00"), date(2011, 5, 24), date(2011, 5, 24))
    assert first.counterparty_iban == "428428"
    assert "528939882" in {ln.counterparty_iban for ln in lines_of(st)}


def test_jejik_ing_dos_and_unix(statements: Statements) -> None:
    for name in ("ing-dos.txt", "ing-unix.txt"):
        (st,) = statements(f"jejik-mt940/{name}")
        assert st.account == "1234567"  # leading zeros stripped
        assert opening(st) == (date(2010, 7, 22), D("0.00"))
        assert len(st.lines) == 7
        assert (st.lines[0].amount, st.lines[0].value_date) == (D("-25.03"), date(2010, 7, 22))
        assert st.lines[1].counterparty_iban == "0111111111"
        # jejik reports value 2010-07-22 / book 2010-07-23 for the last line; the file
        # has one date (":61:100723C1,00NGT"), which SWIFT defines as the value date
        assert (st.lines[-1].value_date, st.lines[-1].booking_date) == (date(2010, 7, 23), None)
    dos, unix = statements("jejik-mt940/ing-dos.txt"), statements("jejik-mt940/ing-unix.txt")
    assert [statement_record(s, file="x") for s in dos] == [statement_record(s, file="x") for s in unix]


def test_jejik_knab(statements: Statements) -> None:
    st = statements("jejik-mt940/knab.txt")
    assert len(st) == 2
    assert (st[0].statement_number, st[0].sequence, st[0].account) == ("998", "1", "123456789")
    assert opening(st[0]) == (date(2014, 5, 7), D("0.00"))
    assert len(st[1].lines) == 2
    first = st[1].lines[0]
    assert (first.amount, first.value_date) == (D("-7260.00"), date(2014, 7, 29))
    assert (first.counterparty_iban, first.counterparty_name) == ("NL65INGB0123456789", "PICQER")


def test_jejik_rabobank_old(statements: Statements) -> None:
    st = statements("jejik-mt940/rabobank.txt")
    assert len(st) == 4
    # jejik numbers statement 1 "110614" after its opening date; :28: says 00000
    assert st[0].statement_id == "940A110615" and st[0].statement_number == "00000"
    assert st[0].account == "129199348"
    assert opening(st[0]) == (date(2011, 6, 14), D("473.17"))
    tmobile, tomte = st[2].lines
    assert (tmobile.amount, tmobile.value_date, tmobile.booking_date) == (D("-44.95"), date(2011, 6, 17), None)
    assert (tmobile.counterparty_iban, tmobile.counterparty_name) == ("733959555", "T-MOBILE NETHERLANDS BV")
    assert tmobile.description == "BETALINGSKENM. 123456789 FACTUURNUMMER 987654321"
    assert tmobile.detail_lines == ("BETALINGSKENM.  123456789", "FACTUURNUMMER 987654321")
    assert (tomte.customer_reference or "").startswith("NONREF")
    assert (tomte.counterparty_name, tomte.counterparty_iban) == ("TOMTE TUMMETOT AMERSFOORT", None)
    ns = st[3].lines[1]
    assert (ns.bank_code, ns.amount, ns.value_date) == ("NMSC", D("-6.20"), date(2012, 8, 29))
    assert ns.counterparty_iban == "29225"


def test_jejik_rabobank_iban(statements: Statements) -> None:
    st = statements("jejik-mt940/rabobank-iban.txt")
    assert len(st) == 2
    assert st[0].statement_id == "940S130101"
    assert st[0].account == "NL71RABO0123456789"
    assert opening(st[0]) == (date(2013, 1, 1), D("1000.00"))
    assert len(st[0].lines) == 2
    first = st[0].lines[0]
    assert (first.amount, first.value_date) == (D("-25.00"), date(2013, 1, 1))
    assert (first.counterparty_iban, first.counterparty_name) == ("NL70ABNA0987654321", "CONTRA ACCOUNT HOLDER")


def test_jejik_sns(statements: Statements) -> None:
    st = statements("jejik-mt940/sns.txt")
    assert len(st) == 2
    assert (st[0].statement_number, st[0].sequence, st[0].account) == ("160", "1", "123456789")
    assert opening(st[0]) == (date(2012, 6, 8), D("1234.56"))
    assert closing(st[0]) == (date(2012, 6, 8), D("1209.56"))
    first = st[0].lines[0]
    assert len(st[0].lines) == 2
    assert (first.amount, first.value_date, first.booking_date) == (D("-20.00"), date(2012, 6, 7), date(2012, 6, 8))


def test_jejik_triodos(statements: Statements) -> None:
    (st,) = statements("jejik-mt940/triodos.txt")
    assert st.account == "390123456"
    assert opening(st) == (date(2011, 1, 1), D("4975.09"))
    assert len(st.lines) == 2
    first = st.lines[0]
    assert (first.amount, first.value_date, first.counterparty_iban) == (D("-15.70"), date(2011, 1, 1), "987654321")


# --- kingsquare-php-mt940 (Dutch) -------------------------------------------------------


def test_kingsquare_abn(statements: Statements) -> None:
    st = statements("kingsquare-php-mt940/Abn_sample.txt")
    assert len(st) == 4
    for s in (st[0], st[-1]):
        assert (opening(s)[0], closing(s)[0]) == (date(2009, 6, 23), date(2009, 6, 24))
    assert opening(st[0])[1] - closing(st[0])[1] == D("210.50")
    assert st[0].lines[0].amount == D("-7.50")
    (st2,) = statements("kingsquare-php-mt940/Abn_sample2.txt")
    assert [(ln.value_date, ln.booking_date) for ln in st2.lines] == [
        (date(2009, 1, 1), date(2009, 1, 1)),
        (date(2009, 1, 1), date(2009, 1, 2)),
        (date(2009, 1, 1), date(2009, 2, 1)),
        (date(2009, 12, 31), date(2010, 1, 1)),
    ]


def test_kingsquare_bunq(statements: Statements) -> None:
    (st,) = statements("kingsquare-php-mt940/Bunq_sample.txt")
    assert st.dialect == "bunq" and st.account == "NL10BUNQ2290325473"
    assert (opening(st)[0], closing(st)[0]) == (date(2019, 1, 31), date(2019, 5, 31))
    assert opening(st)[1] - closing(st)[1] == D("26.67")
    assert (st.lines[0].amount, st.lines[0].booking_date) == (D("2.00"), date(2019, 1, 31))
    assert st.lines[-1].booking_date == date(2019, 5, 24)
    assert (st.lines[0].counterparty_iban, st.lines[0].counterparty_name) == ("NL65BUNQ2206724936", "P.C. Wacki")


def test_kingsquare_ing(statements: Statements) -> None:
    (st,) = statements("kingsquare-php-mt940/Ing_sample.txt")
    assert (opening(st)[0], closing(st)[0]) == (date(2010, 7, 22), date(2010, 7, 23))
    assert opening(st)[1] - closing(st)[1] == D("-3.47")
    assert (st.lines[0].amount, st.lines[0].booking_date) == (D("25.03"), None)
    assert st.lines[-1].booking_date == date(2010, 7, 21)
    assert st.information == "D000004C000002D25,24C28,71"  # the soft-hyphen trailer is not text


def test_kingsquare_knab(statements: Statements) -> None:
    (st,) = statements("kingsquare-php-mt940/Knab_sample.txt")
    assert opening(st) == (date(2015, 12, 3), D("1000.21"))
    assert closing(st) == (date(2015, 12, 3), D("945.21"))
    assert st.lines[0].amount == D("-15.00")
    assert (st.lines[1].counterparty_iban, st.lines[1].counterparty_name) == ("NL52RABO0326203011", "SOME NAME")
    assert st.lines[2].description == "03-12-2015 16:04 PAS: 1122"
    achmea = st.lines[4]
    assert achmea.counterparty_iban == "NL83ABNA0437015300"  # account 437015300
    assert achmea.counterparty_name == "ACHMEA SCHADEVERZEKERINGEN N.V."
    (st3,) = statements("kingsquare-php-mt940/Knab_sample3.txt")
    assert st3.lines[0].counterparty_iban == "53851317"  # php-mt940: 'P53851317' (/BBAN/)


def test_kingsquare_rabobank(statements: Statements) -> None:
    st = statements("kingsquare-php-mt940/Rabo_sample.txt")
    assert len(st) == 39
    assert (opening(st[0])[0], closing(st[0])[0]) == (date(2003, 1, 6), date(2003, 1, 7))
    assert (opening(st[-1])[0], closing(st[-1])[0]) == (date(2003, 1, 8), date(2003, 1, 9))
    assert st[4].lines[1].description == "Contante storting Overige"
    assert st[14].lines[3].description == "INVOICE 38"
    descriptions = [ln.description for ln in st[15].lines]
    assert "VOLGENS AFSPRAAK" in descriptions and "FAKTUUR 3549" in descriptions
    assert st[5].lines[0].amount == D("500.00")
    (st2,) = statements("kingsquare-php-mt940/Rabo_sample2.txt")
    assert (opening(st2)[1], closing(st2)[1]) == (D("-1000.12"), D("2145.23"))
    st3 = statements("kingsquare-php-mt940/Rabo_sample3.txt")
    descriptions = [ln.description for ln in lines_of(st3)]
    for text in (
        "674725433 1120000153447185 14144467636004962",
        "861835-574631143",
        "/IBS.00008908/ 1001680-P796142 KINDEROPVANG",
        "Factuur 307472",
    ):
        assert text in descriptions
    huibers = lines_of(st3)[-1]
    assert (huibers.counterparty_iban, huibers.counterparty_bic) == ("NL54INGB0006752576", "INGBNL2A")


def test_kingsquare_triodos(statements: Statements) -> None:
    st = statements("kingsquare-php-mt940/Triodos_sample.txt")
    assert [s.account for s in st] == ["666666666", "999999999"]
    assert [opening(s) for s in st] == [(date(2012, 11, 23), D("1000.00")), (date(2012, 11, 23), D("950.12"))]
    assert [closing(s) for s in st] == [(date(2012, 11, 23), D("850.00")), (date(2012, 11, 23), D("1009.14"))]
    assert [s.statement_number for s in st] == ["1", "1"]


# --- oca-bank-statement-import, ofxstatement-mt940, wolph (ASN) --------------------------


def test_oca_rabobank(statements: Statements) -> None:
    st = statements("oca-bank-statement-import/test-rabo.swi")
    assert {s.account for s in st} == {"NL34RABO0142623393"}
    assert (opening(st[0])[1], closing(st[-1])) == (D("4433.52"), (date(2014, 1, 7), D("4798.91")))
    line = st[0].lines[0]
    assert (line.amount, line.value_date) == (D("400.00"), date(2014, 1, 2))
    assert line.counterparty_iban == "NL66RABO0160878799"
    assert line.customer_reference == "NONREF"


def test_oca_sns_cut_off(statements: Statements) -> None:
    st = statements("oca-bank-statement-import/test-sns.940")
    assert len(st) == 3
    assert st[2].closing_balance is None


def test_oca_wrong_header_is_read_with_a_diagnostic(parse_corpus: Callable) -> None:  # type: ignore[type-arg]
    result = parse_corpus("oca-bank-statement-import/test-wrong-file.940")
    assert [d.code for d in result.diagnostics] == ["ignored_text"]
    assert "test-wrong-file.940:1:" in result.diagnostics[0].message


def test_oca_mollie(statements: Statements) -> None:
    (st,) = statements("oca-bank-statement-import/Voorbeeld_MT-940.mt940")
    assert (st.currency, st.account, len(st.lines)) == ("EUR", "NL30ABNA000000000000", 21)
    assert closing(st)[1] == D("-1350.26") == sum(ln.amount for ln in st.lines)


def test_ofxstatement_asn(parse_corpus: Callable, statements: Statements) -> None:  # type: ignore[type-arg]
    result = parse_corpus("ofxstatement-mt940/mt940_ASN.txt")
    st = result.statements
    assert {s.account for s in st} == {"NL81ASNB9999999999"} and {s.dialect for s in st} == {"asn"}
    assert opening(st[0]) == (date(2020, 1, 1), D("444.29"))
    assert closing(st[-1])[1] == D("501.23")
    lines = lines_of(st)
    assert [(ln.amount, ln.value_date) for ln in lines] == [
        (D("-65.00"), date(2020, 1, 1)),
        (D("1000.00"), date(2020, 1, 5)),
        (D("-801.55"), date(2020, 1, 5)),
        (D("-1.65"), date(2020, 1, 25)),
        (D("828.72"), date(2020, 1, 29)),
        (D("-1000.00"), date(2020, 1, 29)),
        (D("1000.18"), date(2020, 1, 31)),
        (D("1000.18"), date(2020, 1, 31)),
        (D("-903.76"), date(2020, 1, 31)),
    ]
    assert lines[0].description == "Betaling sieraden"
    assert (lines[0].counterparty_name, lines[0].counterparty_iban) == ("hr gjlm paulissen", "NL47INGB9999999999")
    assert lines[3].description == "Kosten gebruik betaalrekening inclusief 1 betaalpas"
    assert (lines[3].counterparty_name, lines[3].counterparty_iban) == (None, None)
    # the duplicated line makes the 31 January statement not reconcile: a diagnostic
    assert [d.code for d in result.diagnostics] == ["balance_mismatch"]
    assert len(statements("ofxstatement-mt940/mt940_ASN_end_date_wrong.txt")[0].lines) == 1


def test_wolph_asn(statements: Statements) -> None:
    for name, entry_dates in (
        ("ASNB_mt940.txt", (date(2020, 1, 1), date(2020, 1, 31))),
        ("ASNB_mt940_with_spaces_for_entry_date.txt", (None, None)),
    ):
        st = statements(f"wolph-mt940/{name}")
        assert {s.account for s in st} == {"NL81ASNB9999999999"}
        last = st[-1]
        assert (last.statement_number, last.sequence) == ("31", "1")
        assert opening(last) == (date(2020, 1, 31), D("404.81"))
        assert closing(last) == (date(2020, 1, 31), D("501.23"))
        lines = lines_of(st)
        assert [ln.amount for ln in lines] == [
            D(x) for x in ("-65.00", "1000.00", "-801.55", "-1.65", "828.72", "-1000.00", "1000.18", "-903.76")
        ]
        first = lines[0]
        assert first.customer_reference == "NL47INGB9999999999"
        assert first.counterparty_name == "hr gjlm paulissen"
        assert first.detail_lines[0] == "NL47INGB9999999999 hr gjlm paulissen"
        assert "Betaling sieraden" in first.detail_lines
        assert lines[-1].customer_reference == "NL08ABNA9999999999"
        assert (lines[0].booking_date, lines[-1].booking_date) == entry_dates

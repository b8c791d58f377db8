"""R-D6 / R-D7: bank transaction codes, commission, and the seed's cost-allocation example."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from matching_world import (
    ACCOUNTS,
    ADMIN,
    GL_ACCOUNTS,
    IBAN_10001,
    JOURNAL,
    RELATIONS,
    balanced,
    books,
    item,
    line,
    one,
)

from bankbridge.formats.mt940.format import Mt940Format
from bankbridge.ledger.model import Allocation, GLAccount, Posting, TransactionCode
from bankbridge.matching import Books, LineInput, decide

PIN = TransactionCode("E1", "RABONL2U", "N121", "1010", description="Pin-ontvangsten")
ALLOCATIONS = (
    Allocation("E1", "RABONL2U", "N121", "", "Verk.punt PT5001", (("1", "110"), ("2", "1001"))),
    Allocation("E1", "RABONL2U", "N121", "", "Verk.punt PT5101", (("1", "100"), ("2", "1000"))),
)
SEED_MT940 = b""":20:940S040219
:25:NL80RABO5806583321
:28C:49
:60F:C040218EUR1000,00
:61:040219C000000000393,91N121NONREF
:86:LIN-O-LUX
:86:AFREKENING PIN-TRANSACTIES
:86:Verk.punt PT5101       periode 049
:62F:C040219EUR1393,91
"""


def test_the_seeds_worked_example_through_the_mt940_reader() -> None:
    stmt_line = Mt940Format().parse(SEED_MT940, source="seed.sta").statements[0].lines[0]
    entry = LineInput(1, "A1", "BNK", "RABONL2U", JOURNAL.iban, "EUR", stmt_line)
    (d,) = decide([entry], books(codes=(PIN,), allocations=ALLOCATIONS))
    assert (d.status, d.rule) == ("booked", "transaction_code")
    assert d.postings == (
        Posting("1100", D("393.91")),
        Posting("1010", D("-393.91"), allocations=(("1", "100"), ("2", "1000"))),
    )
    assert "allocation 'Verk.punt PT5101' on the third :86: line gives axis 1 = 100, axis 2 = 1000" in d.evidence


def pin(amount: str = "393.91", third: str = "Verk.punt PT5101       periode 049", **kw: object) -> LineInput:
    detail = ("LIN-O-LUX", "AFREKENING PIN-TRANSACTIES", third)
    return line(amount, bank_code=kw.pop("code", "N121"), detail_lines=detail, description=" ".join(detail), **kw)


def test_other_terminal_gets_its_own_allocation_and_none_without_a_match() -> None:
    w = books(codes=(PIN,), allocations=ALLOCATIONS)
    assert one(pin(third="Verk.punt PT5001 periode 049"), w).postings[1].allocations == (("1", "110"), ("2", "1001"))
    assert one(pin(third="Verk.punt PT9999"), w).postings[1].allocations == ()


def test_codes_are_case_sensitive_and_per_bank() -> None:
    w = books(codes=(PIN,))
    assert one(pin(code="n121"), w).status == "open"
    ing = LineInput(1, "A1", "BNK", "INGBNL2A", JOURNAL.iban, "EUR", pin().line)
    assert one(ing, w).status == "open"
    eleven = LineInput(1, "A1", "BNK", "RABONL2UXXX", JOURNAL.iban, "EUR", pin().line)
    assert one(eleven, w).status == "booked"


def test_a_matching_search_value_beats_the_empty_one() -> None:
    visa = TransactionCode("E1", "RABONL2U", "N121", "1020", search_value="EUR MERCHANT SERV VISA")
    w = books(codes=(PIN, visa))
    assert (
        one(line("50.00", bank_code="N121", description="EUR MERCHANT SERV VISA 123"), w).postings[1].gl_account
        == "1020"
    )
    assert one(line("50.00", bank_code="N121", description="PIN"), w).postings[1].gl_account == "1010"


def test_two_equally_specific_rows_are_only_proposed() -> None:
    visa = TransactionCode("E1", "RABONL2U", "N121", "1020", search_value="VISA")
    amex = TransactionCode("E1", "RABONL2U", "N121", "1030", search_value="AMERICAN EXP")
    d = one(line("50.00", bank_code="N121", description="VISA en AMERICAN EXP"), books(codes=(visa, amex)))
    assert d.status == "proposed"
    assert {c.gl_account for c in d.candidates} == {"1020", "1030"}


def test_a_search_value_containing_another_is_more_specific() -> None:
    short = TransactionCode("E1", "RABONL2U", "N121", "1020", search_value="VISA")
    long = TransactionCode("E1", "RABONL2U", "N121", "1030", search_value="EUR MERCHANT SERV VISA")
    d = one(line("50.00", bank_code="N121", description="EUR MERCHANT SERV VISA"), books(codes=(short, long)))
    assert d.postings[1].gl_account == "1030"


CARD = TransactionCode("E1", "RABONL2U", "N544", "1020", search_value="VISA", commission_gl_account="4510")


def test_commission_from_the_charges_is_booked_on_the_cost_account() -> None:
    d = one(
        line("97.00", bank_code="N544", description="EUR MERCHANT SERV VISA", charges=D("3.00")), books(codes=(CARD,))
    )
    assert d.postings == (Posting("1100", D("97.00")), Posting("1020", D("-100.00")), Posting("4510", D("3.00")))
    assert "commission 3.00 on 4510 (gross 100.00)" in d.evidence


def test_commission_from_the_description() -> None:
    text = "VISA settlement BRUTO 1.000,00 COMMISSIE 25,00 NETTO 975,00"
    d = one(line("975.00", bank_code="N544", description=text), books(codes=(CARD,)))
    assert d.postings[1:] == (Posting("1020", D("-1000.00")), Posting("4510", D("25.00")))
    assert balanced(d)


def test_commission_figures_that_do_not_add_up_are_proposed() -> None:
    text = "VISA BRUTO 1.000,00 COMMISSIE 20,00 NETTO 975,00"
    d = one(line("975.00", bank_code="N544", description=text), books(codes=(CARD,)))
    assert d.status == "proposed" and "do not add up" in d.evidence


def test_coda_eight_digit_codes_work_the_same() -> None:
    coda = TransactionCode("E1", "GKCCBEBB", "01500000", "6550", description="Bankkosten")
    entry = replace(line("-12.50", bank_code="01500000"), bank_bic="GKCCBEBB")
    d = one(entry, books(codes=(coda,)))
    assert d.postings == (Posting("1100", D("-12.50")), Posting("6550", D("12.50")))


def test_code_books_when_the_iban_relation_has_nothing_open() -> None:
    d = one(pin(counterparty_iban=IBAN_10001), books(codes=(PIN,)))
    assert (d.status, d.rule) == ("booked", "transaction_code")


def test_code_and_item_evidence_together_are_only_proposed() -> None:
    w = books((item("20260001", "10001", "393.91"), item("20260002", "10001", "393.91")), codes=(PIN,))
    d = one(pin(counterparty_iban=IBAN_10001), w)
    assert d.status == "proposed"
    assert d.evidence.startswith("transaction code N121") and "2 open items of 393.91" in d.evidence


def test_closest_items_of_the_iban_relation_do_not_block_a_code() -> None:
    w = books((item("20260001", "10001", "100.00"),), codes=(PIN,))
    d = one(pin(counterparty_iban=IBAN_10001), w)
    assert (d.status, d.rule) == ("booked", "transaction_code")


def test_a_code_whose_account_belongs_to_another_administration_is_only_proposed() -> None:
    restricted = (GLAccount("E1", "1010", "Kruisposten pin A2", administration="A2"), GLAccount("E1", "1100", "Bank"))
    world = Books.build(
        administrations=(ADMIN,),
        journals=(JOURNAL,),
        gl_accounts=restricted,
        relations=RELATIONS,
        relation_bank_accounts=ACCOUNTS,
        transaction_codes=(PIN,),
    )
    d = one(line("393.91", bank_code="N121", description="PIN"), world)
    assert (d.status, d.rule) == ("proposed", "transaction_code")
    assert d.evidence == "transaction code N121 books on 1010, but GL account 1010 is of administration A2 only"
    allowed = replace(restricted[0], administration="A1")
    world = replace(world, gl_accounts={("E1", "1010"): allowed})
    assert one(line("393.91", bank_code="N121", description="PIN"), world).status == "booked"


def test_the_allocation_carries_through_to_an_unallocated_commission_account_only() -> None:
    """Seed: 'Indien je de grootboekrekening uit kader Algemeen wel verbijzondert en de
    grootboekrekening uit kader Afhandeling commissie creditcard niet, dan werkt de eerste
    verbijzondering door. In andere gevallen kun je verbijzonderingscodes invoeren.'"""
    code = replace(PIN, commission_gl_account="4510")
    detail = ("LIN-O-LUX", "AFREKENING PIN-TRANSACTIES BRUTO 400,00 COMMISSIE 6,09", "Verk.punt PT5101 periode 049")
    entry = line("393.91", bank_code="N121", detail_lines=detail, description=" ".join(detail))
    world = Books.build(
        administrations=(ADMIN,),
        journals=(JOURNAL,),
        gl_accounts=(*GL_ACCOUNTS, GLAccount("E1", "4510", "Commissie")),
        relations=RELATIONS,
        relation_bank_accounts=ACCOUNTS,
        transaction_codes=(code,),
        allocations=ALLOCATIONS,
    )
    d = one(entry, world)
    pairs = (("1", "100"), ("2", "1000"))
    assert d.postings == (
        Posting("1100", D("393.91")),
        Posting("1010", D("-400.00"), allocations=pairs),
        Posting("4510", D("6.09"), allocations=pairs),
    )
    allocated = replace(
        world, gl_accounts={**world.gl_accounts, ("E1", "4510"): GLAccount("E1", "4510", "C", axes=("1",))}
    )
    d = one(entry, allocated)
    assert (d.status, d.rule) == ("proposed", "transaction_code")
    assert "the commission account 4510 is allocated itself: enter its codes by hand" in d.evidence

"""The text readers on the shapes real bank lines carry (synthesised here, after what
MT940, CAMT and CODA files of Dutch, Belgian and German banks show): invoice numbers
glued to a label or a word, ``#`` labels, OGM without its ``+++``, a BSN printed with
dots or after the word ``BSN``, and card-settlement figures with rates, dates and ``€``."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st
from matching_world import IBAN_10001, TAX_OFFICE, UNKNOWN_IBAN, books, item, line, one

from bankbridge.identifiers import references
from bankbridge.ledger.model import Posting, Settlement, TransactionCode
from bankbridge.matching.text import bsn_after_nr, commission_figures, references_in_text, words

CARD = TransactionCode("E1", "RABONL2U", "N544", "1020", search_value="VISA", commission_gl_account="4510")


# --- words: numbers glued to labels and words ------------------------------------------


def test_a_number_glued_to_the_word_after_it_is_a_word() -> None:
    # ABN/Rabo texts as typed: 'BETALINGSKENM. 231732INCASSO', 'factuurnummer 201303-128cursus'
    assert "231732" in words("FACTUUR 231732INCASSO 02-04-2013")
    assert "54" not in words("overschrijving 17.233,54Van: COMPANY")  # cents, not a number of its own
    assert "201303-128" in words("factuurnummer 201303-128cursus certified PO")
    assert "857239" in words("Insurance policy 857239PERIOD 01.01.2014")


def test_letters_after_a_number_that_are_no_word_stay_part_of_it() -> None:
    found = words("2026A 12345AB 2013NR M2438111M122IZHS 1068828051X793be")
    assert "2026" not in found and "12345" not in found and "2013" not in found
    assert "1068828051" not in found


def test_an_invoice_label_glued_to_a_number_gives_the_number() -> None:
    assert "20260012" in words("factuur20260012")
    assert "20260012" in words("FACTUURNR20260012")
    assert "2026-001" in words("INV-2026-001")
    assert "2020-00124953" in words("DIRECT_DEBIT:RG-2020-00124953 PENTA")
    assert "231732" in words("fact231732INCASSO")


def test_other_letters_before_a_number_are_a_series_not_a_label() -> None:
    found = words("CR20260001 F2026-0012 INK7 ORDER-12345 KLANT20260012")
    assert "20260001" not in found and "2026-0012" not in found and "7" not in found
    assert "12345" not in found and "20260012" not in found


def test_hash_and_star_labels() -> None:
    assert "12345" in words("Invoice #12345")
    assert "12345" in words("INV#12345")
    assert "531327" in words("FAKNR*531327")
    assert words("#") == ()


@given(st.text(alphabet="abcINVfactuur0123456789-#*/.: ", max_size=40))
def test_glued_numbers_only_add_words(text: str) -> None:
    found = words(text)
    assert len(found) == len(set(found))  # distinct
    for split in re.split(r"[\s,/.:=#*]+", text):
        part = split.strip("-_")
        if part:
            assert part in found, (text, part)
    for w in found:
        assert w and w in text  # every word is a piece of the text as written


def test_a_glued_invoice_number_books_through_the_iban() -> None:
    d = one(
        line("121.00", counterparty_iban=IBAN_10001, description="betaling factuur20260012"),
        books((item("20260012", "10001", "121.00"), item("20260013", "10001", "121.00"))),
    )
    assert (d.status, d.rule) == ("booked", "iban")
    assert d.settlements == (Settlement("20260012", "10001", D("121.00")),)


def test_a_glued_invoice_number_of_another_relation_is_only_proposed() -> None:
    d = one(
        line("121.00", counterparty_iban=IBAN_10001, description="20260077INCASSO"),
        books((item("20260001", "10001", "121.00"), item("20260077", "10002", "121.00"))),
    )
    assert d.status == "proposed" and "20260077" in d.evidence


def test_a_glued_invoice_number_finds_the_relation_from_an_unknown_iban() -> None:
    d = one(
        line("50.00", counterparty_iban=UNKNOWN_IBAN, description="INV-20260005 namens klant"),
        books((item("20260005", "10002", "50.00"),)),
    )
    assert (d.status, d.rule) == ("booked", "invoice_number")


# --- payment references: OGM as printed ---------------------------------------------------


def test_an_ogm_with_blanks_inside_its_plusses() -> None:
    assert references_in_text("+++ 010/8068/17183 +++") == ("+++010/8068/17183+++",)
    assert references_in_text("***010 / 8068 / 17183***") == ("+++010/8068/17183+++",)


def test_an_ogm_without_plusses_counts_only_with_valid_check_digits() -> None:
    assert references_in_text("mededeling 010/8068/17183 dank") == ("+++010/8068/17183+++",)
    assert references_in_text("mededeling 010/8068/17184") == ()  # no typo veto from loose digits
    assert references_in_text("datum 10/08/2026 nr 12/1234/12345") == ()
    assert references_in_text("+++010/8068/17183+++") == ("+++010/8068/17183+++",)  # once


@given(st.integers(min_value=1, max_value=9_999_999_999))
def test_every_valid_bare_ogm_is_read_and_parses(number: int) -> None:
    base = f"{number:010d}"
    check = int(base) % 97 or 97
    digits = f"{base}{check:02d}"
    printed = f"{digits[:3]}/{digits[3:7]}/{digits[7:]}"
    (found,) = references_in_text(f"betaling {printed} dank u")
    assert references.parse(found).compact == digits


def test_a_bare_ogm_books_on_the_items_reference() -> None:
    stored = item("20260001", "10001", "80.00", reference="010806817183")
    d = one(line("80.00", description="paiement 010/8068/17183"), books((stored,)))
    assert (d.status, d.rule) == ("booked", "payment_reference")


def test_a_typed_ogm_with_blanks_and_a_wrong_check_vetoes() -> None:
    d = one(
        line("80.00", counterparty_iban=IBAN_10001, description="+++ 010/8068/17184 +++"),
        books((item("20260001", "10001", "80.00"),)),
    )
    assert d.status == "proposed" and "fails its check digit" in d.evidence


# --- BSN ----------------------------------------------------------------------------------


def tax_line(amount: str, text: str) -> object:
    return line(amount, counterparty_iban=TAX_OFFICE, description=text)


def test_the_bsn_is_read_exactly_as_the_seed_words_it() -> None:
    """R-D2 (seed): after the word ``nr.``, up to 9 digits until another character; the
    issue asks for the seed's rule exactly, so printed dots and the word ``BSN`` are not
    read further (such a line goes on to the normal matching)."""
    assert bsn_after_nr("Kinderopvangtoeslag nr. 111222333") == "111222333"
    assert bsn_after_nr("Kinderopvangtoeslag nr. 1112.22.333") == "000001112"
    assert bsn_after_nr("Kinderopvangtoeslag nr.12345678") == "012345678"
    assert bsn_after_nr("Kinderopvangtoeslag BSN 111222333") is None


def test_a_bsn_without_nr_is_not_booked_by_the_bsn_step() -> None:
    d = one(tax_line("500.00", "Kinderopvangtoeslag 2026 BSN 111222333"), books((item("20260001", "10001", "500.00"),)))
    assert d.rule != "bsn"


# --- commission figures ---------------------------------------------------------------------


def test_a_rate_a_date_or_three_decimals_is_no_amount() -> None:
    assert commission_figures("COMMISSIE 2,50% NETTO 97,50").commission is None
    assert commission_figures("COMMISSIE 2,50 % NETTO 97,50").commission is None
    assert commission_figures("BRUTO 01.02.2026").gross is None
    assert commission_figures("FEE 0,125 EUR").commission is None


def test_more_ways_to_write_the_figures() -> None:
    f = commission_figures("Uitbetaling BRUTOBEDRAG € 1.000,00 TRANSACTIEKOSTEN: -12,50 NETTOBEDRAG €987,50")
    assert (f.gross, f.commission, f.net) == (D("1000.00"), D("12.50"), D("987.50"))
    f = commission_figures("Payout GROSS AMOUNT 200.00 FEES 5.80 NET AMOUNT 194.20")
    assert (f.gross, f.commission, f.net) == (D("200.00"), D("5.80"), D("194.20"))
    assert commission_figures("KOSTEN EUR 3,45").commission == D("3.45")
    assert commission_figures("VISA settlement Service fee JWHPIQ3828").unread is False
    assert commission_figures("VISA COMMISSIE 1,75%").unread is True
    assert commission_figures("VISA FEE 0,125").unread is True
    assert commission_figures("VISA FEE 2,90").unread is False


@given(st.integers(min_value=100, max_value=99_999_999), st.integers(min_value=1, max_value=99))
def test_written_figures_are_read_back(gross_cents: int, percent: int) -> None:
    gross = D(gross_cents).scaleb(-2)
    comm = (gross * percent / 1000).quantize(D("0.01"))
    dutch = f"{gross:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    text = f"MERCHANT SERV BRUTO {dutch} COMMISSIE {percent / 10:.2f}% EUR {comm} NETTO {gross - comm}"
    f = commission_figures(text)
    assert (f.gross, f.net) == (gross, gross - comm)
    assert f.commission is None  # the rate is never taken for the amount


def test_a_rate_without_an_amount_is_only_proposed() -> None:
    d = one(line("195.00", bank_code="N544", description="VISA COMMISSIE 2,50% NETTO 195,00"), books(codes=(CARD,)))
    assert d.status == "proposed" and "no amount" in d.evidence
    fees = "STRIPE PAYOUT incl. fees"  # fees named, no figure: as before
    assert one(line("195.00", bank_code="N544", description=f"VISA {fees}"), books(codes=(CARD,))).status == "booked"


def test_a_rate_with_the_gross_amount_books_the_difference() -> None:
    text = "VISA BRUTO 200,00 COMMISSIE 2,50% NETTO 195,00"
    d = one(line("195.00", bank_code="N544", description=text), books(codes=(CARD,)))
    assert d.status == "booked"
    assert d.postings[1:] == (Posting("1020", D("-200.00")), Posting("4510", D("5.00")))


def test_a_settlement_naming_no_commission_books_as_before() -> None:
    d = one(line("195.00", bank_code="N544", description="EUR MERCHANT SERV VISA"), books(codes=(CARD,)))
    assert d.status == "booked" and d.postings[1:] == (Posting("1020", D("-195.00")),)


def test_commission_in_euro_sign_and_fees_book() -> None:
    card = replace(CARD, search_value="STRIPE")
    text = "STRIPE PAYOUT GROSS 100.00 FEES 2.90 NET 97.10"
    d = one(line("97.10", bank_code="N544", description=text), books(codes=(card,)))
    assert d.status == "booked"
    assert d.postings[1:] == (Posting("1020", D("-100.00")), Posting("4510", D("2.90")))


def _every_pattern_run(text: str) -> tuple[str, ...]:
    """``references_in_text`` as it was before it skipped patterns (every one run)."""
    from bankbridge.matching import text as t

    found: dict[str, None] = {}
    for pattern in (t._KENMERK, t._SIXTEEN, t._RF):
        for match in pattern.finditer(text):
            found.setdefault(match.group(match.lastindex or 0), None)
    for match in t._RF_TYPED.finditer(text):
        if references.is_valid(match.group(0).upper()):
            found.setdefault(match.group(0).upper(), None)
    for match in t._OGM.finditer(text):
        found.setdefault("+++{}/{}/{}+++".format(*match.groups()), None)
    for compact in t._printed_references(text, True, True):
        found.setdefault(compact, None)
    return tuple(found)


_PIECES = st.sampled_from(
    [
        "RF18 5390 0754 7034",
        "rf18539007547034",
        "Rf18539007547034",
        "RF18539007547034",
        "rF18 5390",
        "BETALINGSKENM. 1234567",
        "betalingskenmerk: 5000000020260001",
        "Betalingskenm.",
        "5000 0000 2026 0001",
        "5000000020260001",
        "+++010/8068/17183+++",
        "010/8068/17183",
        "***010 / 8068 / 17183***",
        "factuur 2026",
        " ",
        "/",
        ".",
        "-",
        "+",
        "*",
        ":",
        "R",
        "F",
        "r",
        "f",
        "0",
        "7",
        "ſ",
        "\u212a",
        "İ",
        "ß",
        "ﬀ",
        "Ｒ",
        "ｆ",
    ]
)


@given(st.lists(_PIECES, max_size=12).map("".join))
def test_skipping_patterns_finds_what_running_every_pattern_finds(text: str) -> None:
    assert references_in_text(text) == _every_pattern_run(text)

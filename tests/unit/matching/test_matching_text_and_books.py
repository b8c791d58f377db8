"""The small pieces: reading texts, and the indexes built once per batch."""

from __future__ import annotations

import re
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st
from matching_world import IBAN_10001, admin, books, item, line, one, ref

from bankbridge.identifiers import references
from bankbridge.matching.books import bank_key, digit_key
from bankbridge.matching.text import commission_figures, contains, references_in_text, words


def test_words_split_on_punctuation_and_keep_invoice_shapes() -> None:
    assert words("Fact. F2026-0012, F2026-0013; (INK7).") == ("Fact", "F2026-0012", "F2026-0013", "INK7")
    assert words(None) == ()


def test_words_around_labels_slashes_and_dots() -> None:
    """An invoice number with a slash stays whole beside its parts; a label or an
    abbreviation glued to a number gives the number too."""
    assert words("INV:2026/0012") == ("INV:2026/0012", "INV", "2026/0012", "2026", "0012")
    assert words("fact.20260012 factuurnr=F12") == (
        "fact.20260012",
        "fact",
        "20260012",
        "factuurnr=F12",
        "factuurnr",
        "F12",
    )
    assert words("zie 2026/0012/") == ("zie", "2026/0012", "2026", "0012")


@given(st.text(alphabet="AB12/.:=- ,&\\", max_size=40))
def test_every_plain_split_word_is_still_a_word(text: str) -> None:
    """Words only grow: what splitting on every separator gives is among them."""
    found = set(words(text))
    for split in re.split(r"[\s,/.:=&\\]+", text):
        part = split.strip("-_")
        if part:
            assert part in found, (text, part)


def test_ampersand_backslash_and_a_glued_nr_separate_numbers() -> None:
    assert words("20260012&20260013") == ("20260012", "20260013")
    assert words("20260012\\20260013") == ("20260012", "20260013")
    assert words("nr20260013 NR.20260014") == ("nr20260013", "NR.20260014", "NR", "20260014", "20260013")
    assert words("NRG20260012") == ("NRG20260012",)  # other letters before a number are part of it
    assert words("facture2026012 factura-2026013")[-2:] == ("2026012", "2026013")


def test_long_numbers_joined_by_a_hyphen_are_words_each() -> None:
    assert words("ref: 20260012-20260013") == ("ref", "20260012-20260013", "20260012", "20260013")
    assert words("INV:20260012-20260013")[-2:] == ("20260012", "20260013")
    # short parts stay one word: a number with a hyphen in it, or a date
    assert words("INV-2026-001 2026-0012 01-02-2026") == ("INV-2026-001", "2026-0012", "01-02-2026", "2026-001")


def test_references_written_in_text() -> None:
    r = ref("20260001")
    assert references_in_text(f"BETALINGSKENM.: {r}") == (r,)
    assert references_in_text("zie RF18539007547034 en +++010/8068/17183+++") == (
        "RF18539007547034",
        "+++010/8068/17183+++",
    )


def test_references_written_in_groups_count_only_with_valid_check_digits() -> None:
    r = ref("20260001")
    grouped = " ".join(r[i : i + 4] for i in range(0, 16, 4))
    assert references_in_text(f"Betalingskenmerk: {grouped}") == (r,)
    wrong = grouped[:-1] + ("0" if grouped[-1] != "0" else "1")
    assert references_in_text(f"Betalingskenmerk: {wrong}") == ()  # no typo veto from a loose group of digits
    assert references_in_text("zie RF18 5390 0754 7034") == ("RF18539007547034",)
    assert references_in_text("RF18 5390 0754 7034 TEST") == ("RF18539007547034",)  # a word after it
    assert references_in_text("RF18 5390 0754 7035") == ()
    # RF18539007547034DANKU has valid check digits too: the words after it are no part of it
    assert references.is_valid("RF18539007547034DANKU")
    assert references_in_text("RF18 5390 0754 7034 DANK U") == ("RF18539007547034",)
    assert references_in_text("RF74 ABCD EFGH") == ("RF74ABCDEFGH",)  # letters only: the longest valid form


def test_an_rf_reference_typed_in_lower_case_counts_only_when_valid() -> None:
    assert references_in_text("betaling rf18539007547034 dank") == ("RF18539007547034",)
    assert references_in_text("Rf18539007547034") == ("RF18539007547034",)
    assert references_in_text("zie rf18 5390 0754 7034") == ("RF18539007547034",)
    # lower case is no sure sign of a reference: a failing one is no typo veto, unlike upper case
    assert references_in_text("rf18539007547035") == ()
    assert references_in_text("rf18 5390 0754 7035") == ()
    assert references_in_text("RF18539007547035") == ("RF18539007547035",)


def test_a_reference_in_groups_books_the_line() -> None:
    r = ref("20260001")
    grouped = " ".join(r[i : i + 4] for i in range(0, 16, 4))
    d = one(line("121.00", description=f"acceptgiro {grouped}"), books((item("20260001", "10001", "121.00"),)))
    assert (d.status, d.rule) == ("booked", "payment_reference")
    assert d.evidence.startswith(f"payment reference {r} (check digit valid) identifies invoice 20260001")


def test_commission_figures() -> None:
    f = commission_figures("GROSS 1,000.00 FEE 12.50 NET 987.50")
    assert (f.gross, f.commission, f.net) == (D("1000.00"), D("12.50"), D("987.50"))
    assert commission_figures("nothing").commission is None


def test_search_values_are_case_and_blank_insensitive() -> None:
    assert contains("EUR  MERCHANT serv VISA", "eur merchant SERV visa")
    assert not contains("PIN", "VISA")


def test_keys() -> None:
    assert bank_key("rabonl2uxxx") == "RABONL2U"
    assert bank_key(None) == ""
    assert digit_key("F2026-0012") == "20260012"
    assert digit_key("0000") == ""


def test_books_index_relations_and_items() -> None:
    w = books((item("20260001", "10001", "5.00", reference=ref("20260001")),))
    assert [r.number for r in w.relations_by_iban[("A1", IBAN_10001)]] == ["10001"]
    assert [r.number for r in w.relations_by_bsn[("A1", "111222333")]] == ["10001"]
    assert w.items_by_reference[("A1", ref("20260001"))][0].invoice_number == "20260001"
    assert w.items_by_digits[("A1", "20260001")][0].invoice_number == "20260001"


def test_invoice_number_is_cut_out_only_when_start_and_length_are_set() -> None:
    w = books((item("20260001", "10002", "5.00"),), admin=admin(invoice_ref_start=None))
    d = one(line("5.00", payment_reference=ref("20260001")), w)
    assert d.status == "open" and "matches no open item" in d.evidence
